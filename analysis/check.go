package analysis

import (
	"fmt"
	"strings"
	"time"

	"github.com/topogen/topogen/model"
)

// SLO names, as used in analysis.accept and in SLOCheck.Name.
const (
	SLOLocalRead       = "localRead"
	SLOCrossRegionRead = "crossRegionRead"
	SLOPrimaryWrite    = "primaryWrite"
	SLORTO             = "rto"
	SLOAvailability    = "availability"
)

// sloPaths are the topology fields each SLO is written at.
var sloPaths = map[string][]string{
	SLOLocalRead:       {"slo", "latency", "localRead"},
	SLOCrossRegionRead: {"slo", "latency", "crossRegionRead"},
	SLOPrimaryWrite:    {"slo", "latency", "primaryWrite"},
	SLORTO:             {"slo", "rto"},
	SLOAvailability:    {"slo", "availability"},
	SLORPO:             {"slo", "rpo"},
}

// Availability rules, applied to the failure table (mongodb-facts.md §4:
// with no region holding a majority of the votes, losing any one region
// leaves a writable set; with two regions, losing the majority one leaves
// the set read-only until a forced reconfig):
//   - availability >= 99.99%: w:majority writes must survive the loss of
//     any one region without a human. 99.99% over 30 days is 4.3 minutes;
//     a regional outage lasts longer than that, and a forced reconfig is a
//     human decision.
//   - availability >= 99.9%: writes must survive the loss of any one
//     availability zone (43 minutes over 30 days; a zone outage or a
//     single member's replacement lasts longer).
//   - always: one failover without catch-up (FailoverTime.TypicalMillis)
//     must fit in the period's downtime budget, (100 - availability)% of
//     slo.period; otherwise a single failure breaks the target.
const (
	regionLossAvailability = 99.99
	zoneLossAvailability   = 99.9
)

// Check runs the SLO feasibility checks `topogen vet` and `gen` report: an
// RTT the analysis needs and does not know (error: add analysis.rttMillis),
// and every SLO the topology cannot meet (error naming the SLO, the estimate
// and the cause), downgraded to a warning that quotes the reason when
// analysis.accept.<slo> records one. An accepted SLO that is met gets a
// warning that the acceptance can go.
func Check(t *model.Topology) model.Diagnostics {
	var ds model.Diagnostics
	for _, p := range MissingRTT(t) {
		ds = append(ds, model.Diagnostic{
			Severity: model.Error,
			Pos:      t.Pos("analysis", "rttMillis"),
			Path:     "analysis.rttMillis",
			Summary:  fmt.Sprintf("no round-trip time known between %s and %s: the latency estimates and SLO checks need it", p[0], p[1]),
			Fix:      fmt.Sprintf("add analysis: rttMillis: %q: %q: <ms> with a measured median (e.g. from cloudping.co)", p[0], p[1]),
		})
	}
	slos := Explain(t).SLOs
	// In the sharded mode each set is judged: an acceptance is unneeded
	// only when every set meets the SLO, and said once.
	unmet := map[string]bool{}
	for _, c := range slos {
		if !c.Met {
			unmet[c.Name] = true
		}
	}
	said := map[string]bool{}
	for _, c := range slos {
		path := sloPaths[c.Name]
		reason, accepted := t.Analysis.Accept[c.Name]
		who := ""
		if c.Set != "" {
			who = c.Set + ": "
		}
		switch {
		case c.Verdict == "accepted":
			ds = append(ds, model.Diagnostic{
				Severity: model.Warning,
				Pos:      t.Pos("analysis", "accept", c.Name),
				Path:     "analysis.accept." + c.Name,
				Summary:  fmt.Sprintf("%sSLO %s %s is not met (estimate %s: %s); accepted: %q", who, c.Name, c.Target, c.Estimate, c.Cause, reason),
			})
		case c.Verdict == "not met":
			ds = append(ds, model.Diagnostic{
				Severity: model.Error,
				Pos:      t.Pos(path...),
				Path:     strings.Join(path, "."),
				Summary:  fmt.Sprintf("%sSLO %s %s cannot be met: estimate %s (%s)", who, c.Name, c.Target, c.Estimate, c.Cause),
				Fix:      fmt.Sprintf("change the layout or the target, or record the exception: analysis: accept: %s: reason: \"...\"", c.Name),
			})
		case c.Met && accepted && !unmet[c.Name] && !said[c.Name]:
			said[c.Name] = true
			ds = append(ds, model.Diagnostic{
				Severity: model.Warning,
				Pos:      t.Pos("analysis", "accept", c.Name),
				Path:     "analysis.accept." + c.Name,
				Summary:  fmt.Sprintf("SLO %s %s is met (estimate %s): the accepted exception is not needed", c.Name, c.Target, c.Estimate),
				Fix:      "remove analysis.accept." + c.Name,
			})
		}
	}
	return ds.Sort()
}

