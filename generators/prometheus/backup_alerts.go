package prometheus

import (
	"fmt"
	"time"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// PBM's state reaches Prometheus through kube-state-metrics: PBM has no
// metrics endpoint (its status is `pbm status --out json`), so the
// preferred region's mongodb-pbm-status CronJob runs every minute one
// container per condition, each exiting 1 when it fails
// (generators/kubernetes pbmstatus.go, check.sh), and kube-state-metrics
// reports each finished container's reason
// (kube_pod_container_status_terminated_reason{reason="Error"|"Completed"},
// docs/pod-metrics.md, STABLE). Finished Jobs are deleted two minutes
// after they end, so a condition that stops failing stops being reported.

// pbmKubeStateMetrics are the kube-state-metrics series the PBM alerts
// read; the federation jobs select them too.
var pbmKubeStateMetrics = []string{
	"kube_pod_container_status_terminated_reason",
	"kube_pod_init_container_status_terminated_reason",
}

// pbmAlertGroup is the mongodb-pbm group: the backups' own conditions.
func (g *gen) pbmAlertGroup() (ruleGroup, []testCase) {
	pods := fmt.Sprintf(`%s,pod=~%q`, g.ksm, names.PBMStatusCronJob+"-.+")
	failing := func(container string) string {
		return fmt.Sprintf(`max by (region, namespace) (kube_pod_container_status_terminated_reason{%s,container=%q,reason="Error"}) == 1`, pods, container)
	}
	t := g.t
	pitr := alert{
		name:     "MongoDBPITRStale",
		severity: critical,
		forDur:   2 * time.Minute,
		expr:     failing(names.PBMCheckPITR),
		summary:  "MongoDB point-in-time recovery is behind the RPO",
		description: fmt.Sprintf("The newest PBM oplog chunk is older than %s (one %s span plus %s upload, slo.rpo %s): a restore now would lose more than the RPO. "+
			"See the %s Job's %s log and `pbm status`, `pbm logs`.",
			promDuration(t.PITRStaleAfter()), promDuration(t.PITRSpan()), promDuration(model.PITRUploadAllowance), promDuration(t.SLO.RPO),
			names.PBMStatusCronJob, names.PBMCheckPITR),
	}
	if !t.Backup.PITR {
		pitr.severity = info
		pitr.description = "PITR is off (backup.pitr): " + pitr.description
	}
	base := alert{
		name:     "MongoDBBaseBackupStale",
		severity: critical,
		forDur:   5 * time.Minute,
		expr:     failing(names.PBMCheckBackup),
		summary:  "No PBM base backup finished in time",
		description: fmt.Sprintf("The newest done PBM base backup is older than %s (backup.every %s plus the %s a backup may run): "+
			"a restore replays ever more oplog, and PITR needs a base backup to resume after a gap. See the %s CronJob's Jobs.",
			promDuration(t.BaseBackupStaleAfter()), promDuration(t.Backup.Every), promDuration(t.BackupWait()), names.BackupCronJob),
	}
	agents := alert{
		name:     "MongoDBPBMAgentDown",
		severity: critical,
		forDur:   5 * time.Minute,
		expr:     failing(names.PBMCheckAgents),
		summary:  "A pbm-agent is down or in error",
		description: fmt.Sprintf("pbm status reports a %s sidecar not OK (the %s log names the member): its member takes no part in backups, "+
			"PITR may stop if it is the slicing one, and a restore cannot complete there.", names.PBMAgentContainer, names.PBMCheckAgents),
	}
	restore := alert{
		name:     "MongoDBRestoreRunning",
		severity: warning,
		expr:     failing(names.PBMCheckRestore),
		summary:  "A PBM restore is running",
		description: "pbm status reports a restore in progress: the data is being replaced and PITR is off until it ends. " +
			"Applications must not write (README runbook).",
	}
	statusFailed := alert{
		name:     "MongoDBPBMStatusFailing",
		severity: warning,
		forDur:   10 * time.Minute,
		expr: fmt.Sprintf(`max by (region, namespace) (kube_pod_init_container_status_terminated_reason{%s,container=%q,reason="Error"}) == 1`,
			pods, names.PBMStatusInit),
		summary:     "pbm status fails: the backup alerts are blind",
		description: fmt.Sprintf("The %s Jobs cannot read pbm status (the pbm user, the Secret or the set unreachable), so none of the PBM conditions is checked.", names.PBMStatusCronJob),
	}

	pref := t.Preferred()
	ksm := labelSet{{"job", KubeStateMetricsJob}, {"instance", "kube-state-metrics:8080"}, {"namespace", t.Kubernetes.Namespace}, {names.SeriesRegionLabel, pref.Name}}
	// Two pods a minute apart, as the CronJob makes them; values per minute.
	reason := func(init bool, container, pod, why, values string) inputSeries {
		name := "kube_pod_container_status_terminated_reason"
		if init {
			name = "kube_pod_init_container_status_terminated_reason"
		}
		return inputSeries{Series: series(name, ksm.with("pod", pod, "container", container, "reason", why, "uid", pod)), Values: values}
	}
	podA, podB := names.PBMStatusCronJob+"-29000000-abcde", names.PBMStatusCronJob+"-29000001-fghij"
	out := labelSet{{names.SeriesRegionLabel, pref.Name}, {"namespace", t.Kubernetes.Namespace}}
	var tests []testCase
	for _, a := range []struct {
		alert     alert
		container string
		init      bool
	}{{pitr, names.PBMCheckPITR, false}, {base, names.PBMCheckBackup, false}, {agents, names.PBMCheckAgents, false}, {restore, names.PBMCheckRestore, false}, {statusFailed, names.PBMStatusInit, true}} {
		n := int((a.alert.forDur+5*step)/step) + 1
		failingIn := []inputSeries{
			reason(a.init, a.container, podA, "Error", constant(1, n)),
			reason(a.init, a.container, podB, "Error", fmt.Sprintf("_ %s", constant(1, n-1))),
		}
		tests = append(tests, testCase{
			Name:           fmt.Sprintf("%s fails in every status Job: %s", a.container, a.alert.name),
			Interval:       at(step),
			InputSeries:    failingIn,
			AlertRuleTests: pendingThenFiring(a.alert, g.expect(a.alert, out, 1)),
		}, testCase{
			Name:     fmt.Sprintf("%s completes: no %s", a.container, a.alert.name),
			Interval: at(step),
			InputSeries: []inputSeries{
				reason(a.init, a.container, podA, "Completed", constant(1, n)),
				reason(a.init, a.container, podA, "Error", constant(0, n)),
			},
			AlertRuleTests: []alertTest{{EvalTime: at(a.alert.forDur + step), Alertname: a.alert.name}},
		})
	}
	return ruleGroup{Name: "mongodb-pbm", Rules: []rule{g.rule(pitr), g.rule(base), g.rule(agents), g.rule(restore), g.rule(statusFailed)}}, tests
}

// pendingThenFiring: not firing just before for: has elapsed (when it has
// a for:), firing one step after.
func pendingThenFiring(a alert, want expAlert) []alertTest {
	var ts []alertTest
	if a.forDur > 0 {
		ts = append(ts, alertTest{EvalTime: at(a.forDur - step/2), Alertname: a.name})
	}
	return append(ts, alertTest{EvalTime: at(a.forDur + step), Alertname: a.name, ExpAlerts: []expAlert{want}})
}
