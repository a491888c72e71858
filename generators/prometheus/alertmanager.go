package prometheus

import (
	"fmt"
	"strings"
	"time"

	"github.com/topogen/topogen/generators/names"
)

// Alertmanager routing and inhibition for the alerts of the global
// Prometheus, rendered twice from one tree: a plain alertmanager.yml
// (checked by `amtool check-config`) and a prometheus-operator
// AlertmanagerConfig (monitoring.coreos.com/v1alpha1, kubectl-validate).
//
// Receivers are Opsgenie: pages (critical, P1), tickets (warning, P3) and
// info (P5), one receiver per region for the alerts that name one (label
// region or member_region) so Opsgenie's routing can hand them to that
// region's on-call by its tag, and the Watchdog as an Opsgenie heartbeat
// ping (a dead man's switch: Opsgenie alerts when the pings stop). The API
// key is never in out/: the plain file reads it from the Secret
// names.AlertmanagerSecret mounted by the Alertmanager CR's spec.secrets
// (prometheus-operator mounts each at /etc/alertmanager/secrets/<name>/;
// api_key_file and http_config credentials_file, Alertmanager ≥ 0.25), the
// AlertmanagerConfig references the same Secret by key.
//
// Every alert carries namespace=<kubernetes.namespace> (alert rule label):
// prometheus-operator's default alertmanagerConfigMatcherStrategy
// (OnNamespace) adds namespace="<the AlertmanagerConfig's namespace>" to its
// route and inhibit rules, so the AlertmanagerConfig lives in that namespace
// of the cluster running the global Alertmanager.

// Paths relative to the output directory.
const (
	AlertmanagerDir        = Dir + "/alertmanager"
	AlertmanagerPath       = AlertmanagerDir + "/alertmanager.yml"
	AlertmanagerConfigPath = AlertmanagerDir + "/alertmanagerconfig-mongodb.yaml"
	// AlertmanagerConfigName is the AlertmanagerConfig object's name.
	AlertmanagerConfigName = "mongodb"
)

// Notification timing. groupWait: one evaluation interval of the global
// Prometheus, so alerts of one failure that fire together (three members of
// a region) go out as one notification. Repeats: a page every hour while it
// lasts, a ticket twice a day.
const (
	amGroupWait      = 30 * time.Second
	amGroupInterval  = 5 * time.Minute
	amRepeatCritical = time.Hour
	amRepeatWarning  = 12 * time.Hour
	amRepeatInfo     = 24 * time.Hour
	// The Watchdog pings the heartbeat every minute; configure the Opsgenie
	// heartbeat's interval to 5 minutes (a few missed pings, not one).
	amHeartbeatRepeat = time.Minute
)

// amGroupBy: one notification per alert and region.
var amGroupBy = []string{"alertname", "rs_nm", names.SeriesRegionLabel, "member_region"}

type amMatcher struct{ name, op, value string }

func (m amMatcher) String() string { return fmt.Sprintf("%s%s%q", m.name, m.op, m.value) }

func eq(name, value string) amMatcher { return amMatcher{name, "=", value} }
func re(name string, values ...string) amMatcher {
	return amMatcher{name, "=~", strings.Join(values, "|")}
}

type amRoute struct {
	receiver                         string
	matchers                         []amMatcher
	groupBy                          []string
	groupWait, groupInterval, repeat time.Duration
	routes                           []amRoute
}

type amInhibit struct {
	why            string
	source, target []amMatcher
	equal          []string
}

type amReceiver struct {
	name      string
	priority  string // Opsgenie P1..P5; "" for the heartbeat
	tags      []string
	heartbeat bool
}

type amTree struct {
	root      amRoute
	inhibit   []amInhibit
	receivers []amReceiver
}

// Alert names the inhibition rules refer to. A test checks each is an
// alert the rules define.
var (
	memberLevelAlerts = []string{"MongoDBMemberUnhealthy", "MongoDBMemberStateUnusual",
		"MongoDBReplicationLagHigh", "MongoDBReplicationLagAboveRPO", "MongoDBMemberPingHigh"}
	regionObservedAlerts = []string{"MongoDBExportersMissing", "MongoDBExporterCannotReachMongod",
		"MongoDBFederationDown", "MongoDBConnectionsNearLimit", "MongoDBWriteLatencyHigh", "MongoDBMemberPingHigh"}
	noPrimaryExplains = []string{"MongoDBErrorBudgetBurnFast", "MongoDBErrorBudgetBurnSlow",
		"MongoDBReplicationLagHigh", "MongoDBReplicationLagAboveRPO", "MongoDBPrimaryOutsidePreferredRegion",
		"MongoDBElectionChurn", "MongoDBWriteLatencyHigh"}
)

