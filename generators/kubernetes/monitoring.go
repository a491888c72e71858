package kubernetes

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/generators/prometheus"
	"github.com/topogen/topogen/model"
)

// buildServiceMonitor scrapes the exporter Service. The job label stays
// the Service name (names.ExporterJob); a relabeling adds the region to
// every series so that the global Prometheus and the rules can tell regions
// apart (names.SeriesRegionLabel).
func buildServiceMonitor(t *model.Topology, r model.Region) object {
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
			"endpoints":         []any{metricsEndpoint(portNameMetrics, r)},
		},
	}}
}

// promRule is prometheus-operator's monitoring.coreos.com/v1 PrometheusRule.
type promRule struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Metadata   metav1.ObjectMeta `json:"metadata"`
	Spec       struct {
		Groups []prometheus.RuleGroup `json:"groups"`
	} `json:"spec"`
}

// buildPrometheusRule carries the Prometheus target's region-scoped rule
// groups (prometheus.RegionGroups, values, not rendered YAML) to the
// region's Prometheus, in the wave after the workload.
func buildPrometheusRule(t *model.Topology, r model.Region) object {
	o := promRule{APIVersion: "monitoring.coreos.com/v1", Kind: "PrometheusRule",
		Metadata: meta("PrometheusRule", prometheus.PrometheusRuleName, t.Kubernetes.Namespace, "metrics", nil)}
	o.Metadata.Labels[names.RegionLabel] = r.Name
	o.Spec.Groups = prometheus.RegionGroups(t)
	return object{kind: "PrometheusRule", name: prometheus.PrometheusRuleName, v: o}
}

// metricsEndpoint is a ServiceMonitor endpoint scraping port's /metrics
// every 30 s, with the series labelled by the region they come from
// (names.SeriesRegionLabel): the federation and the alerts group by it.
func metricsEndpoint(port string, r model.Region) map[string]any {
	return map[string]any{
		"port":     port,
		"path":     "/metrics",
		"interval": "30s",
		"relabelings": []any{map[string]any{
			"action":      "replace",
			"targetLabel": names.SeriesRegionLabel,
			"replacement": r.Name,
		}},
	}
}
