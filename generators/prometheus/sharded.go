package prometheus

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// The sharded mode (model.Sharding). Each replica set (the config servers,
// every shard) gets the replica-set mode's set-level alerts in a rule file
// of its own, on its own series: every exporter series but mongodb_up
// carries rs_nm, the replica set of the scraped mongod (percona
// mongodb_exporter v0.53.0 exporter/topology_info.go, loadLabels:
// replSetGetConfig's _id), so a set's rules select rs_nm="<set>" and one
// set's primary never hides another's loss. A file per set keeps each
// set's promtool tests to its own rules. The cluster-wide alerts
// (federation, connections, exporters answering, backups, watchdog) and
// the routers' and the balancer's are in the one alerts file.
//
// The routers' exporters (under the same job) report what
// exporter/v1_compatibility.go mongosMetrics reads from a mongos, with
// cl_role="mongos" (getClusterRole: parsed.sharding.configDB is set):
//   - mongodb_mongos_sharding_balancer_enabled: 1 when balancerStatus
//     mode is "full";
//   - mongodb_mongos_sharding_shards_total and
//     mongodb_mongos_sharding_shards_draining_total: config.shards counts.
// Not used: mongodb_mongos_sharding_chunks_is_balancer_running is 1 when
// balancerStatus.inBalancerRound is false (chunksBalancerRunning inverts
// it), and mongodb_mongos_sharding_collections_total counts
// config.collections documents with dropped: false, a field MongoDB no
// longer writes.

// The sharding alerts are a group of the alerts file (AlertsFile); setFile
// is a set's rule file.
func setFile(set string) string { return "mongodb-set-" + set + ".yml" }

// MongosMetrics are the routers' exporter series the global Prometheus
// federates in the sharded mode.
var MongosMetrics = []string{
	"mongodb_mongos_sharding_balancer_enabled",
	"mongodb_mongos_sharding_shards_draining_total",
	"mongodb_mongos_sharding_shards_total",
}

// MongosKubeStateMetrics are the kube-state-metrics series of the routers'
// Deployments.
var MongosKubeStateMetrics = []string{
	"kube_deployment_spec_replicas",
	"kube_deployment_status_replicas_available",
}

// clusterView is the sharded cluster as one set for the cluster-wide
// rules, the SLO, the configuration, the routing and the dashboard: every
// set's members (their series differ by rs_nm and host), each region
// counting them all; named after the config servers.
func clusterView(t *model.Topology) *model.Topology {
	v := *t
	v.Sharding = nil
	v.ReplicaSet = t.Sharding.ConfigServers.ReplicaSet
	v.Members = nil
	for _, set := range t.Sharding.Sets() {
		v.Members = append(v.Members, set.Members...)
	}
	v.Regions = slices.Clone(t.Regions)
	for i := range v.Regions {
		r := &v.Regions[i]
		r.Members, r.Voters = 0, 0
		for _, m := range v.Members {
			if m.Region == r.Name {
				r.Members++
				r.Voters += m.Votes
			}
		}
	}
	return &v
}

// setGen is the generator of one set's rules: the set as the replica-set
// mode's one set, on its own series.
func setGen(t *model.Topology, set model.MemberSet) *gen {
	g := newGen(t.SetView(set))
	g.exporter += fmt.Sprintf(",rs_nm=%q", set.ReplicaSet.Name)
	g.sharded = t
	g.set = set.ReplicaSet.Name
	return g
}

// setAlertGroup is one set's rule group: the replica-set mode's set-level
// alerts (setAlerts) on the set's series.
func (g *gen) setAlertGroup() (ruleGroup, []testCase) {
	rules, tests := g.setAlerts()
	return ruleGroup{Name: "mongodb-set-" + g.t.ReplicaSet.Name, Rules: rules}, tests
}

// clusterAlertGroup is the alerts about the whole cluster.
func (g *gen) clusterAlertGroup() (ruleGroup, []testCase) {
	rules, tests := g.deploymentAlerts()
	return ruleGroup{Name: "mongodb-alerts", Rules: rules}, tests
}

// Sharding alert timings.
const (
	mongosDownFor     = 2 * time.Minute
	mongosDegradedFor = 10 * time.Minute
	balancerOffFor    = time.Hour
	shardsMissingFor  = 10 * time.Minute
	shardDrainingFor  = 5 * time.Minute
)

