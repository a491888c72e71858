package prometheus

import (
	"fmt"
	"slices"
	"strings"
	"text/template"
)

// promtool unit-test file format (`promtool test rules`). Structs keep the
// key order fixed.
type testFile struct {
	RuleFiles          []string   `yaml:"rule_files"`
	EvaluationInterval string     `yaml:"evaluation_interval"`
	Tests              []testCase `yaml:"tests"`
}

type testCase struct {
	Name            string        `yaml:"name"`
	Interval        string        `yaml:"interval"`
	InputSeries     []inputSeries `yaml:"input_series"`
	AlertRuleTests  []alertTest   `yaml:"alert_rule_test,omitempty"`
	PromQLExprTests []exprTest    `yaml:"promql_expr_test,omitempty"`
}

type inputSeries struct {
	Series string `yaml:"series"`
	Values string `yaml:"values"`
}

type alertTest struct {
	EvalTime  string     `yaml:"eval_time"`
	Alertname string     `yaml:"alertname"`
	ExpAlerts []expAlert `yaml:"exp_alerts"`
}

type expAlert struct {
	ExpLabels      map[string]string `yaml:"exp_labels"`
	ExpAnnotations map[string]string `yaml:"exp_annotations"`
}

type exprTest struct {
	Expr       string      `yaml:"expr"`
	EvalTime   string      `yaml:"eval_time"`
	ExpSamples []expSample `yaml:"exp_samples"`
}

type expSample struct {
	Labels string  `yaml:"labels"`
	Value  float64 `yaml:"value"`
}

// labelSet is an ordered list of label pairs; series() sorts it.
type labelSet [][2]string

func (ls labelSet) with(kv ...string) labelSet {
	out := slices.Clone(ls)
	for i := 0; i+1 < len(kv); i += 2 {
		replaced := false
		for j := range out {
			if out[j][0] == kv[i] {
				out[j][1] = kv[i+1]
				replaced = true
			}
		}
		if !replaced {
			out = append(out, [2]string{kv[i], kv[i+1]})
		}
	}
	return out
}

func (ls labelSet) get(name string) string {
	for _, l := range ls {
		if l[0] == name {
			return l[1]
		}
	}
	return ""
}

func (ls labelSet) m() map[string]string {
	out := map[string]string{}
	for _, l := range ls {
		out[l[0]] = l[1]
	}
	return out
}

// series renders name{a="x",b="y"} with labels in name order.
func series(name string, ls labelSet) string {
	sorted := slices.Clone(ls)
	slices.SortFunc(sorted, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	parts := make([]string, 0, len(sorted))
	for _, l := range sorted {
		parts = append(parts, fmt.Sprintf("%s=%q", l[0], l[1]))
	}
	return name + "{" + strings.Join(parts, ",") + "}"
}

// alertTemplateDefs are the variables Prometheus defines before an alert's
// annotation text (rules/alerting.go, v0.316.0: $labels, $externalLabels,
// $externalURL, $value over template.AlertTemplateData's struct).
const alertTemplateDefs = "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}"

// render expands an annotation as Prometheus does when the alert fires: Go's
// text/template over the same data, missingkey=zero, so tests expect the
// text Prometheus sends. The generated templates use only builtins
// (printf); an unknown function is a generator bug and panics (an internal
// error naming the target).
func render(text string, labels map[string]string, value float64) string {
	tmpl, err := template.New("annotation").Option("missingkey=zero").Parse(alertTemplateDefs + text)
	if err != nil {
		panic(fmt.Sprintf("annotation template %q: %v", text, err))
	}
	data := struct {
		Labels         map[string]string
		ExternalLabels map[string]string
		ExternalURL    string
		Value          any
	}{Labels: labels, Value: value}
	var b strings.Builder
	if err := tmpl.Execute(&b, data); err != nil {
		panic(fmt.Sprintf("annotation template %q: %v", text, err))
	}
	return b.String()
}
