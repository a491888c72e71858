package kubernetes

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	resourcehelper "k8s.io/component-helpers/resource"
	"k8s.io/kubectl/pkg/util/qos"
	"sigs.k8s.io/yaml"

	"github.com/topogen/topogen/generators/names"
)

// allocatable of the instance types the test topologies use, worked out by
// hand from the EKS AMI (nodeadm/internal/kubelet/config.go): CPU = vCPU −
// (6 % of core 1 + 1 % of core 2 + 0.5 % of cores 3-4 + 0.25 % of the
// rest); memory = GiB × 0.925 (VM overhead) − (11 MiB × maxPods + 255 MiB)
// − 100 MiB (evictionHard), maxPods from eni-max-pods.txt. Less the 250m
// and 512Mi DaemonSet allowance.
var allocatable = map[string]struct{ cpu, memory string }{
	// 16 vCPU, 64 GiB, 234 pods: 16000 − 110 − 250; 60620.8 − 2829 − 100 − 512.
	"m6i.4xlarge": {"15640m", "57179Mi"},
	// 4 vCPU, 32 GiB, 58 pods: 4000 − 80 − 250; 30310.4 − 893 − 100 − 512.
	"r6i.xlarge": {"3670m", "28805Mi"},
}

// TestMemberPodGuaranteedAndFits: every member pod's QoS class, as
// Kubernetes computes it (kubectl's pkg/util/qos, init containers
// included), is Guaranteed, and its effective requests
// (component-helpers' PodRequests: the larger of the init containers and
// the sum of the others) fit one node of its instance type.
func TestMemberPodGuaranteedAndFits(t *testing.T) {
	for name, dir := range cases {
		topo := load(t, dir)
		files := generate(t, topo)
		for _, r := range topo.Regions {
			node := find(objectsIn(t, files, r.Name), "StatefulSet", names.StatefulSet(topo, r))
			if node == nil {
				t.Fatalf("%s/%s: no StatefulSet", name, r.Name)
			}
			s, err := node.String()
			if err != nil {
				t.Fatal(err)
			}
			var sts appsv1.StatefulSet
			if err := yaml.Unmarshal([]byte(s), &sts); err != nil {
				t.Fatal(err)
			}
			pod := &corev1.Pod{Spec: sts.Spec.Template.Spec}
			if got := qos.ComputePodQOS(pod); got != corev1.PodQOSGuaranteed {
				t.Errorf("%s/%s: member pod QoS %s, want Guaranteed", name, r.Name, got)
			}
			a, ok := allocatable[r.Sizing.InstanceType]
			if !ok {
				t.Fatalf("%s/%s: no hand-computed allocatable for %s", name, r.Name, r.Sizing.InstanceType)
			}
			req := resourcehelper.PodRequests(pod, resourcehelper.PodResourcesOptions{})
			for res, limit := range map[corev1.ResourceName]string{corev1.ResourceCPU: a.cpu, corev1.ResourceMemory: a.memory} {
				q := req[res]
				if q.Cmp(resource.MustParse(limit)) > 0 {
					t.Errorf("%s/%s: pod requests %s %s, more than the %s a %s offers", name, r.Name, q.String(), res, limit, r.Sizing.InstanceType)
				}
			}
		}
	}
}
