package prometheus

import (
	"strings"
	"testing"
	"time"
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
			_, err := checkGroups("f.yml", []ruleGroup{{Name: "g", Rules: []rule{{Alert: "X", Expr: c.expr}}}})
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

func TestLookback(t *testing.T) {
	cases := []struct {
		expr string
		want time.Duration
	}{
		{`up`, 0},
		{`rate(up[5m])`, 5 * time.Minute},
		{`avg_over_time(up[30d]) / rate(x[1h] offset 1d)`, 30 * 24 * time.Hour},
		{`max_over_time(rate(x[5m])[1h:1m])`, time.Hour + 5*time.Minute},
		{`up offset 2h`, 2 * time.Hour},
	}
	for _, c := range cases {
		e, err := promqlParser.ParseExpr(c.expr)
		if err != nil {
			t.Fatal(err)
		}
		if got := lookback(e); got != c.want {
			t.Errorf("lookback(%s) = %v, want %v", c.expr, got, c.want)
		}
	}
}

// Retention: the longest range the global rules read plus a tenth of it, at
// least a day, in whole days. The default topology's SLO period is 30 days
// (regions/global.cue), so its rules read [30d] and need 33 days.
func TestRetention(t *testing.T) {
	const day = 24 * time.Hour
	for _, c := range []struct{ lookback, want time.Duration }{
		{30 * day, 33 * day}, {28 * day, 31 * day}, {7 * day, 8 * day}, {time.Hour, 2 * day},
	} {
		if got := (&gen{lookback: c.lookback}).retention(); got != c.want {
			t.Errorf("retention(%v) = %v, want %v", c.lookback, got, c.want)
		}
	}
	m := fileMap(renderTopo(t, load(t, "../../regions")))
	if got := string(m[Dir+"/"+ArgsFile]); !strings.Contains(got, "--storage.tsdb.retention.time=33d\n") {
		t.Errorf("%s = %q, want the 33d retention", ArgsFile, got)
	}
	cfg := string(m[ConfigPath])
	if n := strings.Count(cfg, "regex: prometheus_replica|replica"); n != 3 {
		t.Errorf("prometheus.yml drops the replica labels in %d federation jobs, want 3", n)
	}
}
