package prometheus

import (
	"fmt"
	"strings"
	"time"

	"github.com/topogen/topogen/analysis"
	"github.com/topogen/topogen/model"
)

// Alerts on how the set behaves rather than whether members are up:
// elections, write latency on the primary, and the round trips between
// members. Metric names are the Percona exporter 0.53.0's, from
// getDiagnosticData (--collector.diagnosticdata; exporter/metrics.go):
//   - mongodb_rs_term: replSetGetStatus.term ("replSetGetStatus" → "rs_");
//     every election starts a new term.
//   - mongodb_ss_opLatencies_latency / _ops{op_type="writes"}:
//     serverStatus.opLatencies.writes.latency (cumulative µs) and .ops
//     (cumulative count); the native name would be
//     mongodb_ss_opLatencies_writes_latency, which the exporter's
//     specialConversions (metrics.go, applied in every mode) rename to the
//     op_type-labelled form.
//   - mongodb_rs_members_pingMs: replSetGetStatus.members[].pingMs, the
//     heartbeat round trip from the reporting mongod to each other member
//     (processSlice: member_idx, member_state labels; absent for self).

// Documented constants.
const (
	// electionChurnWindow / electionChurnMax: a rolling restart or a planned
	// primary move causes one or two elections (the primary steps down, the
	// preferred member takes it back); more than two in an hour is a set
	// that cannot keep a primary (flapping network, overloaded primary,
	// misconfigured priorities).
	electionChurnWindow = time.Hour
	electionChurnMax    = 2
	// writeLatencyFor: the mean over 5 minutes must stay above the target
	// this long; a burst of large writes is not a regression.
	writeLatencyFor = 10 * time.Minute
	// pingFactor / pingSlackMillis: a member's heartbeat round trip above
	// twice the expected inter-region RTT (analysis.RTTMillis: the shipped
	// cloudping.co p50 matrix or analysis.rttMillis) plus 10 ms of jitter
	// means traffic takes another path or a link is congested: w:majority
	// writes slow down by as much.
	pingFactor      = 2.0
	pingSlackMillis = 10.0
	pingFor         = 10 * time.Minute
)

func (g *gen) replAlerts() ([]rule, []testCase) {
	return concat(
		g.electionChurn,
		g.writeLatency,
		g.memberPing,
	)
}

func (g *gen) electionChurn() ([]rule, []testCase) {
	w := promDuration(electionChurnWindow)
	term := g.sel("mongodb_rs_term")
	a := alert{
		name:     "MongoDBElectionChurn",
		severity: warning,
		expr: fmt.Sprintf("max by (rs_nm) (\n  max_over_time(%[1]s[%[2]s]) - min_over_time(%[1]s[%[2]s])\n) > %[3]d",
			term, w, electionChurnMax),
		summary: "Replica set {{ $labels.rs_nm }} held {{ $value }} elections in the last " + w,
		description: fmt.Sprintf("The replica-set term rose by {{ $value }} within %s (more than %d): each election stops w:majority writes for "+
			"about electionTimeoutMillis + a heartbeat. Look for a member flapping, an overloaded primary or a partition.", w, electionChurnMax),
	}
	obs := g.observer()
	terms := func(values string) []inputSeries {
		return []inputSeries{{Series: series("mongodb_rs_term", g.exporterLabels(obs)), Values: values}}
	}
	l := labelSet{{"rs_nm", g.t.ReplicaSet.Name}}
	return []rule{g.rule(a)}, []testCase{
		{
			// Three elections at 10m, 15m and 20m.
			Name: "three elections within 20 minutes", Interval: at(step),
			InputSeries: terms("1x9 2x4 3x4 4x10"),
			AlertRuleTests: []alertTest{
				{EvalTime: at(19 * step), Alertname: a.name},
				{EvalTime: at(20 * step), Alertname: a.name, ExpAlerts: []expAlert{g.expect(a, l, 3)}},
			},
		},
		{
			Name: "one election (a planned primary move)", Interval: at(step),
			InputSeries:    terms("1x9 2x20"),
			AlertRuleTests: []alertTest{{EvalTime: at(20 * step), Alertname: a.name}},
		},
	}
}

