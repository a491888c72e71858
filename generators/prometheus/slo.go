package prometheus

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/topogen/topogen/schema"
)

// The availability SLO.
//
// SLI (decided here, documented in the rule file): member availability.
// Each minute a member counts as available when at least one exporter
// reports it healthy (max of mongodb_rs_members_health over every
// exporter's view, deduplicated by rs_nm and member_idx, mongodb-facts.md
// §5). For a region the availability ratio is available members / the
// region's members in the topology; globally it is over all members. The
// error ratio over a window is 1 − the average availability ratio over that
// window. Members are attributed to regions by their host names
// ("<pod>.<region>.<domain>"). The topology names no application request
// metrics, so no request-based SLI is generated.
const sloName = "mongodb-availability"

// sloWindows are the windows every error ratio is recorded over
// (slo-rule-generators.md §6).
var sloWindows = []time.Duration{
	5 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 6 * time.Hour, 24 * time.Hour, 72 * time.Hour,
}

// burnLeg is one multiwindow condition: both windows must burn faster than
// factor × budget. budgetShare is the share of the period's budget the long
// window spends at that rate (Sloth's google-30d windows: 2 %, 5 %, 10 %,
// 10 %, slo-rule-generators.md §6); the factor is budgetShare × period /
// long window, which gives 14.4/6/3/1 for 30d and 13.44/5.6/2.8/0.93 for
// 28d, rounded to two decimals as Sloth does.
type burnLeg struct {
	short, long time.Duration
	budgetShare float64
}

func (l burnLeg) factor(period time.Duration) float64 {
	return math.Round(l.budgetShare*period.Hours()/l.long.Hours()*100) / 100
}

var (
	pageLegs   = []burnLeg{{5 * time.Minute, time.Hour, 0.02}, {30 * time.Minute, 6 * time.Hour, 0.05}}
	ticketLegs = []burnLeg{{2 * time.Hour, 24 * time.Hour, 0.10}, {6 * time.Hour, 72 * time.Hour, 0.10}}
)

const (
	recAvailability    = "slo:member_availability:ratio"
	recObjective       = "slo:objective:ratio"
	recErrorBudget     = "slo:error_budget:ratio"
	recCurrentBurn     = "slo:current_burn_rate:ratio"
	recPeriodBurn      = "slo:period_burn_rate:ratio"
	recBudgetRemaining = "slo:period_error_budget_remaining:ratio"
)

func recErrorRatio(w time.Duration) string { return "slo:sli_error:ratio_rate" + promDuration(w) }

// objective and budget as decimal literals (99.999 → 0.99999, 1e-05):
// rounded so that 100 − 99.999 does not leak binary noise into the rules.
func (g *gen) objective() float64 { return round12(g.t.SLO.Availability / 100) }
func (g *gen) budget() float64    { return round12((100 - g.t.SLO.Availability) / 100) }

func round12(f float64) float64 {
	v, _ := strconv.ParseFloat(fmtFloat(math.Round(f*1e12)/1e12), 64)
	return v
}

// sloScope is one availability ratio: a region's members or all of them.
type sloScope struct {
	region  string // "" for the global scope
	members []schema.Member
}

func (s sloScope) labels() labelSet {
	if s.region == "" {
		return labelSet{{"slo", sloName}, {"scope", "global"}}
	}
	return labelSet{{"slo", sloName}, {"scope", "region"}, {"region", s.region}}
}

func (g *gen) sloScopes() []sloScope {
	var out []sloScope
	for _, r := range g.t.Regions {
		out = append(out, sloScope{region: r.Name, members: g.t.RegionMembers(r.Name)})
	}
	return append(out, sloScope{members: g.t.Members})
}

func (g *gen) sloSelector() string { return fmt.Sprintf(`{slo=%q}`, sloName) }

