package prometheus

import (
	"fmt"
	"slices"
	"strings"

	"github.com/topogen/topogen/generators"
)

// RunbookPath is the generated runbook: one section per alert, which the
// alert's runbook_url points at (monitoring.runbookBaseURL + "#" + the
// section's anchor). Publish the file at runbookBaseURL, e.g. the
// repository's rendering of out/prometheus/RUNBOOK.md.
const RunbookPath = Dir + "/RUNBOOK.md"

// runbookAnchor is the section anchor of alert: its name in lower case,
// which is also the id GitHub and most Markdown renderers give the heading
// "## <alert>" (letters and digits only).
func runbookAnchor(alert string) string { return strings.ToLower(alert) }

func (g *gen) runbook(alert string) string {
	return strings.TrimSuffix(g.t.Monitoring.RunbookBaseURL, "/") + "#" + runbookAnchor(alert)
}

// runbookEntry is what a responder needs: what the alert means (beyond its
// description, which the section quotes) and what to do, in order.
type runbookEntry struct {
	means string
	do    []string
}

// runbooks holds every alert's section. TestRunbookCoversEveryAlert fails
// when an alert has none.
var runbooks = map[string]runbookEntry{
	// The sharded mode's routers, balancer and shards (sharded.go).
	"MongosUnavailable": {
		means: "No mongos router of the region is available. The region's applications connect to their own region's routers, so they can neither read nor write any zone; the shards and the config servers are not affected.",
		do: []string{
			"`kubectl -n <namespace> get deploy mongos` and `kubectl -n <namespace> describe pods -l app.kubernetes.io/component=mongos` in the region: pending (no application node), crash-looping (read `kubectl logs <pod> -c mongos`), or failing its readiness probe.",
			"A router that cannot reach the config servers' majority does not start: check MongoDBNoWritablePrimary for the config server set.",
			"Meanwhile applications may connect to another region's mongos (any router serves every zone), at the cross-region round trip.",
		},
	},
	"MongosDegraded": {
		means: "The region runs fewer mongos routers than declared (sharding.mongos.replicas): one more loss leaves its applications without a router.",
		do: []string{
			"Find the missing pods as for MongosUnavailable; a rolling update holds one down by design only for a few minutes.",
		},
	},
	"MongoDBBalancerDisabled": {
		means: "The balancer has been off for an hour. It is what moves chunks into their zones: while it is off, chunks created by splits and inserts stay where they are, and a new or changed zone range is not enforced, so a zone's documents may stay on another zone's shard (outside its regions).",
		do: []string{
			"Through a mongos: `sh.getBalancerState()` and `sh.isBalancerRunning()`; if it was stopped for a maintenance (a backup, a migration), start it again with `sh.startBalancer()`.",
			"After a zone range change, check that no chunk of the zone is on another shard: `db.getSiblingDB(\"config\").chunks.find({uuid: <collection uuid>})` against `config.tags`.",
		},
	},
	"MongoDBShardsMissing": {
		means: "config.shards holds fewer shards than the topology declares: a zone without its shard has nowhere to keep its data (its ranges are assigned to a zone no shard serves), and writes to it fail.",
		do: []string{
			"Run the region's init Job again (it adds each missing shard, its zone, the ranges and the sharded collections, and changes nothing that is in place), then read its log.",
			"`sh.status()` through a mongos lists the shards registered; a shard removed by hand must be re-added with its set's name.",
		},
	},
	"MongoDBShardDraining": {
		means: "A shard is draining (removeShard was run): the balancer moves its chunks to other shards. For a zone's shard those may be outside the zone's regions, which breaks residency.",
		do: []string{
			"`db.getSiblingDB(\"config\").shards.find({draining: true})` through a mongos: which shard.",
			"If it was not intended, stop it before the chunks leave: the removal cannot be cancelled, but the zone's ranges keep its chunks on the zone's other shards only if the zone has one; add one first.",
		},
	},
	"MongoDBMemberUnhealthy": {
		means: "The primary, or most members, cannot reach this member. It serves no reads, does not count for w:majority and cannot become primary.",
		do: []string{
			"`kubectl -n <namespace> get pod <pod> -o wide` in the member's region: is the pod running and ready? Read `kubectl logs <pod> -c mongod`.",
			"If the pod runs but the others see it down, it is partitioned: check the VPC peering, the security groups and the NetworkPolicy, and resolve the member's host from another region.",
			"If many members of one region are down, MongoDBRegionDown fires instead (this alert is inhibited).",
		},
	},
	"MongoDBRegionDown": {
		means: "Every member of the region is unreachable from the primary or from the majority: the region is down or cut off. The set keeps a primary only while the other regions hold a majority of the votes (`topogen explain` lists which losses it survives).",
		do: []string{
			"Check MongoDBNoWritablePrimary: if it fires too, the survivors lack a majority; follow the README's \"Disaster: the regions holding the majority are gone\".",
			"Otherwise writes continue; check the region's cluster (EKS health, nodes, the members' pods) and the inter-region network.",
			"Clients of that region fail over to other regions' members (nearest reads pay the cross-region RTT).",
		},
	},
	"MongoDBMemberStateUnusual": {
		means: "The member stayed 5 minutes in RECOVERING, STARTUP2, ROLLBACK or another state that serves nothing. RECOVERING for long usually means it fell off the oplog (too stale to catch up).",
		do: []string{
			"`rs.status()` on the primary: read the member's `stateStr`, `infoMessage` and `lastHeartbeatMessage`.",
			"STARTUP2 during an initial sync is expected: wait, and watch the lag.",
			"RECOVERING with \"too stale to catch up\": resync it (delete its PVC and pod so it initial-syncs), and consider a bigger `mongodb.oplogSizeMB`.",
		},
	},
	"MongoDBNoWritablePrimary": {
		means: "No member is PRIMARY with a fresh majority commit point: w:majority writes fail or hang. This is the availability SLO's page.",
		do: []string{
			"`rs.status()` on any member: is there a primary? If an election is in progress it resolves within seconds.",
			"No primary and no election: the reachable voters are not a majority. Find which regions are down (MongoDBRegionDown) and whether they return within the RTO; if not, follow the README's forced-reconfig runbook.",
			"A primary whose commit point is stuck: the secondaries cannot acknowledge (network, disk, lag); check MongoDBReplicationLag* and MongoDBMemberPingHigh.",
		},
	},
	"MongoDBMetricsAbsent": {
		means: "No exporter series reach the global Prometheus at all: the monitoring is blind, not necessarily the database down.",
		do: []string{
			"Check the federate-<region> jobs on the global Prometheus (Status → Targets) and the regional Prometheus's exporter targets.",
			"Check the exporter sidecars run with --collector.diagnosticdata and can log in (Secret mongodb-exporter).",
		},
	},
	"MongoDBPrimaryOutsidePreferredRegion": {
		means: "The primary runs outside the preferred region: writes from there pay cross-region latency. The preferred members take it back by priority once healthy and caught up.",
		do: []string{
			"Look for why the preferred region's members are not primary: down, lagging, or a planned move (README \"Planned: make a region preferred\").",
			"If the move was intended, change the regions' priorities in the topology to match.",
		},
	},
	"MongoDBReplicationLagHigh": {
		means: "A secondary is more than half the RPO behind the primary: if the primary is lost now, w:1 writes of that window are lost.",
		do: []string{
			"Check the member's load (CPU, disk IOPS on its volume, WiredTiger cache) and the network to the primary's region (MongoDBMemberPingHigh).",
			"A member catching up after a restart drains the lag by itself; watch it fall.",
		},
	},
	"MongoDBReplicationLagAboveRPO": {
		means: "A secondary is further behind than the RPO: losing the primary now loses more than the RPO of w:1 writes.",
		do: []string{
			"As for MongoDBReplicationLagHigh, urgently; consider holding planned failovers and rollouts until it recovers.",
			"If it keeps growing, the member cannot keep up: resize it or resync it before it falls off the oplog.",
		},
	},
	"MongoDBOplogWindowShorterThanBackupInterval": {
		means: "At the last hour's write rate the oplog holds less time than the interval between base backups: a member down that long needs a full resync.",
		do: []string{
			"Raise `mongodb.oplogSizeMB` (a rolling restart) or take base backups more often (`backup.every`).",
			"Check whether the write rate is expected (a batch job) or a runaway client.",
		},
	},
	"MongoDBFederationDown": {
		means: "The global Prometheus cannot scrape the region's Prometheus: alerts about that region cannot fire (the others of that region are inhibited).",
		do: []string{
			"From the global Prometheus, fetch `http://<region prometheus>/federate?match[]=up`; check DNS, the peering and the regional Prometheus's pods.",
			"While it is down, watch that region directly (its own Prometheus and Alertmanager, if any).",
		},
	},
	"MongoDBConnectionsNearLimit": {
		means: "A mongod uses more than 80 % of the connections it accepts. Beyond the limit new connections are refused, which clients see as errors.",
		do: []string{
			"Find the clients: `db.currentOp(true)` grouped by `client`, or the application pools' sizes (maxPoolSize × instances).",
			"Reduce the pools or the instances; a connection storm after a failover settles within minutes.",
		},
	},
	"MongoDBExporterCannotReachMongod": {
		means: "The exporter sidecar runs but its mongod does not answer ping: the member's own metrics are missing.",
		do: []string{
			"Check the mongod container of that pod (`kubectl logs <pod> -c mongod`), and the exporter's log for TLS or authentication errors.",
		},
	},
	"MongoDBElectionChurn": {
		means: "The set held more elections in an hour than a rollout or a planned move causes: each one stops w:majority writes for about the election timeout.",
		do: []string{
			"`rs.status()` and the mongod logs (\"Starting an election\", \"stepping down\") show which members call elections and why.",
			"Common causes: a primary overloaded enough to miss heartbeats, a flapping link (MongoDBMemberPingHigh), priorities that make members take over from each other.",
		},
	},
	"MongoDBWriteLatencyHigh": {
		means: "Writes on the primary take longer on average than `slo.primaryWrite`, measured inside mongod; clients see their round trip on top.",
		do: []string{
			"Check the primary's disk (IOPS/throughput of its volume), WiredTiger cache pressure and tickets on the dashboard.",
			"Look for slow operations: the profiler (operationProfiling slowOp) and `db.currentOp()`.",
		},
	},
	"MongoDBMemberPingHigh": {
		means: "Heartbeats between two regions take more than twice the expected round trip: the link is congested or traffic takes another path. w:majority writes that wait for that region slow down by as much.",
		do: []string{
			"Compare with the network: VPC peering metrics, an AWS Health event for the regions.",
			"If the primary's majority needs that region, consider moving the primary (README \"Planned: make a region preferred\").",
		},
	},
	"MongoDBBackupFailed": {
		means: "The region's last backup Job failed and nothing succeeded since.",
		do: []string{
			"`kubectl -n <namespace> logs job/<job>`; then `pbm status` and `pbm logs` in a pbm-agent container.",
			"Run a backup by hand: `kubectl create job --from=cronjob/mongodb-backup backup-manual-1`.",
		},
	},
	"MongoDBBackupMissed": {
		means: "The backup CronJob has not succeeded for two intervals (or never since it was created).",
		do: []string{
			"`kubectl get cronjob mongodb-backup -o yaml`: suspended? schedule? `kubectl get jobs` for failed runs; then as for MongoDBBackupFailed.",
		},
	},
	"MongoDBPITRStale": {
		means: "The newest oplog chunk is older than one span plus its upload: a restore now would lose more than the RPO.",
		do: []string{
			"`pbm status` in a pbm-agent container: is PITR enabled and an agent slicing? `pbm logs -e pitr` for errors (storage access, credentials).",
			"Check the bucket's access from the pods (IRSA role mongodb-backup).",
		},
	},
	"MongoDBBaseBackupStale": {
		means: "No base backup finished within `backup.every` plus its time limit: restores need older bases and longer oplog replays.",
		do: []string{
			"`pbm list` and `pbm logs`; then as for MongoDBBackupFailed.",
		},
	},
	"MongoDBPBMAgentDown": {
		means: "A pbm-agent sidecar is down or in error: its member takes no part in backups, and PITR stops if it was the slicer.",
		do: []string{
			"`pbm status` names the agent; `kubectl logs <pod> -c pbm-agent`; restart the pod if the agent is stuck.",
		},
	},
	"MongoDBRestoreRunning": {
		means: "A PBM restore is replacing the data; PITR is off until it ends. Expected during the README's restore runbook, alarming otherwise.",
		do: []string{
			"If nobody started a restore, find the Job (`kubectl get jobs -l app.kubernetes.io/component=backup`) and who created it.",
			"Otherwise follow the restore runbook to its end (new base backup, PITR re-enabled).",
		},
	},
	"MongoDBPBMStatusFailing": {
		means: "The pbm status checks themselves cannot run, so the other PBM alerts are blind.",
		do: []string{
			"`kubectl logs` of the latest mongodb-pbm-status Job's init container: the pbm user, its Secret, or the set unreachable.",
		},
	},
	"MongoDBExportersMissing": {
		means: "Fewer exporter targets answer in the region than it has members: those members' own views are missing, so a partition of them would go unseen.",
		do: []string{
			"On the region's Prometheus: Status → Targets for job mongodb-exporter; is the ServiceMonitor selected (monitoring.selectorLabels)?",
			"`kubectl get pods` in the MongoDB namespace: exporter sidecars running and ready?",
		},
	},
	"MongoDBCertificateRenewalOverdue": {
		means: "A member certificate has less than half its renewal window left: cert-manager has been failing to renew it.",
		do: []string{
			"`kubectl describe certificate <name>` and its CertificateRequest: read the conditions; check the ClusterIssuer and the CA Secret (ExternalSecret mongodb-ca).",
		},
	},
	"MongoDBCertificateExpiring": {
		means: "A member certificate expires within a week; when it does, the region's members fail x509 authentication with their peers and leave the set.",
		do: []string{
			"As for MongoDBCertificateRenewalOverdue, now. Once renewed, the tls-reloader sidecar rotates it into mongod without a restart.",
		},
	},
	"MongoDBDiskUsageHigh": {
		means: "A member's data volume is more than 80 % full.",
		do: []string{
			"Grow the volume: raise `regions.<name>.sizing.storageSize` (the StorageClass allows expansion) and merge; or free space (drop unused collections and indexes, compact).",
		},
	},
	"MongoDBDiskAlmostFull": {
		means: "A member's data volume is more than 90 % full; mongod stops when it cannot write.",
		do: []string{
			"As for MongoDBDiskUsageHigh, now; a full member must be resynced.",
		},
	},
	"MongoDBErrorBudgetBurnFast": {
		means: "The writable-primary SLI has been failing fast enough, over both windows named by `short_window` and `long_window`, to spend the period's error budget early.",
		do: []string{
			"Find the outage behind it: MongoDBNoWritablePrimary (which inhibits this), elections, or a commit point that stopped advancing.",
			"The dashboard's SLO panels show which window and scope burn.",
		},
	},
	"MongoDBErrorBudgetBurnSlow": {
		means: "The SLI fails steadily at a rate that spends the budget before the period ends.",
		do: []string{
			"Look for repeated short outages: MongoDBElectionChurn, restarts, a commit point that lags (MongoDBReplicationLag*).",
		},
	},
	"Watchdog": {
		means: "Always firing, by design: it proves the global Prometheus evaluates rules and Alertmanager delivers. Alertmanager pings the Opsgenie heartbeat with it.",
		do: []string{
			"Nothing while it fires. When the heartbeat alerts in Opsgenie, the global Prometheus, its rules or Alertmanager are down: check them first, every other alert is silent meanwhile.",
		},
	},
}