func (g *gen) amTree() amTree {
	var tr amTree
	receiver := func(sev, prio, region string) string {
		name := "mongodb-" + sev
		tags := []string{"mongodb", g.t.Name, sev}
		if region != "" {
			name += "-" + region
			tags = append(tags, "region:"+region)
		}
		tr.receivers = append(tr.receivers, amReceiver{name: name, priority: prio, tags: tags})
		return name
	}
	bySeverity := func(sev, prio string, repeat time.Duration) amRoute {
		rt := amRoute{receiver: receiver(sev, prio, ""), matchers: []amMatcher{eq("severity", sev)}, repeat: repeat}
		for _, r := range g.t.Regions {
			rcv := receiver(sev, prio, r.Name)
			rt.routes = append(rt.routes,
				amRoute{receiver: rcv, matchers: []amMatcher{eq(names.SeriesRegionLabel, r.Name)}},
				amRoute{receiver: rcv, matchers: []amMatcher{eq("member_region", r.Name)}})
		}
		return rt
	}
	heartbeat := amReceiver{name: "mongodb-heartbeat", heartbeat: true}
	tr.receivers = append(tr.receivers, heartbeat)
	routes := []amRoute{{
		receiver: heartbeat.name, matchers: []amMatcher{eq("alertname", "Watchdog")},
		groupWait: time.Nanosecond, groupInterval: amHeartbeatRepeat, repeat: amHeartbeatRepeat,
	}}
	routes = append(routes,
		bySeverity(critical, "P1", amRepeatCritical),
		bySeverity(warning, "P3", amRepeatWarning))
	routes = append(routes, amRoute{receiver: receiver(info, "P5", ""), matchers: []amMatcher{eq("severity", info)}, repeat: amRepeatInfo})
	// Unmatched alerts (none today) are tickets rather than lost.
	tr.root = amRoute{
		receiver: "mongodb-" + warning, groupBy: amGroupBy,
		groupWait: amGroupWait, groupInterval: amGroupInterval, repeat: amRepeatWarning,
		routes: routes,
	}

	ns := []string{"namespace"}
	tr.inhibit = []amInhibit{
		{
			why:    "a region down explains its members' alerts",
			source: []amMatcher{eq("alertname", "MongoDBRegionDown")},
			target: []amMatcher{re("alertname", memberLevelAlerts...)},
			equal:  []string{"rs_nm", "member_region"},
		},
		{
			why:    "a region whose federation is down is blind: its exporter and backup alerts follow from it",
			source: []amMatcher{eq("alertname", "MongoDBFederationDown")},
			target: []amMatcher{{"alertname", "!=", "MongoDBFederationDown"}},
			equal:  []string{names.SeriesRegionLabel},
		},
		{
			why:    "no writable primary explains the budget burn, the lag (no primary optime) and the elections",
			source: []amMatcher{eq("alertname", "MongoDBNoWritablePrimary")},
			target: []amMatcher{re("alertname", noPrimaryExplains...)},
			equal:  ns,
		},
		{
			why:    "no exporter data at all: the per-region exporter alerts are the same fact",
			source: []amMatcher{eq("alertname", "MongoDBMetricsAbsent")},
			target: []amMatcher{eq("alertname", "MongoDBExportersMissing")},
			equal:  ns,
		},
		{why: "the critical lag alert replaces the warning", source: []amMatcher{eq("alertname", "MongoDBReplicationLagAboveRPO")},
			target: []amMatcher{eq("alertname", "MongoDBReplicationLagHigh")}, equal: []string{"rs_nm", "member_idx"}},
		{why: "the critical disk alert replaces the warning", source: []amMatcher{eq("alertname", "MongoDBDiskAlmostFull")},
			target: []amMatcher{eq("alertname", "MongoDBDiskUsageHigh")}, equal: []string{names.SeriesRegionLabel, "persistentvolumeclaim"}},
		{why: "the critical certificate alert replaces the warning", source: []amMatcher{eq("alertname", "MongoDBCertificateExpiring")},
			target: []amMatcher{eq("alertname", "MongoDBCertificateRenewalOverdue")}, equal: []string{names.SeriesRegionLabel, "name"}},
		{why: "the fast burn replaces the slow one", source: []amMatcher{eq("alertname", "MongoDBErrorBudgetBurnFast")},
			target: []amMatcher{eq("alertname", "MongoDBErrorBudgetBurnSlow")}, equal: []string{"slo", "scope", names.SeriesRegionLabel}},
	}
	// A region down also explains that region's exporter-side alerts, which
	// carry region (the observing exporter's) rather than member_region:
	// one rule per region, since equal cannot compare two label names.
	for _, r := range g.t.Regions {
		tr.inhibit = append(tr.inhibit, amInhibit{
			why:    "region " + r.Name + " down explains its exporters' and federation's alerts",
			source: []amMatcher{eq("alertname", "MongoDBRegionDown"), eq("member_region", r.Name)},
			target: []amMatcher{re("alertname", regionObservedAlerts...), eq(names.SeriesRegionLabel, r.Name)},
		})
	}
	return tr
}

func amDur(d time.Duration) string {
	if d == time.Nanosecond {
		return "0s"
	}
	if d == 0 {
		return ""
	}
	return promDuration(d)
}

// ---- plain alertmanager.yml ----
