package prometheus

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/topogen/topogen/model"
)

// Replication lag and the oplog window.

// lagExpr is the per-member replication lag in seconds (mongodb-facts.md
// §5): the primary's optimeDate minus each other member's (lagOptimes: every
// state but PRIMARY and ARBITER, so that a RECOVERING member's lag grows
// instead of vanishing), both in ms and deduplicated across exporters.
func (g *gen) lagExpr() string {
	return fmt.Sprintf(`(
  max by (rs_nm) (%s)
  - on (rs_nm) group_right
  %s
) / 1000`, g.sel("mongodb_rs_members_optimeDate", `member_state="PRIMARY"`), g.lagOptimes())
}

// lagAlerts derive their thresholds from the RPO: a secondary more than
// RPO behind cannot take over without losing more than RPO of
// acknowledged-w:1 writes, so that is critical; half of it warns early.
func (g *gen) lagAlerts() ([]rule, []testCase) {
	rpo := g.t.SLO.RPO
	warn, crit := rpo/2, rpo
	high := alert{
		name:     "MongoDBReplicationLagHigh",
		severity: warning,
		forDur:   2 * time.Minute,
		expr:     withMemberRegion(g.lagExpr()) + " > " + seconds(warn),
		summary:  "MongoDB member {{ $labels.member_idx }} lags the primary",
		description: fmt.Sprintf("Member {{ $labels.member_idx }} (region {{ $labels.member_region }}) of {{ $labels.rs_nm }} is "+
			"{{ printf \"%%.0f\" $value }}s behind the primary, more than half the RPO (%s).", promDuration(rpo)),
	}
	above := alert{
		name:     "MongoDBReplicationLagAboveRPO",
		severity: critical,
		forDur:   time.Minute,
		expr:     withMemberRegion(g.lagExpr()) + " > " + seconds(crit),
		summary:  "MongoDB member {{ $labels.member_idx }} lags the primary by more than the RPO",
		description: fmt.Sprintf("Member {{ $labels.member_idx }} (region {{ $labels.member_region }}) of {{ $labels.rs_nm }} is "+
			"{{ printf \"%%.0f\" $value }}s behind the primary; the RPO is %s. Losing the primary now loses more than the RPO.",
			promDuration(rpo)),
	}

	obs, sec := g.observer(), g.testSecondary()
	const start = 1_700_000_000_000 // ms, any epoch works
	hosts := g.hostsWith(sec)
	optimes := func(lag time.Duration) []inputSeries {
		var in []inputSeries
		for _, h := range hosts {
			st, v := "SECONDARY", start
			switch h {
			case obs.HostPort():
				st = "PRIMARY"
			case sec.HostPort():
				v = start - int(lag.Milliseconds())
			}
			in = append(in, inputSeries{
				Series: series("mongodb_rs_members_optimeDate", g.exporterLabels(obs).with("member_idx", h, "member_state", st)),
				Values: fmt.Sprintf("%d+60000x10", v),
			})
		}
		return in
	}
	lagging := labelSet{{"rs_nm", g.t.ReplicaSet.Name}, {"member_idx", sec.HostPort()}, {"member_region", sec.Region}}
	warnLag := (warn + crit) / 2
	critLag := crit + crit/2
	tcWarn := testCase{
		Name:        fmt.Sprintf("secondary %s lags %s (between RPO/2 and RPO)", sec.HostPort(), promDuration(warnLag)),
		Interval:    at(step),
		InputSeries: optimes(warnLag),
		AlertRuleTests: []alertTest{
			{EvalTime: at(high.forDur - step), Alertname: high.name},
			{EvalTime: at(high.forDur), Alertname: high.name, ExpAlerts: []expAlert{g.expect(high, lagging, warnLag.Seconds())}},
			{EvalTime: at(high.forDur), Alertname: above.name},
		},
	}
	tcCrit := testCase{
		Name:        fmt.Sprintf("secondary %s lags %s (above the RPO)", sec.HostPort(), promDuration(critLag)),
		Interval:    at(step),
		InputSeries: optimes(critLag),
		AlertRuleTests: []alertTest{
			{EvalTime: at(above.forDur - step), Alertname: above.name},
			{EvalTime: at(above.forDur), Alertname: above.name, ExpAlerts: []expAlert{g.expect(above, lagging, critLag.Seconds())}},
		},
	}
	tcHealthy := testCase{
		Name:        "every secondary caught up",
		Interval:    at(step),
		InputSeries: optimes(0),
		AlertRuleTests: []alertTest{
			{EvalTime: at(10 * step), Alertname: high.name},
			{EvalTime: at(10 * step), Alertname: above.name},
		},
	}
	return []rule{g.rule(high), g.rule(above)}, []testCase{tcWarn, tcCrit, tcHealthy}
}