// sloGroups: the SLI and meta recordings, then the burn-rate alerts.
func (g *gen) sloGroups() []ruleGroup {
	var sli []rule
	for _, s := range g.sloScopes() {
		sel := g.exporter
		if s.region != "" {
			sel += fmt.Sprintf(`,member_idx=~%q`, regionHostRe(s.region))
		}
		sli = append(sli, rule{
			Record: recAvailability,
			Expr: fmt.Sprintf("clamp_max(\n  sum(max by (rs_nm, member_idx) (mongodb_rs_members_health{%s}))\n  / %d,\n  1\n)",
				sel, len(s.members)),
			Labels: s.labels().m(),
		})
	}
	windows := append(append([]time.Duration(nil), sloWindows...), g.t.SLO.Period)
	for _, w := range windows {
		sli = append(sli, rule{
			Record: recErrorRatio(w),
			Expr:   fmt.Sprintf("1 - avg_over_time(%s%s[%s])", recAvailability, g.sloSelector(), promDuration(w)),
		})
	}
	slo := labelSet{{"slo", sloName}}.m()
	budgetSel := recErrorBudget + g.sloSelector()
	sli = append(sli,
		rule{Record: recObjective, Expr: fmt.Sprintf("vector(%s)", fmtFloat(g.objective())), Labels: slo},
		rule{Record: recErrorBudget, Expr: fmt.Sprintf("vector(%s)", fmtFloat(g.budget())), Labels: slo},
		rule{Record: recCurrentBurn, Expr: fmt.Sprintf("%s%s\n/ on (slo) group_left ()\n%s", recErrorRatio(5*time.Minute), g.sloSelector(), budgetSel)},
		rule{Record: recPeriodBurn, Expr: fmt.Sprintf("%s%s\n/ on (slo) group_left ()\n%s", recErrorRatio(g.t.SLO.Period), g.sloSelector(), budgetSel)},
		rule{Record: recBudgetRemaining, Expr: fmt.Sprintf("1 - %s%s", recPeriodBurn, g.sloSelector())},
	)
	var alerts []rule
	for _, page := range []bool{true, false} {
		for _, k := range scopeKinds {
			alerts = append(alerts, g.rule(g.burnAlert(page, k)))
		}
	}
	return []ruleGroup{
		{Name: "slo-" + sloName + "-sli", Rules: sli},
		{Name: "slo-" + sloName + "-alerts", Rules: alerts},
	}
}

func (g *gen) legExpr(l burnLeg, scope string) string {
	thr := fmt.Sprintf("(%s * %s)", fmtFloat(l.factor(g.t.SLO.Period)), fmtFloat(g.budget()))
	sel := fmt.Sprintf(`{slo=%q,scope=%q}`, sloName, scope)
	return fmt.Sprintf("(\n  %s%s > %s\n  and\n  %s%s > %s\n)",
		recErrorRatio(l.short), sel, thr, recErrorRatio(l.long), sel, thr)
}

// burnAlert is the page ("fast") or ticket ("slow") alert of one scope
// kind: "region" (one alert per region) or "global".
func (g *gen) burnAlert(page bool, scope string) alert {
	legs, name, sev, verb := ticketLegs, "MongoDBErrorBudgetBurnSlow", warning, "burning"
	if page {
		legs, name, sev, verb = pageLegs, "MongoDBErrorBudgetBurnFast", critical, "burning fast"
	}
	where := "in region {{ $labels.region }}"
	if scope == "global" {
		where = "across all regions"
	}
	p := g.t.SLO.Period
	return alert{
		name:     name,
		severity: sev,
		// scope tells the region and global rules apart (promtool rejects
		// two alerts with equal names and labels).
		labels:  labelSet{{"scope", scope}},
		expr:    g.legExpr(legs[0], scope) + "\nor\n" + g.legExpr(legs[1], scope),
		summary: "MongoDB availability error budget " + verb + " " + where,
		description: fmt.Sprintf("The %s SLO (%s%% over %s) %s: member error ratio {{ printf \"%%.3g\" $value }} over the short window; "+
			"the threshold is %s× the budget over %s and %s, or %s× over %s and %s.", sloName, fmtFloat(g.t.SLO.Availability), promDuration(p), where,
			fmtFloat(legs[0].factor(p)), promDuration(legs[0].short), promDuration(legs[0].long),
			fmtFloat(legs[1].factor(p)), promDuration(legs[1].short), promDuration(legs[1].long)),
	}
}

var scopeKinds = []string{"region", "global"}

func (s sloScope) kind() string {
	if s.region == "" {
		return "global"
	}
	return "region"
}