// writeLatency: the primary's mean write latency over 5 minutes against
// slo.primaryWrite. It is server time (mongod measures each write from
// receipt to reply), so it is a floor of what a client sees.
func (g *gen) writeLatency() ([]rule, []testCase) {
	target := g.t.SLO.PrimaryWrite
	lat := g.sel("mongodb_ss_opLatencies_latency", `op_type="writes"`)
	ops := g.sel("mongodb_ss_opLatencies_ops", `op_type="writes"`)
	a := alert{
		name:     "MongoDBWriteLatencyHigh",
		severity: warning,
		forDur:   writeLatencyFor,
		expr: fmt.Sprintf("(\n  rate(%s[5m])\n  /\n  rate(%s[5m])\n) / 1000 > %s\nand on (%s)\n%s",
			lat, ops, fmtFloat(float64(target.Microseconds())/1000), exporterKey, g.primaryExporters()),
		summary: "Writes on the primary {{ $labels.instance }} take {{ printf \"%.1f\" $value }} ms on average",
		description: fmt.Sprintf("The primary's mean write latency over 5 minutes (serverStatus.opLatencies.writes) is above slo.primaryWrite (%s) for %s. "+
			"It is mongod's own time; clients see the network round trip on top.", promDuration(target), promDuration(writeLatencyFor)),
	}
	obs := g.observer()
	const perMin = 600 // writes a minute
	in := func(meanMillis float64) []inputSeries {
		return []inputSeries{
			{Series: series("mongodb_rs_myState", g.exporterLabels(obs)), Values: constant(1, 20)},
			{Series: series("mongodb_ss_opLatencies_ops", g.exporterLabels(obs).with("op_type", "writes")), Values: fmt.Sprintf("0+%dx20", perMin)},
			{Series: series("mongodb_ss_opLatencies_latency", g.exporterLabels(obs).with("op_type", "writes")), Values: fmt.Sprintf("0+%sx20", fmtFloat(perMin*meanMillis*1000))},
		}
	}
	slow := 2 * float64(target.Milliseconds())
	if slow == 0 {
		slow = 1
	}
	fast := float64(target.Microseconds()) / 2000
	// The rate is defined from the second sample (1m); for: runs from there.
	fireAt := step + writeLatencyFor
	return []rule{g.rule(a)}, []testCase{
		{
			Name: fmt.Sprintf("the primary's writes take %s ms, twice the target", fmtFloat(slow)), Interval: at(step), InputSeries: in(slow),
			AlertRuleTests: []alertTest{
				{EvalTime: at(fireAt - step), Alertname: a.name},
				{EvalTime: at(fireAt), Alertname: a.name, ExpAlerts: []expAlert{g.expect(a, g.exporterLabels(obs).with("op_type", "writes"), slow)}},
			},
		},
		{
			Name: fmt.Sprintf("the primary's writes take %s ms, half the target", fmtFloat(fast)), Interval: at(step), InputSeries: in(fast),
			AlertRuleTests: []alertTest{{EvalTime: at(fireAt + step), Alertname: a.name}},
		},
	}
}

// pingPair is one observer region and member region with the round trip
// above which their members' heartbeats alert.
type pingPair struct {
	from, to string
	ms       float64
}

func (g *gen) pingPairs() []pingPair {
	var out []pingPair
	for _, a := range g.t.Regions {
		for _, b := range g.t.Regions {
			if a.Name == b.Name {
				continue
			}
			rtt, ok := analysis.RTTMillis(g.t, a.CloudRegion, b.CloudRegion)
			if !ok {
				continue // explain reports the missing pair
			}
			out = append(out, pingPair{a.Name, b.Name, pingFactor*rtt + pingSlackMillis})
		}
	}
	return out
}

func (g *gen) memberPing() ([]rule, []testCase) {
	pairs := g.pingPairs()
	if len(pairs) == 0 {
		return nil, nil
	}
	var th []string
	for _, p := range pairs {
		th = append(th, fmt.Sprintf(`label_replace(label_replace(vector(%s), "region", %q, "", ""), "member_region", %q, "", "")`,
			fmtFloat(p.ms), p.from, p.to))
	}
	a := alert{
		name:     "MongoDBMemberPingHigh",
		severity: warning,
		forDur:   pingFor,
		expr: fmt.Sprintf("max by (rs_nm, region, member_idx, member_region) (\n%s\n)\n> on (region, member_region) group_left ()\n(\n%s\n)",
			indent(withMemberRegion(g.sel("mongodb_rs_members_pingMs"))), indent(strings.Join(th, "\nor\n"))),
		summary: "Heartbeats from region {{ $labels.region }} to {{ $labels.member_idx }} take {{ $value }} ms",
		description: fmt.Sprintf("Members in region {{ $labels.region }} see a round trip of {{ $value }} ms to member {{ $labels.member_idx }} "+
			"(region {{ $labels.member_region }}) for %s, more than %s× the expected inter-region RTT + %s ms (analysis.rttMillis / the shipped matrix). "+
			"w:majority writes that need that region's acknowledgement are as much slower.", promDuration(pingFor), fmtFloat(pingFactor), fmtFloat(pingSlackMillis)),
	}
	p := pairs[0]
	obs := g.firstMember(p.from)
	far := g.firstMember(p.to)
	mk := func(ms float64) []inputSeries {
		return []inputSeries{{
			Series: series("mongodb_rs_members_pingMs", g.exporterLabels(obs).with("member_idx", far.HostPort(), "member_state", "SECONDARY")),
			Values: constant(ms, 15),
		}}
	}
	high := p.ms + 50
	l := labelSet{{"rs_nm", g.t.ReplicaSet.Name}, {"region", p.from}, {"member_idx", far.HostPort()}, {"member_region", p.to}}
	return []rule{g.rule(a)}, []testCase{
		{
			Name: fmt.Sprintf("%s sees %s at %s ms (threshold %s)", obs.Pod, far.Pod, fmtFloat(high), fmtFloat(p.ms)), Interval: at(step), InputSeries: mk(high),
			AlertRuleTests: []alertTest{
				{EvalTime: at(pingFor - step), Alertname: a.name},
				{EvalTime: at(pingFor), Alertname: a.name, ExpAlerts: []expAlert{g.expect(a, l, high)}},
			},
		},
		{
			Name: fmt.Sprintf("%s sees %s at the expected round trip", obs.Pod, far.Pod), Interval: at(step), InputSeries: mk((p.ms - pingSlackMillis) / pingFactor),
			AlertRuleTests: []alertTest{{EvalTime: at(pingFor), Alertname: a.name}},
		},
	}
}

// firstMember is region's first member.
func (g *gen) firstMember(region string) model.Member { return g.t.RegionMembers(region)[0] }
