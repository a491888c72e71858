package kubernetes

import (
	"strconv"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// neverSchedule is a valid schedule for the suspended templates (Feb 30th);
// suspend: true already keeps the controller from starting them.
const neverSchedule = "0 0 30 2 *"

// RestoreTimeConfigMap is the ConfigMap an operator creates to name the
// restore time (key "time"); not generated, so GitOps never reverts it.
const RestoreTimeConfigMap = "mongodb-pbm-restore-time"

// RestoreWait bounds a restore: a logical restore re-inserts every
// document and rebuilds every index, which for the region's storage size
// at a conservative 50 MB/s takes about storage/50 MB/s; at least 2 h.
func RestoreWait(t *model.Topology, r model.Region) time.Duration {
	size, err := model.ParseQuantity(r.Sizing.StorageSize)
	if err != nil || size <= 0 {
		return 2 * time.Hour
	}
	d := time.Duration(float64(size)/50e6) * time.Second
	d = d.Round(time.Hour) + time.Hour
	return max(d, 2*time.Hour)
}

// suspendedTemplate is a CronJob that never runs by itself: an operator
// starts it with `kubectl create job --from=cronjob/<name> <job>`. A
// template in the tree (not a file to copy) is synced, validated and runs
// with the same identity and scripts as the scheduled Jobs.
func suspendedTemplate(t *model.Topology, r model.Region, name, container, script string, deadline time.Duration, env []corev1.EnvVar) object {
	yes := true
	backoff := int32(0)
	secs := int64(deadline.Seconds())
	cj := cronJob(t, name, componentPBM, neverSchedule, 3, batchv1.JobSpec{
		// Never retried by Kubernetes: a restore or a storage switch is
		// re-run by the operator after reading why it failed.
		BackoffLimit:          &backoff,
		ActiveDeadlineSeconds: &secs,
		Template:              clientPod(componentPBM, pbmPodSpec(t, r, container, script, env)),
	})
	cj.Spec.Suspend = &yes
	return object{kind: "CronJob", name: name, v: cj}
}

// buildPBMRestore is the point-in-time restore template (README runbook).
// The time comes from the optional ConfigMap RestoreTimeConfigMap; the
// script refuses to start without it.
func buildPBMRestore(t *model.Topology, r model.Region) object {
	optional := true
	wait := RestoreWait(t, r)
	env := append(pbmBackupEnv(t),
		corev1.EnvVar{Name: "RESTORE_TIME", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: RestoreTimeConfigMap}, Key: "time", Optional: &optional,
		}}},
		corev1.EnvVar{Name: "PBM_WAIT_TIME", Value: wait.String()},
		corev1.EnvVar{Name: "PBM_PITR", Value: strconv.FormatBool(t.Backup.PITR)},
	)
	// The Job outlives the restore's wait by the new base backup's.
	return suspendedTemplate(t, r, names.PBMRestoreCronJob, "pbm-restore", "restore.sh", 2*wait+10*time.Minute, env)
}

// buildPBMFailover points PBM at the replica bucket (runbook: the storage
// region is lost). PBM 2.x keeps oplog chunks on the main storage only
// (external storage profiles, pbm profile add, hold base backups only), so
// the switch replaces the main storage: pbm config --file with the
// replica's configuration, which resyncs the backup list from that bucket.
func buildPBMFailover(t *model.Topology, r model.Region) object {
	env := []corev1.EnvVar{
		{Name: "PBM_CONFIG_FILE", Value: pbmDir + "/" + pbmFailoverKey},
		{Name: "PBM_WAIT_TIME", Value: pbmConfigWait.String()},
	}
	return suspendedTemplate(t, r, names.PBMFailoverCronJob, "pbm-storage-failover", "config.sh", pbmConfigWait+5*time.Minute, env)
}