// shardingAlertGroup: the routers of each region (kube-state-metrics of
// their Deployment), the balancer, the shards registered and draining.
func (g *gen) shardingAlertGroup(t *model.Topology) (ruleGroup, []testCase) {
	sh := t.Sharding
	dep := fmt.Sprintf(`%s,deployment=%q`, g.ksm, names.Mongos)
	mongos := fmt.Sprintf(`job=%q,cl_role="mongos"`, names.ExporterJob)
	down := alert{
		name:     "MongosUnavailable",
		severity: critical,
		forDur:   mongosDownFor,
		expr:     fmt.Sprintf("max by (region) (kube_deployment_status_replicas_available{%s}) == 0", dep),
		summary:  "No mongos router is available in region {{ $labels.region }}",
		description: "The mongos Deployment of region {{ $labels.region }} has had no available replica for " + promDuration(mongosDownFor) +
			": the region's applications, which connect to their own region's routers, cannot read or write any zone.",
	}
	degraded := alert{
		name:        "MongosDegraded",
		severity:    warning,
		forDur:      mongosDegradedFor,
		expr:        fmt.Sprintf("max by (region) (kube_deployment_status_replicas_available{%[1]s})\n<\nmax by (region) (kube_deployment_spec_replicas{%[1]s})", dep),
		summary:     "Region {{ $labels.region }} runs fewer mongos routers than declared",
		description: "Only {{ $value }} mongos replicas of region {{ $labels.region }} have been available for " + promDuration(mongosDegradedFor) + ": one more loss stops the region's clients.",
	}
	balancer := alert{
		name:     "MongoDBBalancerDisabled",
		severity: warning,
		forDur:   balancerOffFor,
		expr:     fmt.Sprintf("max(mongodb_mongos_sharding_balancer_enabled{%s}) == 0", mongos),
		summary:  "The sharded cluster's balancer is off",
		description: "Every router has reported the balancer off (balancerStatus mode other than \"full\") for " + promDuration(balancerOffFor) +
			": chunks stay where splits and inserts left them, so new or changed zone ranges are not enforced and a zone's data may stay on another zone's shard.",
	}
	missing := alert{
		name:     "MongoDBShardsMissing",
		severity: critical,
		forDur:   shardsMissingFor,
		expr:     fmt.Sprintf("max(mongodb_mongos_sharding_shards_total{%s}) < %d", mongos, len(sh.Shards)),
		summary:  fmt.Sprintf("Only {{ $value }} of the topology's %d shards are registered", len(sh.Shards)),
		description: fmt.Sprintf("config.shards has held {{ $value }} shards for %s, the topology declares %d (%s): a zone without its shard has nowhere to keep its data; run the init Job again.",
			promDuration(shardsMissingFor), len(sh.Shards), shardNames(sh)),
	}
	draining := alert{
		name:     "MongoDBShardDraining",
		severity: warning,
		forDur:   shardDrainingFor,
		expr:     fmt.Sprintf("max(mongodb_mongos_sharding_shards_draining_total{%s}) > 0", mongos),
		summary:  "A shard is draining",
		description: "{{ $value }} shard(s) have been draining for " + promDuration(shardDrainingFor) +
			" (removeShard): their chunks move to other shards, which for a zone's shard can be outside the zone's regions.",
	}
	alerts := []alert{down, degraded, balancer, missing, draining}
	var rules []rule
	for _, a := range alerts {
		rules = append(rules, g.rule(a))
	}

	// Tests: the last region loses its routers (down), the preferred
	// region runs one of two (degraded); the balancer is off; a shard is
	// missing; one is draining.
	pref, last := t.Preferred(), t.PreferredRegions()[len(t.Regions)-1]
	available := func(m model.Mongos) int {
		switch m.Region {
		case last.Name:
			return 0
		case pref.Name:
			return m.Replicas - 1
		}
		return m.Replicas
	}
	ksm := labelSet{{"job", KubeStateMetricsJob}, {"namespace", t.Kubernetes.Namespace}, {"deployment", names.Mongos}}
	var in []inputSeries
	for _, m := range sh.Mongos {
		avail := available(m)
		l := ksm.with(names.SeriesRegionLabel, m.Region)
		in = append(in,
			inputSeries{Series: series("kube_deployment_spec_replicas", l), Values: constant(float64(m.Replicas), 70)},
			inputSeries{Series: series("kube_deployment_status_replicas_available", l), Values: constant(float64(avail), 70)},
		)
	}
	router := func(m model.Mongos) labelSet {
		return labelSet{{"job", names.ExporterJob}, {names.SeriesRegionLabel, m.Region}, {"instance", names.Mongos + "-" + m.Region + "-0:" + fmt.Sprint(names.ExporterPort)}, {"cl_role", "mongos"}}
	}
	for _, m := range sh.Mongos {
		in = append(in,
			inputSeries{Series: series("mongodb_mongos_sharding_balancer_enabled", router(m)), Values: constant(0, 70)},
			inputSeries{Series: series("mongodb_mongos_sharding_shards_total", router(m)), Values: constant(float64(len(sh.Shards)-1), 70)},
			inputSeries{Series: series("mongodb_mongos_sharding_shards_draining_total", router(m)), Values: constant(1, 70)},
		)
	}
	var downAt, degradedAt []expAlert
	for _, m := range sh.Mongos {
		avail := available(m)
		l := labelSet{{names.SeriesRegionLabel, m.Region}}
		if avail == 0 {
			downAt = append(downAt, g.expect(down, l, 0))
		}
		if avail < m.Replicas {
			degradedAt = append(degradedAt, g.expect(degraded, l, float64(avail)))
		}
	}
	tc := testCase{
		Name:        fmt.Sprintf("region %s has no router, %s one fewer; the balancer is off, a shard missing, one draining", last.Name, pref.Name),
		Interval:    at(step),
		InputSeries: in,
	}
	for _, c := range []struct {
		a   alert
		exp []expAlert
	}{
		{down, downAt},
		{degraded, degradedAt},
		{balancer, []expAlert{g.expect(balancer, nil, 0)}},
		{missing, []expAlert{g.expect(missing, nil, float64(len(sh.Shards)-1))}},
		{draining, []expAlert{g.expect(draining, nil, 1)}},
	} {
		tc.AlertRuleTests = append(tc.AlertRuleTests,
			alertTest{EvalTime: at(c.a.forDur - step), Alertname: c.a.name},
			alertTest{EvalTime: at(c.a.forDur), Alertname: c.a.name, ExpAlerts: c.exp},
		)
	}
	return ruleGroup{Name: "mongodb-sharding", Rules: rules}, []testCase{tc}
}

