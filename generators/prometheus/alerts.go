package prometheus

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// Severities. "info" is for conditions worth a look in office hours.
const (
	critical = "critical"
	warning  = "warning"
	info     = "info"
)

// alert is one alerting rule and the unit tests that prove it.
type alert struct {
	name        string
	severity    string
	forDur      time.Duration
	expr        string
	labels      labelSet // extra static labels (besides severity)
	summary     string
	description string
}

// staticLabels are on every alert: severity routes it (alertmanager.go),
// namespace lets prometheus-operator's AlertmanagerConfig (default
// OnNamespace matcher) select it.
func (g *gen) staticLabels(a alert) labelSet {
	return labelSet{{"severity", a.severity}, {"namespace", g.t.Kubernetes.Namespace}}
}

func (g *gen) rule(a alert) rule {
	ls := g.staticLabels(a)
	ls = append(ls, a.labels...)
	r := rule{
		Alert:  a.name,
		Expr:   a.expr,
		Labels: ls.m(),
		Annotations: map[string]string{
			"summary":     a.summary,
			"description": a.description,
			"runbook_url": g.runbook(a.name),
		},
	}
	if a.forDur > 0 {
		r.For = promDuration(a.forDur)
	}
	return r
}

// expect is the alert promtool must see firing with the labels the
// expression yields and the value it evaluates to.
func (g *gen) expect(a alert, exprLabels labelSet, value float64) expAlert {
	ls := g.staticLabels(a)
	ls = append(ls, a.labels...)
	ls = append(ls, exprLabels...)
	m := ls.m()
	return expAlert{
		ExpLabels: m,
		ExpAnnotations: map[string]string{
			"summary":     render(a.summary, m, value),
			"description": render(a.description, m, value),
			"runbook_url": g.runbook(a.name),
		},
	}
}

// Test timeline helpers: every test samples each minute.
const step = time.Minute

func at(d time.Duration) string { return promDuration(d) }

// constant is a promtool series of value v for the first n steps after 0.
func constant(v float64, n int) string { return fmt.Sprintf("%sx%d", fmtFloat(v), n) }

// testSecondary is a member of the failing region other than the
// observer; a synthetic one when the topology has a single member, since a
// lag or connection test needs two.
func (g *gen) testSecondary() model.Member {
	obs := g.observer()
	for _, m := range g.t.RegionMembers(g.failingRegion().Name) {
		if m.ID != obs.ID {
			return m
		}
	}
	for _, m := range g.t.Members {
		if m.ID != obs.ID {
			return m
		}
	}
	m := obs
	m.Ordinal++
	m.ID++
	m.Pod = model.PodName(g.t.ReplicaSet.Name, m.Region, m.Ordinal)
	r, _ := g.t.Region(m.Region)
	m.Host = model.MemberHost(m.Pod, r.DNSZone)
	return m
}

// alertGroup builds the mongodb-alerts group, evaluated by the global
// Prometheus on the federated exporter and kube-state-metrics series.
func (g *gen) alertGroup() (ruleGroup, []testCase) {
	var rules []rule
	var tests []testCase
	add := func(rs []rule, ts []testCase) {
		rules = append(rules, rs...)
		tests = append(tests, ts...)
	}
	add(g.memberAlerts())
	add(g.stateAlert())
	add(g.writableAlert())
	add(g.primaryAlerts())
	add(g.lagAlerts())
	add(g.oplogAlert())
	add(g.federationAlerts())
	add(g.connectionAlerts())
	add(g.replAlerts())
	add(g.backupAlerts())
	add(g.infraAlerts())
	return ruleGroup{Name: "mongodb-alerts", Rules: rules}, tests
}

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
				g.expect(absent, labelSet{{"job", names.ExporterJob}}, 1),
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

// federationAlerts: one rule per region on its real job name, firing when
// the global Prometheus cannot scrape the region's /federate (up == 0) or
// the job vanished from the configuration (absent).
func (g *gen) federationAlerts() ([]rule, []testCase) {
	var rules []rule
	var tests []testCase
	mk := func(r model.Region) alert {
		job := names.FederationJob(r)
		return alert{
			name:     "MongoDBFederationDown",
			severity: critical,
			forDur:   5 * time.Minute,
			expr:     fmt.Sprintf("up{job=%q} == 0\nor\nabsent(up{job=%q})", job, job),
			labels:   labelSet{{names.SeriesRegionLabel, r.Name}},
			summary:  "The global Prometheus cannot federate region " + r.Name,
			description: fmt.Sprintf("Job %s (%s) has up = {{ $value }} for 5 minutes: the global view of region %s "+
				"(its members, backups and SLO) is blind; alerts about it cannot fire.", job, r.Prometheus, r.Name),
		}
	}
	upSeries := func(r model.Region) labelSet {
		return labelSet{{"job", names.FederationJob(r)}, {"instance", r.Prometheus}, {names.SeriesRegionLabel, r.Name}}
	}
	for _, r := range g.t.Regions {
		rules = append(rules, g.rule(mk(r)))
	}
	for _, down := range g.t.Regions {
		a := mk(down)
		var in []inputSeries
		for _, r := range g.t.Regions {
			v := 1.0
			if r.Name == down.Name {
				v = 0
			}
			in = append(in, inputSeries{Series: series("up", upSeries(r)), Values: constant(v, 10)})
		}
		tests = append(tests, testCase{
			Name:        fmt.Sprintf("job %s is down, the other regions federate", names.FederationJob(down)),
			Interval:    at(step),
			InputSeries: in,
			AlertRuleTests: []alertTest{
				{EvalTime: at(a.forDur - step), Alertname: a.name},
				{EvalTime: at(a.forDur), Alertname: a.name, ExpAlerts: []expAlert{g.expect(a, upSeries(down), 0)}},
			},
		})
	}
	return rules, tests
}

