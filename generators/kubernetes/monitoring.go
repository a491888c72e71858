package kubernetes

import (
	"fmt"

	"sigs.k8s.io/yaml"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/generators/prometheus"
	"github.com/topogen/topogen/schema"
)

// buildServiceMonitor scrapes the exporter Service. The job label stays
// the Service name (names.ExporterJob); a relabeling adds the region to
// every series so that the global Prometheus and the rules can tell regions
// apart (names.SeriesRegionLabel).
func buildServiceMonitor(t *schema.Topology, r schema.Region) object {
	return object{kind: "ServiceMonitor", name: names.ExporterService, v: map[string]any{
		"apiVersion": "monitoring.coreos.com/v1",
		"kind":       "ServiceMonitor",
		"metadata":   meta("ServiceMonitor", names.ExporterService, t.Kubernetes.Namespace, componentMetrics, nil),
		"spec": map[string]any{
			"selector": map[string]any{"matchLabels": map[string]string{
				labelName:      appName,
				labelComponent: componentMetrics,
			}},
			"namespaceSelector": map[string]any{"matchNames": []string{t.Kubernetes.Namespace}},
			"endpoints": []any{map[string]any{
				"port":     portNameMetrics,
				"path":     "/metrics",
				"interval": "30s",
				"relabelings": []any{map[string]any{
					"action":      "replace",
					"targetLabel": names.SeriesRegionLabel,
					"replacement": r.Name,
				}},
			}},
		},
	}}
}

// buildPrometheusRule carries the Prometheus target's recording rules to
// the region's Prometheus, in the wave after the workload.
func buildPrometheusRule(t *schema.Topology, r schema.Region) (object, error) {
	b, err := prometheus.PrometheusRule(t, r)
	if err != nil {
		return object{}, fmt.Errorf("PrometheusRule: %w", err)
	}
	var m map[string]any
	if err := yaml.Unmarshal(b, &m); err != nil {
		return object{}, fmt.Errorf("PrometheusRule: %w", err)
	}
	setStrings(mapAt(m, "metadata"), "annotations", map[string]string{annSyncWave: wave("PrometheusRule")})
	return object{kind: "PrometheusRule", name: prometheus.PrometheusRuleName, v: m}, nil
}