func sloChecks(t *model.Topology, r Report) []SLOCheck {
	l := r.Latency
	pref := t.Preferred()
	var out []SLOCheck

	out = append(out, latencyCheck(t, SLOLocalRead, t.SLO.LocalRead, l.LocalReadMillis,
		"a member of the client's region, possibly in another zone"))

	if l.CrossRegionRead.From == "" {
		out = append(out, verdict(t, SLOCheck{Name: SLOCrossRegionRead, Target: duration(t.SLO.CrossRegionRead), Estimate: "n/a (one region)", Met: true, Verdict: "n/a"}))
	} else {
		cr := l.CrossRegionRead
		from, _ := t.Region(cr.From)
		out = append(out, latencyCheck(t, SLOCrossRegionRead, t.SLO.CrossRegionRead, cr.Millis,
			fmt.Sprintf("readPreference primary from %s (%s) to the primary in %s (%s)", cr.From, from.CloudRegion, cr.To, pref.CloudRegion)))
	}

	w := l.PrimaryWrite
	out = append(out, latencyCheck(t, SLOPrimaryWrite, t.SLO.PrimaryWrite, w.Millis,
		fmt.Sprintf("w:majority from %s (%s) needs %d of %d votes: %s", pref.Name, pref.CloudRegion, t.Majority(), t.Voters(), ackString(w.Acks))))

	ft := r.Failover
	rto := SLOCheck{Name: SLORTO, Target: duration(t.SLO.RTO)}
	switch {
	case ft.BoundMillis < 0:
		rto.Estimate = "unbounded"
		rto.Cause = fmt.Sprintf("catchUpTimeoutMillis is -1: a new primary may catch up for an unbounded time before it accepts writes (%s before catch-up); set replicaSet.settings.catchUpTimeoutMillis", seconds(ft.TypicalMillis))
	default:
		rto.Estimate = seconds(ft.BoundMillis)
		rto.Met = time.Duration(ft.BoundMillis)*time.Millisecond <= t.SLO.RTO
		if !rto.Met {
			rto.Cause = "automatic failover takes up to " + ft.Formula
		}
	}
	for _, f := range r.Failures {
		if f.Kind == "region" && !f.MajorityWrites {
			rto.Estimate += fmt.Sprintf(" (automatic failover; losing region %s needs a manual forced reconfig)", f.Lost[0])
			break
		}
	}
	out = append(out, verdict(t, rto))

	out = append(out, verdict(t, availabilityCheck(t, r)))
	out = append(out, rpoCheck(t, r.RPO))
	return out
}

func latencyCheck(t *model.Topology, name string, target time.Duration, est float64, how string) SLOCheck {
	c := SLOCheck{Name: name, Target: duration(target), Estimate: millis(est) + ": " + how}
	if est < 0 {
		c.Verdict = "unknown"
		c.Cause = "a round-trip time is missing (add analysis.rttMillis)"
		return c
	}
	c.Met = time.Duration(est*float64(time.Millisecond)) <= target
	if !c.Met {
		c.Cause = fmt.Sprintf("%s exceeds %s", millis(est), duration(target))
	}
	return verdict(t, c)
}

