package kubernetes

import (
	"github.com/topogen/topogen/generators/names"
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
