package schema

import (
	"slices"

	"github.com/topogen/topogen/model"
	"github.com/topogen/topogen/sizing"
)

// resolveSizing builds a member sizing (path holds "sizing") and checks
// the quantities: parseable, limits equal to requests (Guaranteed QoS),
// room for WiredTiger; the fit on the node is checkSizing's.
func (c *checker) resolveSizing(r rawSizing, path []string) model.Sizing {
	s := model.Sizing{
		CPU:             r.CPU,
		CPULimit:        r.CPULimit,
		Memory:          r.Memory,
		MemoryLimit:     r.MemoryLimit,
		StorageSize:     r.StorageSize,
		StorageClass:    r.StorageClass,
		InstanceType:    r.InstanceType,
		AppInstanceType: r.AppInstanceType,
		IOPS:            r.IOPS,
		Throughput:      r.Throughput,
	}
	c.checkVolumePerformance(s, path)
	sp := append(slices.Clone(path), "sizing")
	req, err1 := model.ParseQuantity(s.Memory)
	lim, err2 := model.ParseQuantity(s.MemoryLimit)
	if err1 != nil {
		c.errorf(append(sp, "memory"), `write a byte quantity, e.g. "48Gi"`, "%v", err1)
	}
	if err2 != nil {
		c.errorf(append(sp, "memoryLimit"), `write a byte quantity, e.g. "48Gi", or drop memoryLimit`, "%v", err2)
	}
	// Guaranteed QoS: mongod's requests equal its limits
	// (sizing/pod.go), so a limit other than the request is refused, not
	// silently dropped.
	if err1 == nil && err2 == nil {
		s.MemoryLimitBytes = int64(req)
		const minMem = 2 << 30
		switch {
		case lim != req:
			c.errorf(append(sp, "memoryLimit"), "drop memoryLimit (it defaults to memory) and give memory what mongod should have",
				"memoryLimit %s differs from memory %s: mongod runs with Guaranteed QoS, its memory limit equals its request", s.MemoryLimit, s.Memory)
		case req < minMem:
			c.errorf(append(sp, "memory"), `give each member at least "2Gi"`, "memory %s leaves no room for WiredTiger's cache (mongodb-facts.md §2)", s.Memory)
		}
	}
	if s.CPULimit != "" {
		cr, e1 := model.ParseQuantity(s.CPU)
		cl, e2 := model.ParseQuantity(s.CPULimit)
		if e1 == nil && e2 == nil && cl != cr {
			c.errorf(append(sp, "cpuLimit"), "drop cpuLimit (cpu is the limit) and give cpu what mongod should have",
				"cpuLimit %s differs from cpu %s: mongod runs with Guaranteed QoS, its CPU limit equals its request", s.CPULimit, s.CPU)
		}
	}
	if r.Instance != nil {
		s.Instance = sizing.InstanceType{VCPU: r.Instance.VCPU, MemoryGiB: r.Instance.MemoryGiB, MaxPods: r.Instance.MaxPods}
	}
	return s
}

// sizedSet is one sizing of data-bearing members and where the topology
// declares it (the parent of its "sizing" field).
type sizedSet struct {
	path   []string
	sizing model.Sizing
}

// sizedSets are the sizings the node-fit and storage checks judge: each
// region's in the replica-set mode; each shard's and the config servers'
// in the sharded mode (its regions have none).
func sizedSets(t *model.Topology) []sizedSet {
	if t.Sharding == nil {
		out := make([]sizedSet, 0, len(t.Regions))
		for _, r := range t.Regions {
			out = append(out, sizedSet{path: []string{"regions", r.Name}, sizing: r.Sizing})
		}
		return out
	}
	var out []sizedSet
	for _, sh := range t.Sharding.Shards {
		out = append(out, sizedSet{path: shardPath(sh.Zone), sizing: sh.Set.Sizing})
	}
	return append(out, sizedSet{path: configServersPath(), sizing: t.Sharding.ConfigServers.Sizing})
}
