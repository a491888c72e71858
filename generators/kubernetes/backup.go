package kubernetes

import (
	"strconv"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

const componentBackup = "backup"

// caOnlyVolume projects only ca.crt of the member TLS Secret: clients verify
// members and authenticate with SCRAM (mongod.conf allows connections
// without a client certificate), so they never see a member key.
func caOnlyVolume(t *model.Topology, r model.Region) corev1.Volume {
	mode := int32(0o444)
	return corev1.Volume{Name: "tls", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
		SecretName: tlsSecret(t, r), DefaultMode: &mode,
		Items: []corev1.KeyToPath{{Key: "ca.crt", Path: "ca.crt"}},
	}}}
}

// pbmBackupEnv is what backup.sh (and restore.sh's new base backup) reads.
func pbmBackupEnv(t *model.Topology) []corev1.EnvVar {
	return []corev1.EnvVar{
		{Name: "PBM_BACKUP_TYPE", Value: t.Backup.Type},
		{Name: "PBM_COMPRESSION", Value: t.Backup.Compression},
	}
}

// buildBackupCronJob runs the base backups of the whole set, in the
// preferred region only: PBM backs up a replica set once, from the member
// its priorities choose (a secondary by default), whichever region the
// command comes from; three regions would start three backups. The mongodump
// CronJob it replaces dumped 1 Ti through a FIFO in every region at the same
// minute, and a restore lost up to `every` of writes; PITR bounds that by the
// RPO, base backups only bound how much oplog a restore replays.
func buildBackupCronJob(t *model.Topology, r model.Region) object {
	// A stuck run is killed before the next one is due (Forbid would skip it).
	deadline := int64((t.Backup.Every - 5*time.Minute).Seconds())
	starting := int64(600)
	backoff := int32(0)
	utc := "Etc/UTC"
	env := append(pbmBackupEnv(t),
		corev1.EnvVar{Name: "PBM_WAIT_TIME", Value: t.BackupWait().String()},
		corev1.EnvVar{Name: "PBM_RETENTION_DAYS", Value: strconv.Itoa(t.Backup.RetentionDays)},
	)
	cj := cronJob(t, names.BackupCronJob, componentBackup, t.Backup.Schedule, 3, batchv1.JobSpec{
		// No retry: a second pbm backup right after a failed one fails the
		// same way; the next schedule retries.
		BackoffLimit:          &backoff,
		ActiveDeadlineSeconds: &deadline,
		Template:              clientPod(componentBackup, pbmPodSpec(t, r, "pbm-backup", "backup.sh", env)),
	})
	cj.Spec.TimeZone = &utc
	cj.Spec.StartingDeadlineSeconds = &starting
	return object{kind: "CronJob", name: names.BackupCronJob, v: cj}
}
