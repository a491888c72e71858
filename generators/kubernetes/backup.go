package kubernetes

import (
	"fmt"
	"strings"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/schema"
)

// AWSCLIImage uploads the dump. The mongo image ships mongodump but no AWS
// CLI, the AWS CLI image no mongodump: two containers of one pod stream
// through a FIFO in a shared emptyDir, so the dump never lands on disk.
const AWSCLIImage = "amazon/aws-cli:2.17.0"

const (
	componentBackup = "backup"
	backupDir       = "/backup"
	backupFIFO      = backupDir + "/dump.fifo"
	backupRC        = backupDir + "/dump.rc"
)

// caOnlyVolume projects only ca.crt of the member TLS Secret: clients verify
// members and authenticate with SCRAM (mongod.conf allows connections
// without a client certificate), so they never see a member key.
func caOnlyVolume(t *schema.Topology, r schema.Region) corev1.Volume {
	mode := int32(0o444)
	return corev1.Volume{Name: "tls", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
		SecretName: tlsSecret(t, r), DefaultMode: &mode,
		Items: []corev1.KeyToPath{{Key: "ca.crt", Path: "ca.crt"}},
	}}}
}

// backupURI reads from a secondary of the own region when one is up, any
// member otherwise (secondaryPreferred also works with a single member).
func backupURI(t *schema.Topology, r schema.Region) string {
	q := []string{
		"replicaSet=" + t.ReplicaSet.Name,
		"tls=true",
		"tlsCAFile=" + caFile,
		"authSource=admin",
		"readPreference=secondaryPreferred",
		"readPreferenceTags=region:" + r.Name,
		"readPreferenceTags=",
	}
	return "mongodb://" + strings.Join(hostPorts(t, r.Name), ",") + "/?" + strings.Join(q, "&")
}

func buildBackupCronJob(t *schema.Topology, r schema.Region) (object, error) {
	size, err := schema.ParseQuantity(r.Sizing.StorageSize)
	if err != nil {
		return object{}, fmt.Errorf("region %s: sizing.storageSize: %w", r.Name, err)
	}
	bucket := names.BackupBucket(t, r)
	// mongodump's exit status reaches the uploader through a file: a failed
	// dump deletes the partial object and fails the Job, so the bucket
	// only holds complete archives (retention: the bucket's lifecycle rule).
	dump := fmt.Sprintf(`mongodump --uri "$MONGODB_URI" --username "$MONGODB_USERNAME" --password "$MONGODB_PASSWORD" --oplog --gzip --archive=%s
rc=$?
echo "$rc" > %s
exit "$rc"
`, backupFIFO, backupRC)
	// aws s3 cp - streams stdin as a multipart upload; --expected-size
	// (the volume size, an upper bound) sizes the parts for dumps > 50 GB.
	upload := fmt.Sprintf(`set -eu
key="s3://%s/%s/$(date -u +%%Y%%m%%dT%%H%%M%%SZ).archive.gz"
aws s3 cp --only-show-errors --expected-size %d - "$key" < %s
while [ ! -f %s ]; do sleep 1; done
if [ "$(cat %s)" != 0 ]; then
  aws s3 rm --only-show-errors "$key"
  echo "mongodump failed; removed $key" >&2
  exit 1
fi
echo "uploaded $key"
`, bucket, r.Name, int64(size), backupFIFO, backupRC, backupRC)

	mounts := []corev1.VolumeMount{{Name: "backup", MountPath: backupDir}, {Name: "tmp", MountPath: tmpDir}}
	tlsMount := corev1.VolumeMount{Name: "tls", MountPath: tlsDir, ReadOnly: true}
	home := corev1.EnvVar{Name: "HOME", Value: tmpDir}
	small := requestsLimit("10m", "16Mi", "64Mi")
	work := requestsLimit("500m", "512Mi", "2Gi")

	period := t.Backup.Every
	// A stuck run is killed before the next one is due (Forbid would skip it).
	deadline := int64((period - 5*time.Minute).Seconds())
	starting := int64(600)
	backoff, keepOK, keepFailed := int32(2), int32(3), int32(3)
	utc := "Etc/UTC"
	podLabels := map[string]string{labelComponent: componentBackup, clientLabel: "true"}

	cj := batchv1.CronJob{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "CronJob"},
		ObjectMeta: meta("CronJob", names.BackupCronJob, t.Kubernetes.Namespace, componentBackup, nil),
		Spec: batchv1.CronJobSpec{
			Schedule:                   t.Backup.Schedule,
			TimeZone:                   &utc,
			ConcurrencyPolicy:          batchv1.ForbidConcurrent,
			StartingDeadlineSeconds:    &starting,
			SuccessfulJobsHistoryLimit: &keepOK,
			FailedJobsHistoryLimit:     &keepFailed,
			JobTemplate: batchv1.JobTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{labelComponent: componentBackup}},
				Spec: batchv1.JobSpec{
					BackoffLimit:          &backoff,
					ActiveDeadlineSeconds: &deadline,
					Template: corev1.PodTemplateSpec{
						ObjectMeta: metav1.ObjectMeta{Labels: podLabels},
						Spec: corev1.PodSpec{
							ServiceAccountName: names.BackupServiceAccount,
							RestartPolicy:      corev1.RestartPolicyNever,
							SecurityContext:    restrictedPod(),
							InitContainers: []corev1.Container{{
								Name:            "fifo",
								Image:           t.MongoDB.Image,
								Command:         []string{"mkfifo", backupFIFO},
								Resources:       small,
								VolumeMounts:    mounts,
								SecurityContext: restrictedContainer(),
							}},
							Containers: []corev1.Container{
								{
									Name:    "mongodump",
									Image:   t.MongoDB.Image,
									Command: []string{"sh", "-c", dump},
									Env: []corev1.EnvVar{
										{Name: "MONGODB_URI", Value: backupURI(t, r)},
										secretEnv("MONGODB_USERNAME", secretBackup, keyUsername),
										secretEnv("MONGODB_PASSWORD", secretBackup, keyPassword),
										home,
									},
									Resources:       work,
									VolumeMounts:    append(append([]corev1.VolumeMount(nil), mounts...), tlsMount),
									SecurityContext: restrictedContainer(),
								},
								{
									Name:    "upload",
									Image:   AWSCLIImage,
									Command: []string{"sh", "-c", upload},
									Env: []corev1.EnvVar{
										{Name: "AWS_REGION", Value: r.CloudRegion},
										home,
									},
									Resources:       work,
									VolumeMounts:    mounts,
									SecurityContext: restrictedContainer(),
								},
							},
							Volumes: []corev1.Volume{
								{Name: "backup", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
								{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
								caOnlyVolume(t, r),
							},
						},
					},
				},
			},
		},
	}
	return object{kind: "CronJob", name: names.BackupCronJob, v: cj}, nil
}