// sloTests: a healthy topology checks every SLO recording and keeps both
// alerts silent; then one region loses all its members at outage and the
// alerts are expected where the windows' error ratios cross the
// thresholds.
func (g *gen) sloTests() []testCase {
	obs := g.observer()
	f := g.failingRegion()
	const outage = 2 * time.Hour
	page, ticket := g.burnAlert(true, "region"), g.burnAlert(false, "region")
	pageAt, ticketAt := outage+time.Hour, outage+6*time.Hour
	n := int((ticketAt + 10*time.Minute) / step)

	healthyIn := func(failFrom time.Duration) []inputSeries {
		var in []inputSeries
		for _, m := range g.t.Members {
			v := constant(1, n)
			if failFrom > 0 && m.Region == f.Name {
				k := int(failFrom / step)
				v = fmt.Sprintf("1x%d 0x%d", k-1, n-k)
			}
			in = append(in, inputSeries{
				Series: series("mongodb_rs_members_health", g.exporterLabels(obs).with("member_idx", m.HostPort(), "member_state", "SECONDARY")),
				Values: v,
			})
		}
		return in
	}

	// Healthy: every recording has its expected value.
	evalHealthy := 3 * time.Hour
	var exprs []exprTest
	var avail []expSample
	errs := map[time.Duration][]expSample{}
	var cur, period, remaining []expSample
	windows := append(append([]time.Duration(nil), sloWindows...), g.t.SLO.Period)
	for _, s := range g.sloScopes() {
		avail = append(avail, expSample{Labels: series(recAvailability, s.labels()), Value: 1})
		for _, w := range windows {
			errs[w] = append(errs[w], expSample{Labels: series(recErrorRatio(w), s.labels()), Value: 0})
		}
		cur = append(cur, expSample{Labels: series(recCurrentBurn, s.labels()), Value: 0})
		period = append(period, expSample{Labels: series(recPeriodBurn, s.labels()), Value: 0})
		remaining = append(remaining, expSample{Labels: series(recBudgetRemaining, s.labels()), Value: 1})
	}
	ev := at(evalHealthy)
	exprs = append(exprs, exprTest{Expr: recAvailability, EvalTime: ev, ExpSamples: avail})
	for _, w := range windows {
		exprs = append(exprs, exprTest{Expr: recErrorRatio(w), EvalTime: ev, ExpSamples: errs[w]})
	}
	sloOnly := labelSet{{"slo", sloName}}
	exprs = append(exprs,
		exprTest{Expr: recObjective, EvalTime: ev, ExpSamples: []expSample{{Labels: series(recObjective, sloOnly), Value: g.objective()}}},
		exprTest{Expr: recErrorBudget, EvalTime: ev, ExpSamples: []expSample{{Labels: series(recErrorBudget, sloOnly), Value: g.budget()}}},
		exprTest{Expr: recCurrentBurn, EvalTime: ev, ExpSamples: cur},
		exprTest{Expr: recPeriodBurn, EvalTime: ev, ExpSamples: period},
		exprTest{Expr: recBudgetRemaining, EvalTime: ev, ExpSamples: remaining},
	)
	healthy := testCase{
		Name:            "every member healthy: ratios 1 and 0, full budget, no burn alert",
		Interval:        at(step),
		InputSeries:     healthyIn(0),
		PromQLExprTests: exprs,
		AlertRuleTests: []alertTest{
			{EvalTime: ev, Alertname: page.name},
			{EvalTime: ev, Alertname: ticket.name},
		},
	}

	// Outage: expectations from the windows' error ratios.
	expected := func(page bool, legs []burnLeg, t time.Duration) []expAlert {
		var out []expAlert
		for _, s := range g.sloScopes() {
			a := g.burnAlert(page, s.kind())
			failing := 0
			for _, m := range s.members {
				if m.Region == f.Name {
					failing++
				}
			}
			frac := float64(failing) / float64(len(s.members))
			if v, fires := g.burnFires(legs, frac, outage, t); fires {
				out = append(out, g.expect(a, s.labels(), v))
			}
		}
		return out
	}
	outageCase := testCase{
		Name:        fmt.Sprintf("region %s loses every member at %s", f.Name, at(outage)),
		Interval:    at(step),
		InputSeries: healthyIn(outage),
		AlertRuleTests: []alertTest{
			{EvalTime: at(outage - step), Alertname: page.name},
			{EvalTime: at(outage - step), Alertname: ticket.name},
			{EvalTime: at(pageAt), Alertname: page.name, ExpAlerts: expected(true, pageLegs, pageAt)},
			{EvalTime: at(ticketAt), Alertname: ticket.name, ExpAlerts: expected(false, ticketLegs, ticketAt)},
		},
	}
	return []testCase{healthy, outageCase}
}

// burnFires simulates the alert at time t for a scope whose failing share
// of members is frac from outage on: the availability ratio is recorded
// every minute from 0, each window averages the samples it holds. It
// returns the alert value (the short window's error ratio of the first
// firing leg).
func (g *gen) burnFires(legs []burnLeg, frac float64, outage, t time.Duration) (float64, bool) {
	errRatio := func(w time.Duration) float64 {
		from := t - w
		var total, bad int
		for s := time.Duration(0); s <= t; s += step {
			// Closed window [t-w, t] (Prometheus 2.x); the tests pick times
			// where the left-open window of 3.x gives the same verdict.
			if s < from {
				continue
			}
			total++
			if s >= outage {
				bad++
			}
		}
		return frac * float64(bad) / float64(total)
	}
	for _, l := range legs {
		thr := l.factor(g.t.SLO.Period) * g.budget()
		s, lg := errRatio(l.short), errRatio(l.long)
		if s > thr && lg > thr {
			return s, true
		}
	}
	return 0, false
}
