package sizing

// Resources is CPU in millicores and memory in bytes.
type Resources struct {
	MilliCPU int64
	Bytes    int64
}

const (
	mi  = 1 << 20
	gib = 1 << 30
)

// VMMemoryOverheadPercent: a node reports less memory than its EC2
// specification (the hypervisor, the kernel's own reservations). Karpenter
// models it as 7.5 % by default (settings VM_MEMORY_OVERHEAD_PERCENT,
// default 0.075, https://karpenter.sh/docs/reference/settings/); topogen
// uses the same margin.
const VMMemoryOverheadPercent = 7.5

// EvictionHardMemory is the EKS AMI's evictionHard memory.available
// (100Mi, nodeadm/internal/kubelet/config.go defaultKubeletSubConfig),
// which Kubernetes subtracts from allocatable too.
const EvictionHardMemory = 100 * mi

// KubeReserved is what the EKS AMI reserves for the kubelet and the
// container runtime (amazon-eks-ami nodeadm/internal/kubelet/config.go,
// withDefaultReservedResources; the AL2 bootstrap.sh used the same
// formulas):
//   - memory: 11 MiB per pod the node may run + 255 MiB
//     (GetMemoryMebibytesToReserve);
//   - CPU: 6 % of the first core, 1 % of the second, 0.5 % of the third and
//     fourth, 0.25 % of every further core (getCPUMillicoresToReserve).
//
// The AMI sets no system-reserved.
func (it InstanceType) KubeReserved() Resources {
	total := int64(it.VCPU) * 1000
	ranges := []int64{0, 1000, 2000, 4000, total}
	basisPoints := []int64{600, 100, 50, 25}
	var cpu int64
	for i, bp := range basisPoints {
		lo, hi := ranges[i], ranges[i+1]
		if total <= lo {
			continue
		}
		cpu += (min(total, hi) - lo) * bp / 10000
	}
	return Resources{MilliCPU: cpu, Bytes: (11*int64(it.MaxPods) + 255) * mi}
}

// Capacity is what the node reports: every vCPU, the specified memory less
// the VM overhead.
func (it InstanceType) Capacity() Resources {
	mem := int64(it.MemoryGiB) * gib
	return Resources{MilliCPU: int64(it.VCPU) * 1000, Bytes: mem - int64(float64(mem)*VMMemoryOverheadPercent/100)}
}

// Allocatable is capacity − kube-reserved − system-reserved (none) − the
// hard eviction threshold (Kubernetes "Reserve Compute Resources for
// System Daemons": allocatable = capacity − kube-reserved −
// system-reserved − eviction-threshold).
func (it InstanceType) Allocatable() Resources {
	c, k := it.Capacity(), it.KubeReserved()
	return Resources{MilliCPU: c.MilliCPU - k.MilliCPU, Bytes: c.Bytes - k.Bytes - EvictionHardMemory}
}
