package kubernetes

import (
	"strconv"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

const statusDir = "/status"

// pbmChecks are the status pod's check containers and the check.sh
// argument each runs.
var pbmChecks = []struct{ container, check string }{
	{names.PBMCheckPITR, "pitr"},
	{names.PBMCheckAgents, "agents"},
	{names.PBMCheckBackup, "backup"},
	{names.PBMCheckRestore, "restore"},
}

// buildPBMStatus: how PBM's state reaches Prometheus. PBM exposes it
// through `pbm status --out json` only, no metrics endpoint; the images
// the tree already pulls have no Pushgateway or textfile exporter. So a
// CronJob in the preferred region runs every minute: an init container
// saves pbm status, then one container per condition (jq in the PBM
// image) exits 1 when it fails. kube-state-metrics, which the backup
// alerts already read, reports each container's termination reason
// (kube_pod_container_status_terminated_reason{reason="Error"}); finished
// Jobs are deleted after two minutes, so only recent results are reported.
func buildPBMStatus(t *model.Topology, r model.Region) object {
	base := pbmPodSpec(t, r, names.PBMStatusInit, "status.sh", []corev1.EnvVar{{Name: "PBM_STATUS_FILE", Value: statusDir + "/status.json"}})
	status := base.Containers[0]
	status.VolumeMounts = append(status.VolumeMounts, corev1.VolumeMount{Name: "status", MountPath: statusDir})
	mode := int32(0o555)
	checkEnv := []corev1.EnvVar{
		{Name: "PBM_STATUS_FILE", Value: statusDir + "/status.json"},
		{Name: "PITR_STALE_SECONDS", Value: strconv.Itoa(int(t.PITRStaleAfter().Seconds()))},
		{Name: "BACKUP_STALE_SECONDS", Value: strconv.Itoa(int(t.BaseBackupStaleAfter().Seconds()))},
	}
	var checks []corev1.Container
	for _, c := range pbmChecks {
		checks = append(checks, corev1.Container{
			Name:      c.container,
			Image:     t.Backup.Image,
			Command:   []string{"sh", pbmScriptsDir + "/check.sh", c.check},
			Env:       checkEnv,
			Resources: requestsLimit("10m", "16Mi", "64Mi"),
			VolumeMounts: []corev1.VolumeMount{
				{Name: "status", MountPath: statusDir, ReadOnly: true},
				{Name: "check", MountPath: pbmScriptsDir, ReadOnly: true},
			},
			SecurityContext: restrictedContainer(),
		})
	}
	spec := base
	spec.InitContainers = []corev1.Container{status}
	spec.Containers = checks
	spec.Volumes = append(spec.Volumes,
		corev1.Volume{Name: "status", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
		corev1.Volume{Name: "check", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
			LocalObjectReference: corev1.LocalObjectReference{Name: names.PBMConfigMap},
			Items:                []corev1.KeyToPath{{Key: "check.sh", Path: "check.sh"}},
			DefaultMode:          &mode,
		}}},
	)
	backoff, deadline, ttl, starting := int32(0), int64(50), int32(120), int64(30)
	cj := cronJob(t, names.PBMStatusCronJob, componentPBM, "* * * * *", 1, batchv1.JobSpec{
		BackoffLimit:            &backoff,
		ActiveDeadlineSeconds:   &deadline,
		TTLSecondsAfterFinished: &ttl,
		Template:                clientPod(componentPBM, spec),
	})
	cj.Spec.StartingDeadlineSeconds = &starting
	return object{kind: "CronJob", name: names.PBMStatusCronJob, v: cj}
}
