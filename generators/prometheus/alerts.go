package prometheus

import (
	"fmt"
	"time"

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
// Prometheus on the federated exporter and kube-state-metrics series: the
// one set's alerts, then the deployment's.
func (g *gen) alertGroup() (ruleGroup, []testCase) {
	rules, tests := concat(g.setAlerts, g.deploymentAlerts)
	return ruleGroup{Name: "mongodb-alerts", Rules: rules}, tests
}

// setAlerts are the alerts about one replica set: its members, primary,
// replication and oplog, and its members' certificates and disks. The
// sharded mode gives every set these, on the set's own series (setGen).
func (g *gen) setAlerts() ([]rule, []testCase) {
	return concat(
		g.memberAlerts,
		g.stateAlert,
		g.writableAlert,
		g.primaryAlerts,
		g.lagAlerts,
		g.oplogAlert,
		g.replAlerts,
		g.certAlerts,
		g.diskAlerts,
	)
}

// deploymentAlerts are the alerts about the whole deployment, one copy
// whatever the number of sets: federation, connections, backups, the
// exporters answering, the watchdog.
func (g *gen) deploymentAlerts() ([]rule, []testCase) {
	return concat(
		g.federationAlerts,
		g.connectionAlerts,
		g.backupAlerts,
		g.exportersMissing,
		g.watchdog,
	)
}

// concat runs the rule builders in order and joins their rules and their
// promtool cases: a group's rules are its builders' in this order.
func concat(builders ...func() ([]rule, []testCase)) ([]rule, []testCase) {
	var rules []rule
	var tests []testCase
	for _, b := range builders {
		rs, ts := b()
		rules = append(rules, rs...)
		tests = append(tests, ts...)
	}
	return rules, tests
}
