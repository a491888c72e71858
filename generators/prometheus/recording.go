package prometheus

import (
	"fmt"
	"math"

	"github.com/topogen/topogen/model"
)

// Recorded series names. The regional Prometheus evaluates these rules
// (the PrometheusRule in each region's tree, or rules/mongodb-recording.yml
// loaded by hand); the global one federates them ({__name__=~"mongodb:.*"})
// and must not evaluate them itself, or two writers would feed one series.
// Each keeps `region`, the region whose exporters were observed.
const (
	recMemberHealth    = "mongodb:member_health:max"
	recMemberLag       = "mongodb:member_replication_lag:seconds"
	recPrimary         = "mongodb:primary:info"
	recConnUtilization = "mongodb:connections:utilization_ratio"
	recOplogWindow     = "mongodb:oplog_window:estimate_seconds"
	recDataSize        = "mongodb:dbstats_data_size:bytes"
	recNetIn           = "mongodb:network_bytes_in:rate5m"
	recNetOut          = "mongodb:network_bytes_out:rate5m"
	recReplFetch       = "mongodb:repl_network_bytes:rate5m"
)

// recordingGroup is the region-scoped group.
func (g *gen) recordingGroup() ruleGroup {
	e := g.exporter
	rec := func(name, expr string) rule { return rule{Record: name, Expr: expr} }
	return ruleGroup{Name: "mongodb-recording", Rules: []rule{
		rec(recMemberHealth, withMemberRegion(fmt.Sprintf(`max by (region, rs_nm, member_idx) (mongodb_rs_members_health{%s})`, e))),
		rec(recMemberLag, withMemberRegion(fmt.Sprintf(`(
  max by (region, rs_nm) (mongodb_rs_members_optimeDate{%[1]s,member_state="PRIMARY"})
  - on (region, rs_nm) group_right
  max by (region, rs_nm, member_idx) (mongodb_rs_members_optimeDate{%[1]s,member_state!~"PRIMARY|ARBITER"} > 0)
) / 1000`, e))),
		rec(recPrimary, withMemberRegion(fmt.Sprintf(`group by (region, rs_nm, member_idx) (mongodb_rs_members_state{%s,member_state="PRIMARY"})`, e))),
		rec(recConnUtilization, fmt.Sprintf("sum by (region, rs_nm, instance) (mongodb_ss_connections{%[1]s,conn_type=\"current\"})\n/\n"+
			"sum by (region, rs_nm, instance) (mongodb_ss_connections{%[1]s,conn_type=~\"current|available\"})", e)),
		rec(recOplogWindow, g.oplogWindowExpr("region, rs_nm")),
		rec(recDataSize, fmt.Sprintf(`max by (region, rs_nm, database) (mongodb_dbstats_dataSize{%s})`, e)),
		rec(recNetIn, fmt.Sprintf(`sum by (region, rs_nm) (rate(mongodb_ss_network_bytesIn{%s}[5m]))`, e)),
		rec(recNetOut, fmt.Sprintf(`sum by (region, rs_nm) (rate(mongodb_ss_network_bytesOut{%s}[5m]))`, e)),
		rec(recReplFetch, fmt.Sprintf(`sum by (region, rs_nm) (rate(mongodb_ss_metrics_repl_network_bytes{%s}[5m]))`, e)),
	}}
}