func availabilityCheck(t *model.Topology, r Report) SLOCheck {
	a := t.SLO.Availability
	budget := time.Duration((100 - a) / 100 * float64(t.SLO.Period))
	c := SLOCheck{Name: SLOAvailability, Target: fmt.Sprintf("%g%% over %s", a, duration(t.SLO.Period)), Met: true}
	var regionLoss, zoneLoss []string
	for _, f := range r.Failures {
		if f.MajorityWrites {
			continue
		}
		switch f.Kind {
		case "region":
			regionLoss = append(regionLoss, f.Lost[0])
		case "zone":
			zoneLoss = append(zoneLoss, f.Lost[0])
		}
	}
	var parts, causes []string
	switch {
	case len(zoneLoss) > 0:
		parts = append(parts, "losing zone "+strings.Join(zoneLoss, " or ")+" stops writes")
	case len(regionLoss) > 0:
		parts = append(parts, "survives any one zone; losing region "+strings.Join(regionLoss, " or ")+" stops writes")
	default:
		parts = append(parts, "survives any one region")
	}
	parts = append(parts, fmt.Sprintf("one failover %s of a %s budget", seconds(r.Failover.TypicalMillis), budgetString(budget)))
	c.Estimate = strings.Join(parts, "; ")
	if a >= regionLossAvailability && len(regionLoss) > 0 {
		causes = append(causes, fmt.Sprintf("%g%% needs w:majority writes to survive the loss of any one region without a forced reconfig, and losing %s leaves less than the majority of %d votes or no electable member", a, strings.Join(regionLoss, " or "), t.Majority()))
	}
	if a >= zoneLossAvailability && len(zoneLoss) > 0 {
		causes = append(causes, fmt.Sprintf("%g%% needs writes to survive the loss of any one availability zone, and losing %s stops them", a, strings.Join(zoneLoss, " or ")))
	}
	// Burn-rate alerting needs a budget longer than the outages the
	// topology promises to ride out (Budget): otherwise the generated rules
	// page on the symptom and keep the burn-rate alerts as tickets, which
	// must be a recorded decision.
	if b := Budget(t); !b.BurnRatePages {
		parts = append(parts, fmt.Sprintf("RTO %s vs the budget: burn-rate alerts are tickets, MongoDBNoWritablePrimary pages", duration(b.RTO)))
		causes = append(causes, fmt.Sprintf("the %s error budget is shorter than the RTO (%s) or one failover (%s): burn-rate alerting would page on every outage the topology tolerates",
			budgetString(budget), duration(b.RTO), seconds(r.Failover.TypicalMillis)))
		c.Estimate = strings.Join(parts, "; ")
	}
	if time.Duration(r.Failover.TypicalMillis)*time.Millisecond > budget {
		causes = append(causes, fmt.Sprintf("a single failover (%s) exceeds the %s downtime budget", seconds(r.Failover.TypicalMillis), budgetString(budget)))
	}
	if len(causes) > 0 {
		c.Met = false
		c.Cause = strings.Join(causes, "; ")
	}
	return verdict(t, c)
}

// verdict fills Verdict and Accepted from Met and analysis.accept.
func verdict(t *model.Topology, c SLOCheck) SLOCheck {
	if c.Verdict != "" {
		return c
	}
	reason, accepted := t.Analysis.Accept[c.Name]
	switch {
	case c.Met:
		c.Verdict = "met"
	case accepted:
		c.Verdict = "accepted"
		c.Accepted = reason
	default:
		c.Verdict = "not met"
	}
	return c
}

func ackString(acks []Ack) string {
	var parts []string
	for _, a := range acks {
		switch {
		case a.RTTMillis == 0:
			parts = append(parts, fmt.Sprintf("%s %d (the primary)", a.Region, a.Votes))
		default:
			parts = append(parts, fmt.Sprintf("%s %d at %s", a.Region, a.Votes, millis(a.RTTMillis)))
		}
	}
	return strings.Join(parts, " + ")
}

// duration renders a topology duration the way it is usually written.
func duration(d time.Duration) string {
	if d == 0 {
		return "0ms" // a zero latency target reads as milliseconds
	}
	return model.FormatDuration(d)
}

func budgetString(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	if d < time.Hour {
		return fmt.Sprintf("%.1f min", d.Minutes())
	}
	return fmt.Sprintf("%.1f h", d.Hours())
}