// connectionAlerts: connections near mongod's limit
// (serverStatus.connections current / (current + available), conn_type
// label, mongodb-facts.md §5), and an exporter that cannot reach its mongod.
func (g *gen) connectionAlerts() ([]rule, []testCase) {
	near := alert{
		name:     "MongoDBConnectionsNearLimit",
		severity: warning,
		forDur:   5 * time.Minute,
		expr: fmt.Sprintf("sum without (conn_type) (mongodb_ss_connections{%[1]s,conn_type=\"current\"})\n/\n"+
			"sum without (conn_type) (mongodb_ss_connections{%[1]s,conn_type=~\"current|available\"})\n> 0.8", g.exporter),
		summary: "MongoDB {{ $labels.instance }} uses most of its connections",
		description: "{{ $labels.instance }} in region {{ $labels.region }} uses {{ printf \"%.2f\" $value }} of its connection limit " +
			"(current / (current + available)) for 5 minutes; new connections fail at 1.00.",
	}
	unreachable := alert{
		name:     "MongoDBExporterCannotReachMongod",
		severity: warning,
		forDur:   2 * time.Minute,
		expr:     fmt.Sprintf("mongodb_up{%s} == 0", g.exporter),
		summary:  "The exporter {{ $labels.instance }} cannot reach its mongod",
		description: "mongodb_up = {{ $value }} on {{ $labels.instance }} in region {{ $labels.region }} for 2 minutes: " +
			"its mongod does not answer ping; its own metrics are missing.",
	}
	obs, sec := g.observer(), g.testSecondary()
	conn := func(m model.Member, cur, avail float64) []inputSeries {
		return []inputSeries{
			{Series: series("mongodb_ss_connections", g.exporterLabels(m).with("conn_type", "current")), Values: constant(cur, 10)},
			{Series: series("mongodb_ss_connections", g.exporterLabels(m).with("conn_type", "available")), Values: constant(avail, 10)},
		}
	}
	in := append(conn(obs, 900, 100), conn(sec, 100, 900)...)
	in = append(in,
		inputSeries{Series: series("mongodb_up", g.exporterLabels(obs)), Values: constant(0, 10)},
		inputSeries{Series: series("mongodb_up", g.exporterLabels(sec)), Values: constant(1, 10)},
	)
	tc := testCase{
		Name:        fmt.Sprintf("%s is at 90%% of its connections and cannot be pinged; %s is fine", instance(obs), instance(sec)),
		Interval:    at(step),
		InputSeries: in,
		AlertRuleTests: []alertTest{
			{EvalTime: at(near.forDur - step), Alertname: near.name},
			{EvalTime: at(near.forDur), Alertname: near.name, ExpAlerts: []expAlert{g.expect(near, g.exporterLabels(obs), 0.9)}},
			{EvalTime: at(unreachable.forDur - step), Alertname: unreachable.name},
			{EvalTime: at(unreachable.forDur), Alertname: unreachable.name, ExpAlerts: []expAlert{g.expect(unreachable, g.exporterLabels(obs), 0)}},
		},
	}
	return []rule{g.rule(near), g.rule(unreachable)}, []testCase{tc}
}

// backupJobRe matches the Jobs the backup CronJob creates
// ("<cronjob>-<scheduled minute>").
func backupJobRe() string { return names.BackupCronJob + "-[0-9]+" }