// recordingTests give every recording rule an expected value. Rates are
// compared with a tolerance (abs(x - want) < bool 1): extrapolation at the
// window's edges differs between Prometheus versions.
func (g *gen) recordingTests() []testCase {
	obs, sec := g.observer(), g.testSecondary()
	rs := g.t.ReplicaSet.Name
	const n = 130 // minutes of input: the [1h] rate needs a full hour
	var in []inputSeries
	var health, primary []expSample
	hosts := g.membersWith(sec)
	f := g.failingRegion()
	for _, m := range hosts {
		hv, st := 1.0, "SECONDARY"
		if m.ID == obs.ID {
			st = "PRIMARY"
		} else if m.Region == f.Name && m.ID != sec.ID {
			hv, st = 0, "(not reachable/healthy)"
		}
		l := g.exporterLabels(obs).with("member_idx", m.HostPort(), "member_state", st)
		in = append(in,
			inputSeries{Series: series("mongodb_rs_members_health", l), Values: constant(hv, n)},
			inputSeries{Series: series("mongodb_rs_members_state", l), Values: constant(map[bool]float64{true: 1, false: 2}[st == "PRIMARY"], n)},
		)
		out := labelSet{{"region", obs.Region}, {"rs_nm", rs}, {"member_idx", m.HostPort()}, {"member_region", m.Region}}
		health = append(health, expSample{Labels: series(recMemberHealth, out), Value: hv})
		if st == "PRIMARY" {
			primary = append(primary, expSample{Labels: series(recPrimary, out), Value: 1})
		}
	}
	// Optimes: the primary and the test secondary, 42 s behind.
	const t0 = 1_700_000_000_000
	in = append(in,
		inputSeries{Series: series("mongodb_rs_members_optimeDate", g.exporterLabels(obs).with("member_idx", obs.HostPort(), "member_state", "PRIMARY")), Values: fmt.Sprintf("%d+60000x%d", t0, n)},
		inputSeries{Series: series("mongodb_rs_members_optimeDate", g.exporterLabels(obs).with("member_idx", sec.HostPort(), "member_state", "SECONDARY")), Values: fmt.Sprintf("%d+60000x%d", t0-42000, n)},
	)
	// Connections, data size and traffic on the observer and the secondary.
	fetch := math.Ldexp(1, 20) // B/s: oplog window = size / 2^20 exactly
	for _, m := range []model.Member{obs, sec} {
		l := g.exporterLabels(m)
		fetchPerMin := 0.0
		if m.ID == sec.ID {
			fetchPerMin = fetch * 60
		}
		in = append(in,
			inputSeries{Series: series("mongodb_ss_connections", l.with("conn_type", "current")), Values: constant(250, n)},
			inputSeries{Series: series("mongodb_ss_connections", l.with("conn_type", "available")), Values: constant(750, n)},
			inputSeries{Series: series("mongodb_ss_connections", l.with("conn_type", "totalCreated")), Values: constant(5000, n)},
			inputSeries{Series: series("mongodb_dbstats_dataSize", l.with("database", "app")), Values: constant(float64(1<<30)+float64(m.Ordinal), n)},
			inputSeries{Series: series("mongodb_ss_network_bytesIn", l), Values: fmt.Sprintf("1000+6000x%d", n)},
			inputSeries{Series: series("mongodb_ss_network_bytesOut", l), Values: fmt.Sprintf("1000+12000x%d", n)},
			inputSeries{Series: series("mongodb_ss_metrics_repl_network_bytes", l), Values: fmt.Sprintf("1000+%sx%d", fmtFloat(fetchPerMin), n)},
		)
	}
	evalAt := at(n * step)
	var conn []expSample
	var dataSize []expSample
	regionsSeen := map[string]bool{}
	for _, m := range []model.Member{obs, sec} {
		conn = append(conn, expSample{Labels: series(recConnUtilization, labelSet{{"region", m.Region}, {"rs_nm", rs}, {"instance", instance(m)}}), Value: 0.25})
		if !regionsSeen[m.Region] {
			regionsSeen[m.Region] = true
		}
	}
	// max by region over the members' sizes (ordinal breaks the tie).
	maxSize := map[string]float64{}
	for _, m := range []model.Member{obs, sec} {
		v := float64(1<<30) + float64(m.Ordinal)
		if v > maxSize[m.Region] {
			maxSize[m.Region] = v
		}
	}
	var regions []string
	for _, r := range g.t.Regions {
		if regionsSeen[r.Name] {
			regions = append(regions, r.Name)
		}
	}
	approx := func(name string, want func(region string) float64) exprTest {
		var samples []expSample
		for _, r := range regions {
			samples = append(samples, expSample{Labels: fmt.Sprintf(`{region=%q,rs_nm=%q}`, r, rs), Value: 1})
		}
		return exprTest{Expr: fmt.Sprintf("abs(%s - on (region, rs_nm) %s) < bool 1", name, wantVector(regions, rs, want)), EvalTime: evalAt, ExpSamples: samples}
	}
	for _, r := range regions {
		dataSize = append(dataSize, expSample{Labels: series(recDataSize, labelSet{{"region", r}, {"rs_nm", rs}, {"database", "app"}}), Value: maxSize[r]})
	}
	perRegion := func(region string, perMember float64) float64 {
		n := 0.0
		for _, m := range []model.Member{obs, sec} {
			if m.Region == region {
				n++
			}
		}
		return n * perMember
	}
	lagOut := labelSet{{"region", obs.Region}, {"rs_nm", rs}, {"member_idx", sec.HostPort()}, {"member_region", sec.Region}}
	tests := []exprTest{
		{Expr: recMemberHealth, EvalTime: evalAt, ExpSamples: health},
		{Expr: recMemberLag, EvalTime: evalAt, ExpSamples: []expSample{{Labels: series(recMemberLag, lagOut), Value: 42}}},
		{Expr: recPrimary, EvalTime: evalAt, ExpSamples: primary},
		{Expr: recConnUtilization, EvalTime: evalAt, ExpSamples: conn},
		{Expr: recDataSize, EvalTime: evalAt, ExpSamples: dataSize},
		approx(recNetIn, func(r string) float64 { return perRegion(r, 100) }),
		approx(recNetOut, func(r string) float64 { return perRegion(r, 200) }),
		approx(recReplFetch, func(r string) float64 {
			if r == sec.Region {
				return fetch
			}
			return 0
		}),
		// The observer's region has no fetching secondary unless it is the
		// secondary's: its window is +Inf (no writes seen) and not compared.
		{
			Expr:     fmt.Sprintf("abs(%s{region=%q} - %s) < bool 1", recOplogWindow, sec.Region, fmtFloat(g.oplogBytes()/fetch)),
			EvalTime: evalAt,
			ExpSamples: []expSample{{
				Labels: fmt.Sprintf(`{region=%q,rs_nm=%q}`, sec.Region, rs), Value: 1,
			}},
		},
	}
	return []testCase{{
		Name:            fmt.Sprintf("exporters of %s observe the set; region %s has lost its other members", obs.Region, f.Name),
		Interval:        at(step),
		InputSeries:     in,
		PromQLExprTests: tests,
	}}
}

// wantVector is a PromQL vector of the expected value per region, for the
// tolerance comparisons.
func wantVector(regions []string, rs string, want func(string) float64) string {
	parts := make([]string, 0, len(regions))
	for _, r := range regions {
		parts = append(parts, fmt.Sprintf(`label_replace(label_replace(vector(%s), "region", %q, "", ""), "rs_nm", %q, "", "")`, fmtFloat(want(r)), r, rs))
	}
	if len(parts) == 1 {
		return parts[0]
	}
	out := "(" + parts[0]
	for _, p := range parts[1:] {
		out += " or " + p
	}
	return out + ")"
}