// runbookDoc renders RUNBOOK.md from the rules: one section per alert, in
// rule order, with its severity, for:, description and the entry.
func (g *gen) runbookDoc(groups []ruleGroup) ([]byte, error) {
	var b strings.Builder
	b.WriteString("<!-- " + generators.Notice + " -->\n")
	fmt.Fprintf(&b, "# Runbook: MongoDB %s alerts\n\n", g.t.Name)
	b.WriteString("One section per alert of the global Prometheus; each alert's `runbook_url` is `monitoring.runbookBaseURL` + `#` + the section's anchor. ")
	b.WriteString("Routing and inhibition: `alertmanager/alertmanager.yml`.\n")
	seen := map[string]bool{}
	for _, grp := range groups {
		for _, r := range grp.Rules {
			if r.Alert == "" || seen[r.Alert] {
				continue
			}
			seen[r.Alert] = true
			e, ok := runbooks[r.Alert]
			if !ok {
				return nil, fmt.Errorf("alert %s has no runbook entry (generators/prometheus/runbook.go)", r.Alert)
			}
			fmt.Fprintf(&b, "\n## %s\n\n", r.Alert)
			meta := "Severity `" + r.Labels["severity"] + "`"
			if r.For != "" {
				meta += ", after `" + r.For + "`"
			}
			fmt.Fprintf(&b, "%s. %s\n\n", meta, r.Annotations["summary"])
			fmt.Fprintf(&b, "**Means.** %s\n\n", e.means)
			fmt.Fprintf(&b, "> %s\n\n", r.Annotations["description"])
			b.WriteString("**Do.**\n\n")
			for i, d := range e.do {
				fmt.Fprintf(&b, "%d. %s\n", i+1, d)
			}
		}
	}
	// Entries for alerts this topology does not generate (a single region
	// has no cross-region ping) are fine; entries for no alert at all are
	// stale.
	for name := range runbooks {
		if !seen[name] && !slices.Contains(optionalAlerts, name) {
			return nil, fmt.Errorf("runbook entry %s names no alert", name)
		}
	}
	return []byte(b.String()), nil
}

// optionalAlerts are generated only for some topologies.
var optionalAlerts = []string{"MongoDBMemberPingHigh",
	// The sharded mode's (sharded.go).
	"MongosUnavailable", "MongosDegraded", "MongoDBBalancerDisabled", "MongoDBShardsMissing", "MongoDBShardDraining"}
