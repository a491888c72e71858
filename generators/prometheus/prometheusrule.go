package prometheus

import "github.com/topogen/topogen/model"

// PrometheusRuleName is the PrometheusRule object in each region.
const PrometheusRuleName = "mongodb-recording"

// RuleGroup is one rule group, as a rule file and prometheus-operator's
// PrometheusRule spec.groups both hold it (yaml and json tags).
type RuleGroup = ruleGroup

// RegionGroups are the region-scoped groups of out/prometheus/rules
// (mongodb-recording.yml). The Kubernetes target hands them, as values, to
// region r's Prometheus in a PrometheusRule; the regional Prometheus
// evaluates them, the global one federates the results and evaluates the
// alerting and SLO groups itself, so each alert fires once and no recorded
// series has two writers.
func RegionGroups(t *model.Topology) []RuleGroup {
	return []RuleGroup{newGen(t).recordingGroup()}
}

// objectMeta is the metadata of the objects this target writes itself
// (the AlertmanagerConfig).
type objectMeta struct {
	Name      string            `yaml:"name"`
	Namespace string            `yaml:"namespace"`
	Labels    map[string]string `yaml:"labels"`
}
