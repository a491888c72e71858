// Package sizing knows what an EC2 node offers a MongoDB member's pod and
// what that pod asks for: an embedded table of instance types, the EKS
// AMI's kubelet reservations, and the requests (= limits) of the sidecars
// that share the pod with mongod. schema's checks refuse a sizing that
// cannot be scheduled; the Kubernetes target sets the same numbers on the
// containers, so the check and the manifests cannot disagree.
package sizing

import (
	"slices"
	"strings"
)

// InstanceType is what EC2 gives a node and how many pods the EKS AMI lets
// its kubelet run (which sizes kube-reserved memory).
type InstanceType struct {
	VCPU      int
	MemoryGiB int
	// MaxPods: the EKS AMI's eni-max-pods.txt (amazon-eks-ami
	// nodeadm/internal/kubelet/eni-max-pods.txt: ENIs × (IPv4 per ENI − 1)
	// + 2).
	MaxPods int
}

// DefaultMaxPods is what nodeadm uses for an instance type it does not know
// (amazon-eks-ami nodeadm/internal/kubelet/maxpods: DefaultMaxPods = 110).
const DefaultMaxPods = 110

// instanceTypes: vCPU and memory from the AWS "Amazon EC2 instance types"
// specifications (https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html
// for m*, .../mo.html for r*); max pods from the EKS AMI's eni-max-pods.txt.
// The families a MongoDB member usually runs on: general purpose m5, m6i,
// m7i and memory optimised r5, r6i, r7i, sizes large to 48xlarge. Another
// type is declared in the topology (sizing.instance).
var instanceTypes = map[string]InstanceType{}

func init() {
	// size → vCPU, max pods; memory is vCPU × GiB per vCPU of the family.
	type size struct {
		name    string
		vcpu    int
		maxPods int
	}
	sizes := []size{
		{"large", 2, 29}, {"xlarge", 4, 58}, {"2xlarge", 8, 58}, {"4xlarge", 16, 234},
		{"8xlarge", 32, 234}, {"12xlarge", 48, 234}, {"16xlarge", 64, 737},
		{"24xlarge", 96, 737},
	}
	families := []struct {
		name       string
		gibPerVCPU int
		extra      []size // sizes only this family has
	}{
		{"m5", 4, nil},
		{"m6i", 4, []size{{"32xlarge", 128, 737}}},
		{"m7i", 4, []size{{"48xlarge", 192, 737}}},
		{"r5", 8, nil},
		{"r6i", 8, []size{{"32xlarge", 128, 737}}},
		{"r7i", 8, []size{{"48xlarge", 192, 737}}},
	}
	for _, f := range families {
		for _, s := range append(slices.Clone(sizes), f.extra...) {
			instanceTypes[f.name+"."+s.name] = InstanceType{VCPU: s.vcpu, MemoryGiB: s.vcpu * f.gibPerVCPU, MaxPods: s.maxPods}
		}
	}
}

// Lookup returns the table's entry for an instance type.
func Lookup(name string) (InstanceType, bool) {
	it, ok := instanceTypes[name]
	return it, ok
}

// Families lists the table's families for a message ("m5, m6i, ...").
func Families() string {
	seen := map[string]bool{}
	var out []string
	for name := range instanceTypes {
		f, _, _ := strings.Cut(name, ".")
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}
