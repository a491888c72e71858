package prometheus

import (
	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/schema"
)

// PrometheusRuleName is the PrometheusRule object in each region.
const PrometheusRuleName = "mongodb-recording"

type promRuleObject struct {
	APIVersion string       `yaml:"apiVersion"`
	Kind       string       `yaml:"kind"`
	Metadata   objectMeta   `yaml:"metadata"`
	Spec       promRuleSpec `yaml:"spec"`
}

type objectMeta struct {
	Name      string            `yaml:"name"`
	Namespace string            `yaml:"namespace"`
	Labels    map[string]string `yaml:"labels"`
}

type promRuleSpec struct {
	Groups []ruleGroup `yaml:"groups"`
}

// PrometheusRule returns one YAML document: the monitoring.coreos.com/v1
// PrometheusRule carrying the region-scoped groups of out/prometheus/rules
// (mongodb-recording.yml), for region r's Kubernetes tree
// (prometheus-operator users). The regional Prometheus evaluates them; the
// global one federates the results and evaluates the alerting and SLO
// groups itself, so each alert fires once and no recorded series has two
// writers.
func PrometheusRule(t *schema.Topology, r schema.Region) ([]byte, error) {
	g := newGen(t)
	obj := promRuleObject{
		APIVersion: "monitoring.coreos.com/v1",
		Kind:       "PrometheusRule",
		Metadata: objectMeta{
			Name:      PrometheusRuleName,
			Namespace: t.Kubernetes.Namespace,
			Labels: map[string]string{
				names.LabelName:      names.AppName,
				names.LabelComponent: "metrics",
				names.LabelManagedBy: names.ManagedBy,
				names.RegionLabel:    r.Name,
			},
		},
		Spec: promRuleSpec{Groups: []ruleGroup{g.recordingGroup()}},
	}
	return marshalYAML("", obj)
}
