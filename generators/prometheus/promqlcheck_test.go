package prometheus

import (
	"strings"
	"testing"
)

// A generator bug in PromQL fails gen with an error naming the rule.
func TestCheckGroupsRejectsBrokenPromQL(t *testing.T) {
	cases := []struct {
		name, expr string
		ok         bool
	}{
		{"valid", `max by (rs_nm) (mongodb_rs_myState{job="mongodb-exporter"}) == 1`, true},
		{"unbalanced", `max by (rs_nm) (mongodb_rs_myState{job="x"}`, false},
		{"unknown function", `maxx(mongodb_up)`, false},
		{"group_left on an aggregation", `sum(a) group_left b`, false},
		{"bad matcher", `mongodb_up{job=~"("}`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := checkGroups("f.yml", []ruleGroup{{Name: "g", Rules: []rule{{Alert: "X", Expr: c.expr}}}})
			if c.ok != (err == nil) {
				t.Fatalf("checkGroups(%q) = %v, want ok=%v", c.expr, err, c.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "f.yml group g rule X") {
				t.Errorf("error %q does not name the rule", err)
			}
		})
	}
}

func TestCheckDashboardSubstitutesGrafanaVariables(t *testing.T) {
	d := dashboard{Panels: []panel{{Title: "p", Targets: []target{{RefID: "A",
		Expr: `rate(mongodb_ss_opcounters{region=~"$region",instance=~"$member"}[$__rate_interval])`}}}}}
	if err := checkDashboard(d); err != nil {
		t.Fatal(err)
	}
	d.Panels[0].Targets[0].Expr = `rate(mongodb_ss_opcounters[$__rate_interval]`
	if err := checkDashboard(d); err == nil {
		t.Fatal("broken panel expression accepted")
	}
}

func TestCheckTestsParsesInputSeries(t *testing.T) {
	bad := []testCase{{Name: "t", InputSeries: []inputSeries{{Series: `up{job="a"`, Values: "1"}}}}
	if err := checkTests("f.yml", bad); err == nil {
		t.Fatal("broken input series accepted")
	}
}
