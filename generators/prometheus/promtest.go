package prometheus

import (
	"fmt"
	"slices"
	"strings"
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

// render expands the small template subset the annotations use —
// {{ $labels.x }}, {{ $value }} and {{ printf "<verb>" $value }} — exactly as
// Prometheus's text/template would, so tests can expect the rendered text.
func render(tmpl string, labels map[string]string, value float64) string {
	var b strings.Builder
	for {
		i := strings.Index(tmpl, "{{")
		if i < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		b.WriteString(tmpl[:i])
		j := strings.Index(tmpl[i:], "}}")
		action := strings.TrimSpace(tmpl[i+2 : i+j])
		tmpl = tmpl[i+j+2:]
		switch {
		case strings.HasPrefix(action, "$labels."):
			b.WriteString(labels[strings.TrimPrefix(action, "$labels.")])
		case action == "$value":
			b.WriteString(fmt.Sprint(value))
		case strings.HasPrefix(action, "printf ") && strings.HasSuffix(action, " $value"):
			verb := strings.Trim(strings.TrimSuffix(strings.TrimPrefix(action, "printf "), " $value"), `"`)
			b.WriteString(fmt.Sprintf(verb, value))
		default:
			panic("render: unsupported template action " + action)
		}
	}
}
