package prometheus

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/topogen/topogen/analysis"
)

// The availability SLO.
//
// SLI: a writable primary (writable.go): each evaluation is good when some
// member is PRIMARY and the majority commit point it reports is fresh, bad
// otherwise, including when no exporter reports. The error ratio over a
// window is 1 − the average of that 0/1 series over the window. Member
// availability is not the SLI: a replica set is built to lose members, and
// what a client feels is whether w:majority writes are accepted. The
// topology names no application request metrics, so no request-based SLI
// is generated.
//
// The rules keep Sloth's structure (slo-rule-generators.md §6): SLI error
// ratios per window, objective, budget, time period, current and period
// burn rates, remaining budget, an info series, and multiwindow
// multi-burn-rate alerts, one rule per window pair so the window that fired
// is a label. When the budget is shorter than one failover or the RTO
// (analysis.Budget), burn-rate alerts cannot page usefully: every tolerated
// outage spends the budget. Then the page legs are tickets too, and
// MongoDBNoWritablePrimary pages on the symptom.
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
	recAvailability    = "slo:writable_primary:ratio"
	recTimePeriod      = "slo:time_period:days"
	recInfo            = "slo:info"
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

// sloScope is one SLI series: the set's writable primary ("global").
type sloScope struct {
	region string // "" for the global scope
	sli    string // the 0/1 (or ratio) expression recorded as recAvailability
}

func (s sloScope) labels() labelSet {
	if s.region == "" {
		return labelSet{{"slo", sloName}, {"scope", "global"}}
	}
	return labelSet{{"slo", sloName}, {"scope", "region"}, {"region", s.region}}
}

func (g *gen) sloScopes() []sloScope {
	return []sloScope{{sli: g.writableExpr()}}
}

// burnRatePages: the budget covers a failover and the RTO.
func (g *gen) burnRatePages() bool { return analysis.Budget(g.t).BurnRatePages }

func (g *gen) sloSelector() string { return fmt.Sprintf(`{slo=%q}`, sloName) }

// sloGroups: the SLI and meta recordings, then the burn-rate alerts.
func (g *gen) sloGroups() []ruleGroup {
	var sli []rule
	for _, s := range g.sloScopes() {
		sli = append(sli, rule{Record: recAvailability, Expr: s.sli, Labels: s.labels().m()})
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
		rule{Record: recTimePeriod, Expr: fmt.Sprintf("vector(%s)", fmtFloat(g.t.SLO.Period.Hours()/24)), Labels: slo},
		rule{Record: recInfo, Expr: "vector(1)", Labels: g.infoLabels().m()},
		rule{Record: recCurrentBurn, Expr: fmt.Sprintf("%s%s\n/ on (slo) group_left ()\n%s", recErrorRatio(5*time.Minute), g.sloSelector(), budgetSel)},
		rule{Record: recPeriodBurn, Expr: fmt.Sprintf("%s%s\n/ on (slo) group_left ()\n%s", recErrorRatio(g.t.SLO.Period), g.sloSelector(), budgetSel)},
		rule{Record: recBudgetRemaining, Expr: fmt.Sprintf("1 - %s%s", recPeriodBurn, g.sloSelector())},
	)
	var alerts []rule
	for _, page := range []bool{true, false} {
		for _, k := range scopeKinds {
			for _, l := range legsOf(page) {
				alerts = append(alerts, g.rule(g.burnAlert(page, k, l)))
			}
		}
	}
	return []ruleGroup{
		{Name: "slo-" + sloName + "-sli", Rules: sli},
		{Name: "slo-" + sloName + "-alerts", Rules: alerts},
	}
}

// infoLabels describe the SLO for dashboards and responders (Sloth's
// sloth_slo_info).
func (g *gen) infoLabels() labelSet {
	mode := "burn-rate"
	if !g.burnRatePages() {
		mode = "symptom"
	}
	return labelSet{{"slo", sloName}, {"sli", "writable-primary"},
		{"objective", fmtFloat(g.t.SLO.Availability)}, {"period", promDuration(g.t.SLO.Period)}, {"paging", mode}}
}

func legsOf(page bool) []burnLeg {
	if page {
		return pageLegs
	}
	return ticketLegs
}

func (g *gen) legExpr(l burnLeg, scope string) string {
	thr := fmt.Sprintf("(%s * %s)", fmtFloat(l.factor(g.t.SLO.Period)), fmtFloat(g.budget()))
	sel := fmt.Sprintf(`{slo=%q,scope=%q}`, sloName, scope)
	return fmt.Sprintf("%s%s > %s\nand\n%s%s > %s",
		recErrorRatio(l.short), sel, thr, recErrorRatio(l.long), sel, thr)
}

