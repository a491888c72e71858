package analysis

import (
	"time"

	"github.com/topogen/topogen/model"
)

// ErrorBudget is the availability SLO's downtime budget set against the
// outages the topology itself promises to ride out. Burn-rate alerting
// (slo-rule-generators.md §6) pages when a window spends a share of the
// budget; when the whole budget is shorter than one ordinary failover or
// than the RTO, every tolerated outage spends it, so a burn-rate page is a
// page on any flap. Such targets page on the symptom (no writable primary,
// generators/prometheus writable.go) and keep the burn-rate alerts as
// tickets.
type ErrorBudget struct {
	// Budget = (100 − availability) % of slo.period.
	Budget time.Duration
	// Failover is one election without catch-up (FailoverTime.TypicalMillis).
	Failover time.Duration
	RTO      time.Duration
	// BurnRatePages: the budget covers both, so burn-rate alerts may page.
	BurnRatePages bool
}

// Budget computes t's ErrorBudget.
func Budget(t *model.Topology) ErrorBudget {
	f := failoverTime(t)
	b := ErrorBudget{
		Budget:   time.Duration((100 - t.SLO.Availability) / 100 * float64(t.SLO.Period)),
		Failover: time.Duration(f.TypicalMillis) * time.Millisecond,
		RTO:      t.SLO.RTO,
	}
	b.BurnRatePages = b.Budget >= b.Failover && b.Budget >= b.RTO
	return b
}
