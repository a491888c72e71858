package prometheus

import "fmt"

// Every member's exporter reports the whole replica set as its mongod sees
// it (getDiagnosticData's replSetGetStatus block: members[].health, state,
// optimeDate, labelled member_idx = the member's host:port and member_state
// = its stateStr; exporter/metrics.go processSlice). So a member has as many
// views as there are exporters, and they disagree exactly when it matters:
// a partitioned member's own exporter (and its region's) still reports it
// healthy (replSetGetStatus always reports self with health 1), while the
// rest of the set sees it down. max by (member_idx) keeps the partitioned
// view; these helpers do not.
//
// Exporters are told apart by (region, instance): instance is the pod's
// IP:port as prometheus-operator sets it, region the ServiceMonitor's
// relabeling (names.SeriesRegionLabel), so the pair is unique across
// clusters even if pod CIDRs overlap.

// exporterKey is the label set that identifies one exporter (one view).
const exporterKey = "region, instance"

// memberKey identifies one member across views.
const memberKey = "rs_nm, member_idx"

// sel is the exporter's series of metric.
func (g *gen) sel(metric string, extra ...string) string {
	s := metric + "{" + g.exporter
	for _, e := range extra {
		s += "," + e
	}
	return s + "}"
}

// primaryExporters are the exporters whose mongod is PRIMARY right now:
// replSetGetStatus.myState (mongodb_rs_myState, 1 = PRIMARY). The rs_state
// topology label carries the same number but is loaded when the exporter
// connects (exporter/topology_info.go loadLabels) and goes stale after an
// election, so it is not used.
func (g *gen) primaryExporters() string {
	return fmt.Sprintf("(%s == 1)", g.sel("mongodb_rs_myState"))
}

// primaryView restricts expr, an exporter series, to the primary's view.
func (g *gen) primaryView(expr string) string {
	return fmt.Sprintf("%s\nand on (%s)\n%s", expr, exporterKey, g.primaryExporters())
}

// downShare is, per member, the share of exporter views that report it
// unhealthy (health 0).
func (g *gen) downShare() string {
	h := g.sel("mongodb_rs_members_health")
	return fmt.Sprintf("(\n  count by (%[1]s) (%[2]s == 0)\n  /\n  count by (%[1]s) (%[2]s)\n)", memberKey, h)
}

// unhealthyExpr is partition-aware member health: a member is unhealthy
// when the primary's view reports health 0, or (no primary, or the primary
// is the partitioned one) when more than half of the exporter views do.
// Its value is the share of views that see the member down.
func (g *gen) unhealthyExpr() string {
	h := g.sel("mongodb_rs_members_health")
	return fmt.Sprintf("%[1]s > 0.5\nor\n%[1]s\nand on (%[2]s)\n(max by (%[2]s) (\n%[3]s\n) == 0)",
		g.downShare(), memberKey, indent(g.primaryView(h)))
}

// lagOptimes are the members' optimeDate (ms) deduplicated across views,
// for every member that is neither PRIMARY nor ARBITER. The state filter
// is a negative one on purpose: a member in RECOVERING (it fell off the
// oplog), STARTUP2 or ROLLBACK keeps reporting its last applied optime, and
// its lag must stay visible rather than vanish with member_state
// "SECONDARY". An optimeDate of 0 is a view that cannot reach the member
// (heartbeats failing report the epoch); the member-health alerts cover it.
func (g *gen) lagOptimes() string {
	return fmt.Sprintf("max by (%s) (%s > 0)", memberKey, g.sel("mongodb_rs_members_optimeDate", `member_state!~"PRIMARY|ARBITER"`))
}

// indent prefixes every line of s with two spaces (readable nested PromQL).
func indent(s string) string {
	out := "  "
	for i := 0; i < len(s); i++ {
		out += string(s[i])
		if s[i] == '\n' {
			out += "  "
		}
	}
	return out
}
