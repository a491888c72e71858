// Package prometheus renders the monitoring of the replica set: the global
// Prometheus's federation config, alerting, recording and SLO rules with
// their promtool unit tests, the regional PrometheusRule, and a Grafana
// dashboard. Every metric name is one the current Percona mongodb_exporter
// emits natively with the collectors every sidecar runs
// (names.ExporterCollectors: diagnosticdata and dbstats; mongodb-facts.md
// §5), or a kube-state-metrics series.
package prometheus

import (
	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/model"
)

// Paths relative to the output directory.
const (
	Dir           = "prometheus"
	ConfigPath    = Dir + "/prometheus.yml"
	RulesDir      = "rules"
	TestsDir      = "tests"
	AlertsFile    = "mongodb-alerts.yml"
	RecordingFile = "mongodb-recording.yml"
	SLOFile       = "slo-" + sloName + ".yml"
	DashboardPath = "grafana/mongodb-overview.json"
)

const header = generators.YAMLHeader

// Generate renders out/prometheus/ and out/grafana/.
func Generate(t *model.Topology) ([]generators.File, error) {
	if t.Sharding != nil {
		return generateSharded(t)
	}
	g := newGen(t)
	alerts, alertTests := g.alertGroup()
	pbm, pbmTests := g.pbmAlertGroup() // backup_alerts.go
	sloGroups := g.sloGroups()
	ruleFiles := []ruleFileSpec{
		{AlertsFile, alertsDoc, []ruleGroup{alerts, pbm}, append(alertTests, pbmTests...)},
		{RecordingFile, recordingDoc, []ruleGroup{g.recordingGroup()}, g.recordingTests()},
		{SLOFile, g.sloDoc(), sloGroups, g.sloTests()},
	}
	return g.render(ruleFiles, append([]ruleGroup{alerts, pbm}, sloGroups...))
}

// ruleFileSpec is one rule file with its promtool tests.
type ruleFileSpec struct {
	name, doc string
	groups    []ruleGroup
	tests     []testCase
}

// render writes the rule files and their tests, the runbook (of the
// alerts in runbookGroups), the global Prometheus's configuration, the
// Alertmanager routing and the dashboard.
func (g *gen) render(ruleFiles []ruleFileSpec, runbookGroups []ruleGroup) ([]generators.File, error) {
	var files []generators.File
	add := func(path string, data []byte, err error) error {
		if err != nil {
			return err
		}
		files = append(files, generators.File{Path: path, Data: data})
		return nil
	}
	for _, rf := range ruleFiles {
		lb, err := checkGroups(rf.name, rf.groups)
		if err != nil {
			return nil, err
		}
		if rf.name != RecordingFile { // evaluated by the regional Prometheus
			g.lookback = max(g.lookback, lb)
		}
		if err := checkTests(rf.name, rf.tests); err != nil {
			return nil, err
		}
		data, err := marshalYAML(header+comment(rf.doc), ruleFile{Groups: rf.groups})
		if err := add(Dir+"/"+RulesDir+"/"+rf.name, data, err); err != nil {
			return nil, err
		}
		tf := testFile{
			RuleFiles:          []string{"../" + RulesDir + "/" + rf.name},
			EvaluationInterval: at(step),
			Tests:              rf.tests,
		}
		data, err = marshalYAML(header+comment("promtool test rules "+rf.name+": synthetic series for every rule."), tf)
		if err := add(Dir+"/"+TestsDir+"/"+rf.name, data, err); err != nil {
			return nil, err
		}
	}
	rb, err := g.runbookDoc(runbookGroups)
	if err := add(RunbookPath, rb, err); err != nil {
		return nil, err
	}
	cfg, err := g.config()
	if err := add(ConfigPath, cfg, err); err != nil {
		return nil, err
	}
	if err := add(Dir+"/"+ArgsFile, g.args(), nil); err != nil {
		return nil, err
	}
	tr := g.amTree()
	am, err := g.alertmanagerYAML(tr)
	if err := add(AlertmanagerPath, am, err); err != nil {
		return nil, err
	}
	amc, err := g.alertmanagerConfig(tr)
	if err := add(AlertmanagerConfigPath, amc, err); err != nil {
		return nil, err
	}
	dash, err := g.dashboard()
	if err := add(DashboardPath, dash, err); err != nil {
		return nil, err
	}
	return files, nil
}

const alertsDoc = `Alerts of the global Prometheus, on the federated exporter
(job="mongodb-exporter") and kube-state-metrics series. Every exporter
reports every member, so member-level rules dedupe with max by (rs_nm,
member_idx); member_region comes from the member's host name.
Exporter flags: --collector.diagnosticdata --collector.dbstats
(mongodb-facts.md §5). Every alert carries namespace and severity, which
alertmanager/alertmanager.yml routes on; RUNBOOK.md has a section for each.`

const recordingDoc = `Region-scoped recordings. Evaluated by each REGIONAL Prometheus (the
PrometheusRule mongodb-recording in out/kubernetes/<region>/ carries this
group); the global Prometheus federates them ({__name__=~"mongodb:.*"}) for
the dashboard and must not load this file. "region" is the region whose
exporters observed the series, "member_region" the member's own.`

func (g *gen) sloDoc() string {
	return `SLO ` + sloName + ` (` + fmtFloat(g.t.SLO.Availability) + `% over ` + promDuration(g.t.SLO.Period) + `), multiwindow multi-burn-rate.
SLI: member availability. A member is available while at least one exporter
reports it healthy (max of mongodb_rs_members_health by rs_nm, member_idx).
Per region: available members / the region's members in the topology;
global: over all members. Error ratio over a window = 1 - the average
availability over that window (slo:sli_error:ratio_rate<window>{slo,scope,region}).
Page: (5m and 1h) or (30m and 6h) above ` + fmtFloat(pageLegs[0].factor(g.t.SLO.Period)) + `x / ` + fmtFloat(pageLegs[1].factor(g.t.SLO.Period)) + `x the budget;
ticket: (2h and 1d) or (6h and 3d) above ` + fmtFloat(ticketLegs[0].factor(g.t.SLO.Period)) + `x / ` + fmtFloat(ticketLegs[1].factor(g.t.SLO.Period)) + `x (slo-rule-generators.md §6).`
}
