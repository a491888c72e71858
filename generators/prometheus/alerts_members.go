package prometheus

import (
	"fmt"
	"time"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// Member health, state and the primary: the alerts on what the replica
// set reports about its members.

// memberAlerts: a member the set sees unhealthy, and a region whose
// members are all unhealthy. Health is partition-aware (unhealthyExpr): the
// primary's view, or a majority of the exporters' views; a partitioned
// member's own exporter always reports itself healthy and is outvoted.
func (g *gen) memberAlerts() ([]rule, []testCase) {
	unhealthy := alert{
		name:     "MongoDBMemberUnhealthy",
		severity: warning,
		forDur:   2 * time.Minute,
		expr:     withMemberRegion("(\n" + indent(g.unhealthyExpr()) + "\n)"),
		summary:  "MongoDB member {{ $labels.member_idx }} is down, unhealthy or partitioned",
		description: "The primary, or a majority of the exporters' views, see member {{ $labels.member_idx }} (region {{ $labels.member_region }}) of replica set " +
			"{{ $labels.rs_nm }} as unhealthy for 2 minutes; share of views reporting it down: {{ printf \"%.2f\" $value }}. " +
			"Its own exporter may still report it healthy (a partition).",
	}
	members := fmt.Sprintf("count by (rs_nm, member_region) (\n%s\n)", indent(withMemberRegion(fmt.Sprintf("count by (%s) (%s)", memberKey, g.sel("mongodb_rs_members_health")))))
	regionDown := alert{
		name:     "MongoDBRegionDown",
		severity: critical,
		forDur:   2 * time.Minute,
		expr: fmt.Sprintf("count by (rs_nm, member_region) (\n%s\n)\n== on (rs_nm, member_region)\n%s",
			indent(withMemberRegion("(\n"+indent(g.unhealthyExpr())+"\n)")), members),
		summary: "Every MongoDB member in region {{ $labels.member_region }} is down or partitioned",
		description: "All {{ $value }} members of region {{ $labels.member_region }} in replica set {{ $labels.rs_nm }} are unhealthy in the primary's " +
			"or the majority's view. The set keeps a primary only while the other regions hold a majority of the votes.",
	}

	f := g.failingRegion()
	obs := g.observer()
	var in []inputSeries
	var expUnhealthy []expAlert
	for _, m := range g.t.Members {
		v, state := 1.0, "SECONDARY"
		if m.Region == f.Name {
			v, state = 0, "(not reachable/healthy)"
			expUnhealthy = append(expUnhealthy, g.expect(unhealthy, labelSet{
				{"rs_nm", g.t.ReplicaSet.Name}, {"member_idx", m.HostPort()}, {"member_region", m.Region},
			}, 1))
		}
		in = append(in, inputSeries{
			Series: series("mongodb_rs_members_health", g.exporterLabels(obs).with("member_idx", m.HostPort(), "member_state", state)),
			Values: constant(v, 10),
		})
	}
	tc := testCase{
		Name:        fmt.Sprintf("region %s loses every member; the other regions stay healthy", f.Name),
		Interval:    at(step),
		InputSeries: in,
		AlertRuleTests: []alertTest{
			{EvalTime: at(unhealthy.forDur - step), Alertname: unhealthy.name},
			{EvalTime: at(unhealthy.forDur), Alertname: unhealthy.name, ExpAlerts: expUnhealthy},
			{EvalTime: at(regionDown.forDur - step), Alertname: regionDown.name},
			{EvalTime: at(regionDown.forDur), Alertname: regionDown.name, ExpAlerts: []expAlert{
				g.expect(regionDown, labelSet{{"rs_nm", g.t.ReplicaSet.Name}, {"member_region", f.Name}}, float64(len(g.t.RegionMembers(f.Name)))),
			}},
		},
	}
	return []rule{g.rule(unhealthy), g.rule(regionDown)}, []testCase{tc}
}

// stateAlert: a member in a state other than PRIMARY, SECONDARY or ARBITER
// (STARTUP2, RECOVERING, ROLLBACK, ...; mongodb-facts.md §5) for 5 minutes.
// RECOVERING after falling off the oplog keeps health 1, so no health rule
// sees it. "(not reachable/healthy)" is the view of a member that cannot be
// reached: MongoDBMemberUnhealthy's case. member_state is aggregated away
// so that for: keeps running when the state moves between unusual ones.
func (g *gen) stateAlert() ([]rule, []testCase) {
	a := alert{
		name:     "MongoDBMemberStateUnusual",
		severity: warning,
		forDur:   5 * time.Minute,
		expr: withMemberRegion(fmt.Sprintf("max by (%s) (%s)", memberKey,
			g.sel("mongodb_rs_members_state", `member_state!~"PRIMARY|SECONDARY|ARBITER|[(]not reachable/healthy[)]"`))),
		summary: "MongoDB member {{ $labels.member_idx }} is neither PRIMARY, SECONDARY nor ARBITER",
		description: "Member {{ $labels.member_idx }} (region {{ $labels.member_region }}) of {{ $labels.rs_nm }} has been in state {{ $value }} " +
			"(3 RECOVERING, 5 STARTUP2, 9 ROLLBACK, 0 STARTUP, 6 UNKNOWN, 10 REMOVED) for 5 minutes: it serves no reads and does not count for w:majority.",
	}
	obs, sec := g.observer(), g.testSecondary()
	states := func(st string, code float64) []inputSeries {
		return []inputSeries{
			{Series: series("mongodb_rs_members_state", g.exporterLabels(obs).with("member_idx", obs.HostPort(), "member_state", "PRIMARY")), Values: constant(1, 10)},
			{Series: series("mongodb_rs_members_state", g.exporterLabels(obs).with("member_idx", sec.HostPort(), "member_state", st)), Values: constant(code, 10)},
		}
	}
	l := labelSet{{"rs_nm", g.t.ReplicaSet.Name}, {"member_idx", sec.HostPort()}, {"member_region", sec.Region}}
	return []rule{g.rule(a)}, []testCase{
		{
			Name: fmt.Sprintf("%s is RECOVERING", sec.HostPort()), Interval: at(step), InputSeries: states("RECOVERING", 3),
			AlertRuleTests: []alertTest{
				{EvalTime: at(a.forDur - step), Alertname: a.name},
				{EvalTime: at(a.forDur), Alertname: a.name, ExpAlerts: []expAlert{g.expect(a, l, 3)}},
			},
		},
		{
			Name: fmt.Sprintf("%s is SECONDARY", sec.HostPort()), Interval: at(step), InputSeries: states("SECONDARY", 2),
			AlertRuleTests: []alertTest{{EvalTime: at(a.forDur), Alertname: a.name}},
		},
	}
}

// primaryAlerts: no replica-set data at all, and a primary outside the
// preferred region. A missing primary is MongoDBNoWritablePrimary's
// (writable.go).
func (g *gen) primaryAlerts() ([]rule, []testCase) {
	state := fmt.Sprintf(`mongodb_rs_members_state{%s}`, g.exporter)
	pref := g.t.Preferred()
	absent := alert{
		name:     "MongoDBMetricsAbsent",
		severity: critical,
		forDur:   5 * time.Minute,
		expr:     fmt.Sprintf("absent(%s)", state),
		summary:  "No MongoDB replica-set metrics reach the global Prometheus",
		description: "absent(mongodb_rs_members_state) = {{ $value }} for 5 minutes: every exporter or every federation job is down, " +
			"so only MongoDBNoWritablePrimary's vector(0) sees it. Check the exporters' --collector.diagnosticdata flag and the federate-* jobs.",
	}
	outside := alert{
		name:     "MongoDBPrimaryOutsidePreferredRegion",
		severity: info,
		forDur:   10 * time.Minute,
		expr: withMemberRegion(fmt.Sprintf(`group by (rs_nm, member_idx) (mongodb_rs_members_state{%s,member_state="PRIMARY",member_idx!~%q})`,
			g.exporter, regionHostRe(pref.Name))),
		summary: "The primary of {{ $labels.rs_nm }} runs in {{ $labels.member_region }}, not in " + pref.Name,
		description: fmt.Sprintf("Primary {{ $labels.member_idx }} is outside the preferred region %s (priority %d) for 10 minutes. "+
			"Members of %s take the primary back once healthy and caught up, so they are likely down or lagging; "+
			"writes from %s pay cross-region latency meanwhile.", pref.Name, pref.Priority, pref.Name, pref.Name),
	}

	obs := g.observer()
	// Where the primary moves in the test: the failing region, or a
	// synthetic one when the topology has a single region.
	away := g.testSecondary()
	if away.Region == pref.Name {
		away.Region = "elsewhere"
		away.Pod = model.PodName(g.t.ReplicaSet.Name, away.Region, 0)
		away.Host = model.MemberHost(away.Pod, model.DNSZone(away.Region, g.t.DNS.Domain))
	}
	hosts := g.hostsWith(away)
	states := func(primaryHost string) []inputSeries {
		var in []inputSeries
		for _, h := range hosts {
			st, v := "SECONDARY", 2.0
			if h == primaryHost {
				st, v = "PRIMARY", 1
			}
			in = append(in, inputSeries{
				Series: series("mongodb_rs_members_state", g.exporterLabels(obs).with("member_idx", h, "member_state", st)),
				Values: constant(v, 15),
			})
		}
		return in
	}
	rs := labelSet{{"rs_nm", g.t.ReplicaSet.Name}}
	healthy := testCase{
		Name:        fmt.Sprintf("primary %s in the preferred region: no primary alert stays silent", obs.HostPort()),
		Interval:    at(step),
		InputSeries: states(obs.HostPort()),
		AlertRuleTests: []alertTest{
			{EvalTime: at(15 * step), Alertname: absent.name},
			{EvalTime: at(15 * step), Alertname: outside.name},
		},
	}
	noData := testCase{
		Name:     "no exporter series at all",
		Interval: at(step),
		InputSeries: []inputSeries{{
			Series: series("up", labelSet{{"job", names.FederationJob(pref)}, {"instance", pref.Prometheus}, {names.SeriesRegionLabel, pref.Name}}),
			Values: constant(1, 10),
		}},
		AlertRuleTests: []alertTest{
			{EvalTime: at(absent.forDur - step), Alertname: absent.name},
			{EvalTime: at(absent.forDur), Alertname: absent.name, ExpAlerts: []expAlert{
				g.expect(absent, g.absentLabels(), 1),
			}},
		},
	}
	moved := testCase{
		Name:        fmt.Sprintf("primary %s outside the preferred region %s", away.HostPort(), pref.Name),
		Interval:    at(step),
		InputSeries: states(away.HostPort()),
		AlertRuleTests: []alertTest{
			{EvalTime: at(outside.forDur - step), Alertname: outside.name},
			{EvalTime: at(outside.forDur), Alertname: outside.name, ExpAlerts: []expAlert{
				g.expect(outside, rs.with("member_idx", away.HostPort(), "member_region", away.Region), 1),
			}},
		},
	}
	return []rule{g.rule(absent), g.rule(outside)}, []testCase{healthy, noData, moved}
}
