package kubernetes

import (
	"fmt"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/generators/replset"
	"github.com/topogen/topogen/model"
)

const (
	componentInit   = "init"
	scriptsDir      = "/scripts"
	initScriptKey   = "init-replset.js"
	usersScriptKey  = "ensure-users.js"
	annHookDelete   = "argocd.argoproj.io/hook-delete-policy"
	initScriptsName = names.InitJob + "-scripts"
	// initJobAttempts: how many full attempts the init Job's deadline
	// allows (a failed attempt is retried: backoffLimit attempts - 1).
	initJobAttempts = 3
)

func buildInitScripts(t *model.Topology) object {
	cm := corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: meta("ConfigMap", initScriptsName, t.Kubernetes.Namespace, componentInit, nil),
		Data: map[string]string{
			initScriptKey:  string(replset.InitScript(t)),
			usersScriptKey: string(replset.UsersScript(t)),
		},
	}
	return object{kind: "ConfigMap", name: initScriptsName, v: cm}
}

// usersDir holds one directory per user Secret in the init Job
// (ensure-users.js reads "<usersDir>/<secret>/{username,password}").
const usersDir = "/etc/mongodb/users"

// buildInitJob runs init-replset.js, then ensure-users.js. Both run with
// --nodb and open their own connections: init-replset.js waits, bounded,
// until every member answers, initiates on the first electable member in
// preference order (§1.7) and waits for the first primary; ensure-users.js
// writes the service users on the primary. Credentials are files from the
// mounted Secrets, read inside the scripts: nothing secret is on a command
// line (/proc/<pid>/cmdline is world-readable).
//
// It is an Argo CD PostSync hook: it runs once this region's members are
// up. Under Flux it is a plain Job applied with the StatefulSets; it does
// not burn retries racing them, because one attempt waits up to the
// members' start budget (replset.Budgets) before it gives up.
// activeDeadlineSeconds covers initJobAttempts full attempts. The scripts
// are idempotent, so a re-run after its TTL changes nothing.
func buildInitJob(t *model.Topology, r model.Region) object {
	run := func(key string) string {
		return fmt.Sprintf("mongosh --nodb --quiet --file %s/%s", scriptsDir, key)
	}
	script := "set -eu\n" + run(initScriptKey) + "\n" + run(usersScriptKey) + "\n"
	return initJobFor(t, r, script, replset.Budgets(t).AttemptSecs)
}

// initJobFor is the init Job running script; attemptSecs bounds one
// attempt.
func initJobFor(t *model.Topology, r model.Region, script string, attemptSecs int) object {
	backoff, ttl := int32(initJobAttempts-1), int32(86400)
	deadline := int64(initJobAttempts * attemptSecs)
	env := []corev1.EnvVar{
		{Name: "TOPOGEN_URI_OPTIONS", Value: "tls=true&tlsCAFile=" + caFile},
		{Name: "TOPOGEN_CREDENTIALS_DIR", Value: usersDir + "/" + secretAdmin},
		{Name: "TOPOGEN_USERS_DIR", Value: usersDir},
		{Name: "HOME", Value: tmpDir},
	}
	mounts := []corev1.VolumeMount{
		{Name: "scripts", MountPath: scriptsDir, ReadOnly: true},
		{Name: "tls", MountPath: tlsDir, ReadOnly: true},
		{Name: "tmp", MountPath: tmpDir},
	}
	volumes := []corev1.Volume{
		{Name: "scripts", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
			LocalObjectReference: corev1.LocalObjectReference{Name: initScriptsName},
		}}},
		caOnlyVolume(t, r),
		{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
	}
	// 0440: the files are root-owned with group fsGroup (999, mongod).
	secretMode := int32(0o440)
	for _, s := range append([]string{secretAdmin}, userSecrets()...) {
		vol := "user-" + s
		mounts = append(mounts, corev1.VolumeMount{Name: vol, MountPath: usersDir + "/" + s, ReadOnly: true})
		volumes = append(volumes, corev1.Volume{Name: vol, VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
			SecretName: s, DefaultMode: &secretMode,
		}}})
	}
	return hookJob(t, names.InitJob, componentInit, batchv1.JobSpec{
		BackoffLimit:            &backoff,
		ActiveDeadlineSeconds:   &deadline,
		TTLSecondsAfterFinished: &ttl,
		Template: clientPod(componentInit, corev1.PodSpec{
			RestartPolicy:   corev1.RestartPolicyNever,
			SecurityContext: restrictedPod(),
			Containers: []corev1.Container{{
				Name:            "init-replset",
				Image:           t.MongoDB.Image,
				Command:         []string{"sh", "-c", script},
				Env:             env,
				Resources:       requestsLimit("100m", "256Mi", "512Mi"),
				VolumeMounts:    mounts,
				SecurityContext: restrictedContainer(),
			}},
			Volumes: volumes,
		}),
	})
}