// burnAlert is one window pair of the page ("fast") or ticket ("slow")
// alert of one scope kind. short_window and long_window tell the responder
// which leg fired. The page legs are critical only when the budget allows
// burn-rate paging (burnRatePages).
func (g *gen) burnAlert(page bool, scope string, l burnLeg) alert {
	name, sev, verb := "MongoDBErrorBudgetBurnSlow", warning, "burning"
	if page {
		name, verb = "MongoDBErrorBudgetBurnFast", "burning fast"
		if g.burnRatePages() {
			sev = critical
		}
	}
	where := "in region {{ $labels.region }}"
	if scope == "global" {
		where = "across all regions"
	}
	p := g.t.SLO.Period
	b := analysis.Budget(g.t)
	note := ""
	if !b.BurnRatePages {
		note = fmt.Sprintf(" The %s budget is shorter than the RTO (%s) or one failover (%s), so this is a ticket; MongoDBNoWritablePrimary pages.",
			promDuration(b.Budget.Round(time.Second)), promDuration(b.RTO), promDuration(b.Failover))
	}
	return alert{
		name:     name,
		severity: sev,
		// scope and the windows tell the rules apart (promtool rejects two
		// alerts with equal names and labels).
		labels:  labelSet{{"scope", scope}, {"short_window", promDuration(l.short)}, {"long_window", promDuration(l.long)}},
		expr:    g.legExpr(l, scope),
		summary: "MongoDB availability error budget " + verb + " " + where,
		description: fmt.Sprintf("The %s SLO (%s%% writable-primary over %s) %s: error ratio {{ printf \"%%.3g\" $value }} over %s, and over %s too, "+
			"is above %s× the budget.%s", sloName, fmtFloat(g.t.SLO.Availability), promDuration(p), where,
			promDuration(l.short), promDuration(l.long), fmtFloat(l.factor(p)), note),
	}
}

var scopeKinds = []string{"region", "global"}

func (s sloScope) kind() string {
	if s.region == "" {
		return "global"
	}
	return "region"
}

// sloTests: a writable set checks every SLO recording and keeps the burn
// alerts silent; then the primary steps down at outage and no member takes
// over, and each window pair is expected where its error ratios cross the
// thresholds.
func (g *gen) sloTests() []testCase {
	obs := g.observer()
	const outage = 2 * time.Hour
	// The alerts group may read the error ratios of this evaluation or of
	// the previous one (groups are not ordered, in promtool as in
	// Prometheus), so the expected values are read where both agree: the
	// short windows lie inside the outage at t and at t − step.
	pageAt, ticketAt := outage+time.Hour, outage+6*time.Hour+step
	n := int((ticketAt + 10*time.Minute) / step)
	const t0 = 1_700_000_000_000 // ms

	input := func(failFrom time.Duration) []inputSeries {
		state := constant(1, n)
		if failFrom > 0 {
			k := int(failFrom / step)
			state = fmt.Sprintf("1x%d 2x%d", k-1, n-k)
		}
		l := g.exporterLabels(obs)
		return []inputSeries{
			{Series: series("mongodb_rs_myState", l), Values: state},
			{Series: series("mongodb_rs_date", l), Values: fmt.Sprintf("%d+60000x%d", t0, n)},
			{Series: series("mongodb_rs_optimes_lastCommittedWallTime", l), Values: fmt.Sprintf("%d+60000x%d", t0-2000, n)},
		}
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
		exprTest{Expr: recTimePeriod, EvalTime: ev, ExpSamples: []expSample{{Labels: series(recTimePeriod, sloOnly), Value: g.t.SLO.Period.Hours() / 24}}},
		exprTest{Expr: recInfo, EvalTime: ev, ExpSamples: []expSample{{Labels: series(recInfo, g.infoLabels()), Value: 1}}},
		exprTest{Expr: recCurrentBurn, EvalTime: ev, ExpSamples: cur},
		exprTest{Expr: recPeriodBurn, EvalTime: ev, ExpSamples: period},
		exprTest{Expr: recBudgetRemaining, EvalTime: ev, ExpSamples: remaining},
	)
	fast, slow := g.burnAlert(true, "global", pageLegs[0]), g.burnAlert(false, "global", ticketLegs[0])
	healthy := testCase{
		Name:            "a writable primary throughout: ratios 1 and 0, full budget, no burn alert",
		Interval:        at(step),
		InputSeries:     input(0),
		PromQLExprTests: exprs,
		AlertRuleTests: []alertTest{
			{EvalTime: ev, Alertname: fast.name},
			{EvalTime: ev, Alertname: slow.name},
		},
	}

	// Outage: expectations from the windows' error ratios.
	expected := func(page bool, t time.Duration) []expAlert {
		var out []expAlert
		for _, s := range g.sloScopes() {
			for _, l := range legsOf(page) {
				if v, fires := g.burnFires([]burnLeg{l}, 1, outage, t); fires {
					out = append(out, g.expect(g.burnAlert(page, s.kind(), l), s.labels(), v))
				}
			}
		}
		return out
	}
	outageCase := testCase{
		Name:        fmt.Sprintf("the primary steps down at %s and no member takes over", at(outage)),
		Interval:    at(step),
		InputSeries: input(outage),
		AlertRuleTests: []alertTest{
			{EvalTime: at(outage - step), Alertname: fast.name},
			{EvalTime: at(outage - step), Alertname: slow.name},
			{EvalTime: at(pageAt), Alertname: fast.name, ExpAlerts: expected(true, pageAt)},
			{EvalTime: at(ticketAt), Alertname: slow.name, ExpAlerts: expected(false, ticketAt)},
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