// membersWith is the set's members plus extra, a synthetic member a test
// needs, unless it is one of them.
func (g *gen) membersWith(extra model.Member) []model.Member {
	ms := slices.Clone(g.t.Members)
	if !slices.ContainsFunc(ms, func(m model.Member) bool { return m.HostPort() == extra.HostPort() }) {
		ms = append(ms, extra)
	}
	return ms
}

// hostsWith is membersWith's host:port list.
func (g *gen) hostsWith(extra model.Member) []string {
	var hosts []string
	for _, m := range g.membersWith(extra) {
		hosts = append(hosts, m.HostPort())
	}
	return hosts
}

// oplogBytes is the configured oplog size (mongod --oplogSize is in MB of
// 2^20 bytes).
func (g *gen) oplogBytes() float64 { return float64(g.t.MongoDB.OplogSizeMB) * (1 << 20) }

// oplogWindowExpr estimates the oplog window in seconds. The exporter's
// native names carry no oplog time range: the head/tail timestamps exist
// only in --compatible-mode (mongodb_mongod_replset_oplog_*_timestamp,
// exporter/v1_compatibility.go), and the start/end fields of
// local.oplog.rs.stats are FTDC sample times, not oplog entries. So the
// window is the configured oplog size divided by the rate secondaries fetch
// oplog bytes (serverStatus.metrics.repl.network.bytes →
// mongodb_ss_metrics_repl_network_bytes, diagnosticdata collector); every
// secondary fetches the whole stream, so the max over members is the
// primary's oplog write rate.
func (g *gen) oplogWindowExpr(by string) string {
	return fmt.Sprintf("%s\n/\nmax by (%s) (rate(mongodb_ss_metrics_repl_network_bytes{%s}[1h]))",
		fmtFloat(g.oplogBytes()), by, g.exporter)
}

func (g *gen) oplogAlert() ([]rule, []testCase) {
	every := g.t.Backup.Every
	a := alert{
		name:     "MongoDBOplogWindowShorterThanBackupInterval",
		severity: warning,
		forDur:   15 * time.Minute,
		expr:     fmt.Sprintf("(\n%s\n) < %s", g.oplogWindowExpr("rs_nm"), seconds(every)),
		summary:  "The oplog of {{ $labels.rs_nm }} covers less than the backup interval",
		description: fmt.Sprintf("At the last hour's write rate the %d MB oplog holds about {{ printf \"%%.0f\" $value }}s, "+
			"less than the %s between backups: a point-in-time restore from the last dump plus the oplog is no longer possible, "+
			"and a secondary down for that long needs a full resync. Raise mongodb.oplogSizeMB or backup more often.",
			g.t.MongoDB.OplogSizeMB, promDuration(every))}

	sec := g.testSecondary()
	obs := g.observer()
	fast := math.Ceil(4 * g.oplogBytes() / every.Seconds()) // B/s: window = every/4
	slow := math.Floor(g.oplogBytes() / (4 * every.Seconds()))
	fetch := func(rate float64) []inputSeries {
		return []inputSeries{
			{Series: series("mongodb_ss_metrics_repl_network_bytes", g.exporterLabels(obs)), Values: constant(0, 130)},
			{Series: series("mongodb_ss_metrics_repl_network_bytes", g.exporterLabels(sec)), Values: fmt.Sprintf("1000000+%sx130", fmtFloat(rate*60))},
		}
	}
	fire := 2 * time.Hour // the [1h] rate needs an hour of samples, then for:
	short := testCase{
		Name:        fmt.Sprintf("secondaries fetch %s B/s: the oplog holds a quarter of the backup interval", fmtFloat(fast)),
		Interval:    at(step),
		InputSeries: fetch(fast),
		AlertRuleTests: []alertTest{
			{EvalTime: at(10 * step), Alertname: a.name},
			{EvalTime: at(fire), Alertname: a.name, ExpAlerts: []expAlert{
				g.expect(a, labelSet{{"rs_nm", g.t.ReplicaSet.Name}}, g.oplogBytes()/fast),
			}},
		},
	}
	long := testCase{
		Name:        fmt.Sprintf("secondaries fetch %s B/s: the oplog holds four backup intervals", fmtFloat(slow)),
		Interval:    at(step),
		InputSeries: fetch(slow),
		AlertRuleTests: []alertTest{
			{EvalTime: at(fire), Alertname: a.name},
		},
	}
	return []rule{g.rule(a)}, []testCase{short, long}
}
