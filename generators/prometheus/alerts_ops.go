package prometheus

import (
	"fmt"
	"time"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// Federation, connections and backups: the alerts on what runs around the
// replica set.

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
