package prometheus

import (
	"fmt"

	"github.com/topogen/topogen/generators/names"
)

// The panels an operator opens first, per member, filtered by the
// dashboard's region and member variables. Member series are the
// exporter's, federated raw (GlobalExporterMetrics): a member is its pod
// (the pod label prometheus-operator sets on the exporter sidecar's
// series), and member_idx-labelled series (the set as one member sees it)
// match the pod's host name, "<pod>.<region zone>:<port>".
//
// Exporter 0.53.0 names (exporter/metrics.go): serverStatus → ss_,
// serverStatus.wiredTiger → ss_wt_, serverStatus.queues.execution (7.0+
// tickets) → ss_wt_concurrentTransactions_ with the specialConversions'
// txn_rw label; nodeToPDMetrics labels opcounters (legacy_op_type),
// opLatencies (op_type) and globalLock.currentQueue (count_type).

// dashboardExporterMetrics are the raw exporter series only the dashboard
// reads; federation brings them (GlobalExporterMetrics).
var dashboardExporterMetrics = []string{
	"mongodb_ss_opcounters",
	"mongodb_ss_wt_cache_bytes_currently_in_the_cache",
	"mongodb_ss_wt_cache_maximum_bytes_configured",
	"mongodb_ss_wt_concurrentTransactions_out",
	"mongodb_ss_wt_concurrentTransactions_totalTickets",
	"mongodb_ss_globalLock_currentQueue",
}

// templateVars: the datasource, then region and member (multi-select, All
// by default), each from the exporter's own series.
func (g *gen) templateVars() []tplVar {
	ds := datasource
	q := func(name, label, query string) tplVar {
		return tplVar{Name: name, Label: label, Type: "query", Query: query, Definition: query, Datasource: &ds,
			Refresh: 2, IncludeAll: true, Multi: true, AllValue: ".*", Sort: 1}
	}
	return []tplVar{
		{Name: "datasource", Label: "Prometheus", Type: "datasource", Query: "prometheus"},
		q("region", "Region", fmt.Sprintf(`label_values(mongodb_up{job=%q}, %s)`, names.ExporterJob, names.SeriesRegionLabel)),
		q("member", "Member", fmt.Sprintf(`label_values(mongodb_up{job=%q,%s=~"$region"}, pod)`, names.ExporterJob, names.SeriesRegionLabel)),
	}
}

// memberSel selects metric for the chosen regions and members.
func memberSel(metric string, extra ...string) string {
	s := fmt.Sprintf(`%s{job=%q,%s=~"$region",pod=~"$member"`, metric, names.ExporterJob, names.SeriesRegionLabel)
	for _, e := range extra {
		s += "," + e
	}
	return s + "}"
}