// backupAlerts use kube-state-metrics (federated per region). A failed Job
// counts only when it started after the CronJob's last success:
// kube_job_failed keeps reporting a failed Job until the history limit
// removes it. kube_job_failed{condition="true"} (the Job's Failed
// condition, set once its backoffLimit is exhausted) is used rather than
// kube_job_status_failed, which counts failed pods even of a Job that
// succeeded on retry.
func (g *gen) backupAlerts() ([]rule, []testCase) {
	every := g.t.Backup.Every
	cron := fmt.Sprintf(`%s,cronjob=%q`, g.ksm, names.BackupCronJob)
	jobs := fmt.Sprintf(`%s,job_name=~%q`, g.ksm, backupJobRe())
	failed := alert{
		name:     "MongoDBBackupFailed",
		severity: critical,
		expr: fmt.Sprintf(`max by (region, namespace, job_name) (kube_job_failed{%[1]s,condition="true"}) == 1
unless on (region, namespace, job_name)
(
  kube_job_status_start_time{%[1]s}
  < on (region, namespace) group_left ()
  max by (region, namespace) (kube_cronjob_status_last_successful_time{%[2]s})
)`, jobs, cron),
		summary: "MongoDB backup Job {{ $labels.job_name }} failed in region {{ $labels.region }}",
		description: fmt.Sprintf("Backup Job {{ $labels.job_name }} of CronJob %s in region {{ $labels.region }} failed "+
			"(kube_job_failed = {{ $value }}) and no backup succeeded since it started; the region's newest dump is older than %s.",
			names.BackupCronJob, promDuration(every)),
	}
	missed := alert{
		name:     "MongoDBBackupMissed",
		severity: critical,
		forDur:   10 * time.Minute,
		expr: fmt.Sprintf(`time()
- (
  max by (region, namespace) (kube_cronjob_status_last_successful_time{%[1]s})
  or
  max by (region, namespace) (kube_cronjob_created{%[1]s})
)
> %[2]s`, cron, seconds(2*every)),
		summary: "No MongoDB backup succeeded in region {{ $labels.region }} for two intervals",
		description: fmt.Sprintf("CronJob %s in region {{ $labels.region }} has not succeeded for {{ printf \"%%.0f\" $value }}s "+
			"(since creation if it never did), more than twice its %s interval.", names.BackupCronJob, promDuration(every)),
	}

	f := g.failingRegion()
	ksm := func(r model.Region) labelSet {
		return labelSet{{"job", KubeStateMetricsJob}, {"instance", "kube-state-metrics:8080"}, {"namespace", g.t.Kubernetes.Namespace}, {names.SeriesRegionLabel, r.Name}}
	}
	jobSeries := func(r model.Region, started float64) []inputSeries {
		jl := ksm(r).with("job_name", names.BackupCronJob+"-29000000")
		return []inputSeries{
			{Series: series("kube_job_failed", jl.with("condition", "true")), Values: constant(1, 5)},
			{Series: series("kube_job_status_start_time", jl), Values: constant(started, 5)},
			{Series: series("kube_cronjob_status_last_successful_time", ksm(r).with("cronjob", names.BackupCronJob)), Values: constant(500, 5)},
		}
	}
	failedLabels := labelSet{{names.SeriesRegionLabel, f.Name}, {"namespace", g.t.Kubernetes.Namespace}, {"job_name", names.BackupCronJob + "-29000000"}}
	tcFailed := testCase{
		Name:        fmt.Sprintf("backup Job in %s failed after the last success", f.Name),
		Interval:    at(step),
		InputSeries: jobSeries(f, 1000),
		AlertRuleTests: []alertTest{
			{EvalTime: at(step), Alertname: failed.name, ExpAlerts: []expAlert{g.expect(failed, failedLabels, 1)}},
		},
	}
	tcOld := testCase{
		Name:        fmt.Sprintf("the failed backup Job in %s is older than the last success", f.Name),
		Interval:    at(step),
		InputSeries: jobSeries(f, 400),
		AlertRuleTests: []alertTest{
			{EvalTime: at(step), Alertname: failed.name},
		},
	}

	// Missed: the condition holds from the first minute after 2×every, then
	// for: runs.
	firstTrue := 2*every + step
	fireAt := firstTrue + missed.forDur
	n := int(fireAt / step)
	cronSeries := func(r model.Region, lastSuccess string, withSuccess bool) []inputSeries {
		cl := ksm(r).with("cronjob", names.BackupCronJob)
		in := []inputSeries{{Series: series("kube_cronjob_created", cl), Values: constant(0, n)}}
		if withSuccess {
			in = append(in, inputSeries{Series: series("kube_cronjob_status_last_successful_time", cl), Values: lastSuccess})
		}
		return in
	}
	missedCase := func(name string, withSuccess bool) testCase {
		var in []inputSeries
		for _, r := range g.t.Regions {
			if r.Name == f.Name {
				in = append(in, cronSeries(r, constant(0, n), withSuccess)...)
			} else {
				in = append(in, cronSeries(r, fmt.Sprintf("0+60x%d", n), true)...)
			}
		}
		return testCase{
			Name:        name,
			Interval:    at(step),
			InputSeries: in,
			AlertRuleTests: []alertTest{
				{EvalTime: at(fireAt - step), Alertname: missed.name},
				{EvalTime: at(fireAt), Alertname: missed.name, ExpAlerts: []expAlert{
					g.expect(missed, labelSet{{names.SeriesRegionLabel, f.Name}, {"namespace", g.t.Kubernetes.Namespace}}, fireAt.Seconds()),
				}},
			},
		}
	}
	return []rule{g.rule(failed), g.rule(missed)}, []testCase{
		tcFailed, tcOld,
		missedCase(fmt.Sprintf("last backup success in %s at 0s, the other regions succeed every minute", f.Name), true),
		missedCase(fmt.Sprintf("the backup CronJob in %s never succeeded since its creation at 0s", f.Name), false),
	}
}
