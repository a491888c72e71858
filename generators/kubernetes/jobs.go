package kubernetes

import (
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/topogen/topogen/model"
)

// The Jobs and CronJobs whose pods connect to the set: the init Job, PBM's
// config Job, the base backups, the PBM status checks and the suspended
// restore and storage-failover templates.

// clientPod is the pod template of a Job that connects to the set: its
// component's label and clientLabel, which the mongodb-clients
// NetworkPolicy admits (policy.go).
func clientPod(component string, spec corev1.PodSpec) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{labelComponent: component, clientLabel: "true"}},
		Spec:       spec,
	}
}

// hookJob is a Job Argo CD runs as a PostSync hook, once every wave is
// synced and healthy, deleting the previous run before it creates the
// next (BeforeHookCreation); under Flux, which ignores the annotations, a
// plain Job.
func hookJob(t *model.Topology, name, component string, spec batchv1.JobSpec) object {
	ann := map[string]string{annHook: "PostSync", annHookDelete: "BeforeHookCreation"}
	job := batchv1.Job{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: meta("Job", name, t.Kubernetes.Namespace, component, ann),
		Spec:       spec,
	}
	return object{kind: "Job", name: name, v: job}
}

// cronJob runs the Jobs spec on schedule, never two at once (a PBM
// command beside a running one only competes with it), keeping the last
// keep Jobs of each outcome for `kubectl logs`.
func cronJob(t *model.Topology, name, component, schedule string, keep int32, spec batchv1.JobSpec) batchv1.CronJob {
	return batchv1.CronJob{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "CronJob"},
		ObjectMeta: meta("CronJob", name, t.Kubernetes.Namespace, component, nil),
		Spec: batchv1.CronJobSpec{
			Schedule:                   schedule,
			ConcurrencyPolicy:          batchv1.ForbidConcurrent,
			SuccessfulJobsHistoryLimit: &keep,
			FailedJobsHistoryLimit:     &keep,
			JobTemplate: batchv1.JobTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{labelComponent: component}},
				Spec:       spec,
			},
		},
	}
}
