package prometheus

import "github.com/topogen/topogen/schema"

// PrometheusRule returns one YAML document: the monitoring.coreos.com/v1
// PrometheusRule carrying the same rule groups as out/prometheus/rules, for
// region r's Kubernetes tree (prometheus-operator users). The kubernetes
// target includes it in out/kubernetes/<region>/ when it is non-nil.
// STUB: the Prometheus target fills it in.
func PrometheusRule(t *schema.Topology, r schema.Region) ([]byte, error) {
	return nil, nil
}
