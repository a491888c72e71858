package names

// ExporterCollectors are the Percona mongodb_exporter collectors every
// sidecar runs (the Kubernetes target's args) and the only ones whose
// series the Prometheus target's rules read (mongodb-facts.md §5): getDiagnosticData
// (mongodb_rs_*, mongodb_ss_*) and dbStats (mongodb_dbstats_*). Not
// --collector.replicasetstatus: it renders replSetGetStatus with an empty
// prefix (exporter/replset_status_collector.go, makeMetrics("")) as
// mongodb_members_* duplicates of the mongodb_rs_members_* series
// diagnosticdata already emits (prefix "rs", exporter/metrics.go).
var ExporterCollectors = []string{"--collector.diagnosticdata", "--collector.dbstats"}
