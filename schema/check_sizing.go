package schema

import (
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/topogen/topogen/model"
	"github.com/topogen/topogen/sizing"
)

// checkSizing: a member's pod must fit on one node of its instance type.
// The pod is Guaranteed (requests = limits, sizing/pod.go), so what it
// reserves is mongod's cpu and memory plus its sidecars'; the node offers
// its allocatable (capacity less the EKS AMI's kube-reserved and the
// eviction threshold, sizing/node.go) less the DaemonSets' allowance. A
// pod that does not fit stays Pending: the node group has one node per
// member, so nothing else could take it. Unknown instance types are
// refused: the check would otherwise pass anything.
func (c *checker) checkSizing(t *model.Topology) {
	for _, set := range sizedSets(t) {
		sp := append(slices.Clone(set.path), "sizing")
		sz := set.sizing
		it, ok := sizing.Lookup(sz.InstanceType)
		if sz.Instance != (sizing.InstanceType{}) {
			it, ok = sz.Instance, true
		}
		if !ok {
			c.errorf(append(sp, "instanceType"),
				fmt.Sprintf("use a type of the families %s (large to 24xlarge; 32xlarge for m6i and r6i, 48xlarge for m7i and r7i), or declare this one from the EC2 instance-type specifications: sizing: instance: {vCPU: 16, memoryGiB: 64, maxPods: 234}", sizing.Families()),
				"instance type %q is not in topogen's table, so the member's fit on it cannot be checked", sz.InstanceType)
			continue
		}
		c.checkFit(sp, sz, sz.InstanceType, it)
	}
}

// checkShardedNodes: in the sharded mode a region's MongoDB nodes are of
// one instance type for every set there (model.Sharding.NodeSizing), so
// each set's member must fit on it too (run once the members are known).
func (c *checker) checkShardedNodes(t *model.Topology) {
	for _, set := range sizedSets(t) {
		for _, r := range t.Regions {
			node, ok := t.Sharding.NodeSizing(r.Name)
			if !ok || node.InstanceType == set.sizing.InstanceType || !setInRegion(t, set.path, r.Name) {
				continue
			}
			it, ok := sizing.Lookup(node.InstanceType)
			if node.Instance != (sizing.InstanceType{}) {
				it, ok = node.Instance, true
			}
			if ok {
				c.checkFit(append(slices.Clone(set.path), "sizing"), set.sizing, node.InstanceType+" (the MongoDB nodes of region "+r.Name+", shared by its sets)", it)
			}
		}
	}
}

// setInRegion: the set declared at path has members in region.
func setInRegion(t *model.Topology, path []string, region string) bool {
	if slices.Equal(path, configServersPath()) {
		return len(t.Sharding.ConfigServers.RegionMembers(region)) > 0
	}
	for _, sh := range t.Sharding.Shards {
		if slices.Equal(path, shardPath(sh.Zone)) {
			return len(sh.Set.RegionMembers(region)) > 0
		}
	}
	return false
}

// checkFit reports a member of sizing sz that does not fit on one node of
// instance type it (named typ).
func (c *checker) checkFit(sp []string, sz model.Sizing, typ string, it sizing.InstanceType) {
	{
		cpu, err1 := resource.ParseQuantity(sz.CPU)
		mem, err2 := resource.ParseQuantity(sz.Memory)
		if err1 != nil || err2 != nil {
			return // reported by the quantity checks
		}
		alloc, over, res := it.Allocatable(), sizing.Overhead(), it.KubeReserved()
		where := fmt.Sprintf("%s (%d vCPU, %d GiB", typ, it.VCPU, it.MemoryGiB)
		if room := alloc.MilliCPU - over.MilliCPU; cpu.MilliValue() > room {
			c.errorf(append(sp, "cpu"),
				fmt.Sprintf("give mongod at most %s, e.g. %q, or pick a larger instanceType", milli(room), whole(room)),
				"cpu %s for mongod + %s for its sidecars and the node's DaemonSets exceeds the %s allocatable on %s, less kube-reserved %s)",
				sz.CPU, milli(over.MilliCPU), milli(alloc.MilliCPU), where, milli(res.MilliCPU))
		}
		if room := alloc.Bytes - over.Bytes; mem.Value() > room {
			c.errorf(append(sp, "memory"),
				fmt.Sprintf("give mongod at most %s, e.g. %q, or pick a larger instanceType", mebi(room), gibFloor(room)),
				"memory %s for mongod + %s for its sidecars and the node's DaemonSets exceeds the %s allocatable on %s, less %.1f%% VM overhead, kube-reserved %s for %d pods and the %s eviction threshold)",
				sz.Memory, mebi(over.Bytes), mebi(alloc.Bytes), where, sizing.VMMemoryOverheadPercent, mebi(res.Bytes), it.MaxPods, mebi(sizing.EvictionHardMemory))
		}
	}
}

func milli(m int64) string { return fmt.Sprintf("%dm", m) }

// whole is the largest whole number of cores within m millicores.
func whole(m int64) string {
	if m < 1000 {
		return milli(m)
	}
	return fmt.Sprint(m / 1000)
}

func mebi(b int64) string { return fmt.Sprintf("%dMi", b>>20) }

// gibFloor is the largest whole number of GiB within b bytes.
func gibFloor(b int64) string {
	if b < 1<<30 {
		return mebi(b)
	}
	return fmt.Sprintf("%dGi", b>>30)
}
