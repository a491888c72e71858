package prometheus

import (
	"fmt"
	"time"

	"github.com/topogen/topogen/model"
)

// The writable-primary SLI: what a w:majority writer feels. The set is
// writable while some member is PRIMARY (replSetGetStatus.myState = 1, as
// its own exporter reports it) and the majority commit point that primary
// reports is fresh: replSetGetStatus.date − optimes.lastCommittedWallTime
// (mongodb_rs_date, mongodb_rs_optimes_lastCommittedWallTime, both BSON dates
// in ms from the same getDiagnosticData sample, so no clock skew and no
// scrape or federation delay enters the age).
//
// An idle primary still advances the commit point: mongod writes a no-op
// oplog entry every periodicNoopIntervalSecs (10 s, writePeriodicNoops on
// by default for replica sets; MongoDB server parameters), which the
// majority replicates. FTDC samples every second
// (diagnosticDataCollectionPeriodMillis 1000), so a healthy age stays under
// 11 s plus the majority's round trip.
const (
	periodicNoopInterval = 10 * time.Second
	ftdcPeriod           = time.Second
	// commitAgeMargin covers the w:majority round trip (the default
	// topology's is ~70 ms, the worst of the shipped RTT matrix ~350 ms)
	// and a loaded secondary's apply delay.
	commitAgeMargin = 4 * time.Second
)

// maxCommitAge is the age of the majority commit point beyond which the
// primary counts as not writable.
func maxCommitAge() time.Duration { return periodicNoopInterval + ftdcPeriod + commitAgeMargin }

// commitAge is, per exporter, the age in seconds of the majority commit
// point its mongod knows.
func (g *gen) commitAge() string {
	return fmt.Sprintf("(%s - %s) / 1000", g.sel("mongodb_rs_date"), g.sel("mongodb_rs_optimes_lastCommittedWallTime"))
}

// writableExpr is 1 while the set has a writable primary and 0 otherwise —
// also when no exporter reports at all (or vector(0)): a missing SLI counts
// as bad, never as missing.
func (g *gen) writableExpr() string {
	return fmt.Sprintf("max(\n  (%s < bool %s)\n  and on (%s)\n  %s\n)\nor\nvector(0)",
		g.commitAge(), seconds(maxCommitAge()), exporterKey, g.primaryExporters())
}

// noWritablePrimaryFor is how long the set may lack a writable primary
// before MongoDBNoWritablePrimary pages: an ordinary election (the
// topology's typical failover, electionTimeoutMillis + heartbeat, ~12 s with
// the defaults) is shorter, so with the production evaluation interval it
// is at most one bad evaluation and never two.
const noWritablePrimaryFor = 30 * time.Second

func (g *gen) noWritablePrimary() alert {
	return alert{
		name:     "MongoDBNoWritablePrimary",
		severity: critical,
		forDur:   noWritablePrimaryFor,
		labels:   labelSet{{"rs_nm", g.t.ReplicaSet.Name}},
		expr:     "(\n" + indent(g.writableExpr()) + "\n) == 0",
		summary:  "Replica set " + g.t.ReplicaSet.Name + " accepts no w:majority writes",
		description: fmt.Sprintf("For %s no member reports itself PRIMARY with a majority commit point younger than %s "+
			"(or no exporter reports at all): w:majority writes fail or hang. An election takes ~%s; the RTO is %s.",
			promDuration(noWritablePrimaryFor), promDuration(maxCommitAge()), seconds(time.Duration(g.t.ReplicaSet.Settings.ElectionTimeoutMillis+g.t.ReplicaSet.Settings.HeartbeatIntervalMillis)*time.Millisecond)+"s",
			promDuration(g.t.SLO.RTO)),
	}
}

// writableAlert renders MongoDBNoWritablePrimary with its generated tests:
// a primary whose commit point stays fresh, one that loses its majority
// (the commit point freezes) and one whose exporters all vanish.
func (g *gen) writableAlert() ([]rule, []testCase) {
	a := g.noWritablePrimary()
	obs := g.observer()
	const t0 = 1_700_000_000_000 // ms
	n := 20
	series3 := func(m model.Member, state float64, frozen bool) []inputSeries {
		commit := fmt.Sprintf("%d+30000x%d", t0, n)
		if frozen {
			commit = constant(t0, n)
		}
		return []inputSeries{
			{Series: series("mongodb_rs_myState", g.exporterLabels(m)), Values: constant(state, n)},
			{Series: series("mongodb_rs_date", g.exporterLabels(m)), Values: fmt.Sprintf("%d+30000x%d", t0+2000, n)},
			{Series: series("mongodb_rs_optimes_lastCommittedWallTime", g.exporterLabels(m)), Values: commit},
		}
	}
	rs := labelSet{{"rs_nm", g.t.ReplicaSet.Name}}
	return []rule{g.rule(a)}, []testCase{
		{
			Name: "the primary's commit point advances", Interval: at(step / 2), InputSeries: series3(obs, 1, false),
			AlertRuleTests: []alertTest{{EvalTime: at(5 * step), Alertname: a.name}},
		},
		{
			Name: "the primary's commit point is frozen (no majority)", Interval: at(step / 2), InputSeries: series3(obs, 1, true),
			AlertRuleTests: []alertTest{
				// The age crosses maxCommitAge at the 30 s sample; the 1m
				// evaluation sees it, for: holds until the 2m one.
				{EvalTime: at(step), Alertname: a.name},
				{EvalTime: at(2 * step), Alertname: a.name, ExpAlerts: []expAlert{g.expect(a, rs, 0)}},
			},
		},
		{
			Name: "no exporter reports", Interval: at(step / 2),
			InputSeries: []inputSeries{{Series: series("mongodb_up", g.exporterLabels(obs)), Values: constant(0, n)}},
			AlertRuleTests: []alertTest{
				{EvalTime: "0s", Alertname: a.name},
				{EvalTime: at(step), Alertname: a.name, ExpAlerts: []expAlert{g.expect(a, rs, 0)}},
			},
		},
	}
}