func shardNames(sh *model.Sharding) string {
	var s []string
	for _, x := range sh.Shards {
		s = append(s, x.Name)
	}
	return strings.Join(s, ", ")
}

// generateSharded renders the sharded mode's monitoring: the cluster view
// for everything cluster-wide, a rule file per set.
func generateSharded(t *model.Topology) ([]generators.File, error) {
	g := newGen(clusterView(t))
	g.sharded = t
	alerts, alertTests := g.clusterAlertGroup()
	sharding, shardingTests := g.shardingAlertGroup(t)
	pbm, pbmTests := g.pbmAlertGroup()
	sloGroups := g.sloGroups()
	ruleFiles := []ruleFileSpec{
		{AlertsFile, shardedAlertsDoc, []ruleGroup{alerts, sharding, pbm}, slices.Concat(alertTests, shardingTests, pbmTests)},
		{RecordingFile, recordingDoc, []ruleGroup{g.recordingGroup()}, g.recordingTests()},
		{SLOFile, g.sloDoc(), sloGroups, g.sloTests()},
	}
	runbookGroups := []ruleGroup{alerts, sharding, pbm}
	for i, set := range t.Sharding.Sets() {
		sg := setGen(t, set)
		grp, tests := sg.setAlertGroup()
		name := setFile(set.ReplicaSet.Name)
		ruleFiles = append(ruleFiles, ruleFileSpec{name, fmt.Sprintf(setAlertsDoc, set.ReplicaSet.Name, set.ReplicaSet.Name), []ruleGroup{grp}, tests})
		g.setFiles = append(g.setFiles, RulesDir+"/"+name)
		if i == 0 {
			// Every set has the same alerts: one runbook section each.
			runbookGroups = append(runbookGroups, grp)
		}
	}
	return g.render(ruleFiles, append(runbookGroups, sloGroups...))
}

const shardedAlertsDoc = `Alerts of the global Prometheus about the whole sharded cluster: federation,
connections, exporters answering, backups, the watchdog, and the routers
(kube-state-metrics of each region's mongos Deployment), the balancer and
the shards registered (the routers' exporters, cl_role="mongos"). Each
replica set's own alerts are in mongodb-set-<set>.yml.
Exporter flags: --collector.diagnosticdata --collector.dbstats
(mongodb-facts.md §5). Every alert carries namespace and severity, which
alertmanager/alertmanager.yml routes on; RUNBOOK.md has a section for each.`

const setAlertsDoc = `Alerts of the replica set %s of the sharded cluster: the replica-set
mode's set-level alerts on the set's own series (rs_nm="%s"; every
exporter series but mongodb_up carries the scraped mongod's set).`

// shardedFederationMatch is federationMatch of the sharded mode: the
// routers' series too, and every set's certificates.
func shardedFederationMatch(t *model.Topology) []string {
	var certs []string
	for _, set := range t.Sharding.Sets() {
		certs = append(certs, setGen(t, set).certNames())
	}
	return []string{
		fmt.Sprintf(`{job=%q,__name__=~%q}`, names.ExporterJob, strings.Join(append(slices.Clone(GlobalExporterMetrics), MongosMetrics...), "|")),
		fmt.Sprintf(`{job=%q,namespace=%q,__name__=~%q}`, KubeStateMetricsJob, t.Kubernetes.Namespace, strings.Join(append(slices.Clone(KubeStateMetrics), MongosKubeStateMetrics...), "|")),
		fmt.Sprintf(`{__name__=%q,name=~%q}`, certExpiryMetric, strings.Join(certs, "|")),
		fmt.Sprintf(`{__name__=~%q,namespace=%q}`, volumeCapacityMetric+"|"+volumeUsedMetric, t.Kubernetes.Namespace),
		`{__name__=~"mongodb:.*"}`,
	}
}