func (g *gen) operatorPanels() []panelSpec {
	t := g.t
	target := float64(t.SLO.PrimaryWrite.Microseconds()) / 1000
	rate := func(m string, extra ...string) string {
		return fmt.Sprintf("rate(%s[$__rate_interval])", memberSel(m, extra...))
	}
	pvc := fmt.Sprintf(`namespace=%q,persistentvolumeclaim=~"%s-(${member:regex})"`, t.Kubernetes.Namespace, names.DataVolume)
	return []panelSpec{
		{typ: "timeseries", title: "Operations by member", unit: "ops", min: ptr(0),
			description: "serverStatus.opcounters per second (insert, query, update, delete, getmore, command).",
			exprs:       [][2]string{{"sum by (pod, legacy_op_type) (" + rate("mongodb_ss_opcounters") + ")", "{{pod}} {{legacy_op_type}}"}}},
		{typ: "timeseries", title: "Mean operation latency", unit: "ms", min: ptr(0),
			description: fmt.Sprintf("serverStatus.opLatencies: time inside mongod per operation, by type; slo.primaryWrite is %s (MongoDBWriteLatencyHigh).", promDuration(t.SLO.PrimaryWrite)),
			exprs: [][2]string{{fmt.Sprintf("sum by (pod, op_type) (%s)\n/\nsum by (pod, op_type) (%s)\n/ 1000",
				rate("mongodb_ss_opLatencies_latency", `op_type=~"reads|writes|commands"`), rate("mongodb_ss_opLatencies_ops", `op_type=~"reads|writes|commands"`)), "{{pod}} {{op_type}}"}},
			th: ladder("green", target, "red")},
		{typ: "timeseries", title: "WiredTiger cache fill", unit: "percentunit", min: ptr(0),
			description: "Bytes in the WiredTiger cache / its configured maximum (cacheSizeGB); eviction works hard above 80 %, application threads help above 95 %.",
			exprs: [][2]string{{fmt.Sprintf("max by (pod) (%s)\n/\nmax by (pod) (%s)",
				memberSel("mongodb_ss_wt_cache_bytes_currently_in_the_cache"), memberSel("mongodb_ss_wt_cache_maximum_bytes_configured")), "{{pod}}"}},
			th: ladder("green", 0.8, "orange", 0.95, "red")},
		{typ: "timeseries", title: "Execution tickets in use", unit: "percentunit", min: ptr(0),
			description: "Read and write tickets out / total (serverStatus.queues.execution, wiredTiger.concurrentTransactions before 7.0): at 100 % operations queue.",
			exprs: [][2]string{{fmt.Sprintf("max by (pod, txn_rw) (%s)\n/\nmax by (pod, txn_rw) (%s)",
				memberSel("mongodb_ss_wt_concurrentTransactions_out"), memberSel("mongodb_ss_wt_concurrentTransactions_totalTickets")), "{{pod}} {{txn_rw}}"}},
			th: ladder("green", 0.9, "red")},
		{typ: "timeseries", title: "Queued operations", unit: "short", min: ptr(0),
			description: "serverStatus.globalLock.currentQueue: operations waiting for a lock or a ticket.",
			exprs:       [][2]string{{"max by (pod, count_type) (" + memberSel("mongodb_ss_globalLock_currentQueue", `count_type=~"readers|writers"`) + ")", "{{pod}} {{count_type}}"}}},
		{typ: "timeseries", title: fmt.Sprintf("Elections (last %s)", promDuration(electionChurnWindow)), unit: "short", min: ptr(0),
			description: fmt.Sprintf("Increase of the replica-set term over %s: every election starts a term. MongoDBElectionChurn fires above %d.", promDuration(electionChurnWindow), electionChurnMax),
			exprs: [][2]string{{fmt.Sprintf("max by (rs_nm) (max_over_time(%[1]s[%[2]s]) - min_over_time(%[1]s[%[2]s]))",
				fmt.Sprintf(`mongodb_rs_term{job=%q}`, names.ExporterJob), promDuration(electionChurnWindow)), "{{rs_nm}}"}},
			th: ladder("green", float64(electionChurnMax)+1, "red")},
		{typ: "timeseries", title: "Heartbeat round trip to members", unit: "ms", min: ptr(0),
			description: "replSetGetStatus.members[].pingMs from the chosen regions' members to every other member; MongoDBMemberPingHigh fires above twice the expected inter-region RTT + 10 ms.",
			exprs: [][2]string{{fmt.Sprintf(`max by (%s, member_idx) (mongodb_rs_members_pingMs{job=%q,%s=~"$region"})`,
				names.SeriesRegionLabel, names.ExporterJob, names.SeriesRegionLabel), "{{region}} → {{member_idx}}"}}},
		{typ: "timeseries", title: "Data volume usage", unit: "percentunit", min: ptr(0),
			description: fmt.Sprintf("kubelet volume stats of each member's data volume; alerts at %s and %s.", fmtFloat(diskWarnRatio), fmtFloat(diskCriticalRatio)),
			exprs: [][2]string{{fmt.Sprintf("max by (%[1]s, persistentvolumeclaim) (%[2]s{%[1]s=~\"$region\",%[4]s})\n/\nmax by (%[1]s, persistentvolumeclaim) (%[3]s{%[1]s=~\"$region\",%[4]s})",
				names.SeriesRegionLabel, volumeUsedMetric, volumeCapacityMetric, pvc), "{{persistentvolumeclaim}}"}},
			th: ladder("green", diskWarnRatio, "orange", diskCriticalRatio, "red")},
	}
}
