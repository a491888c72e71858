package impact

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/topogen/topogen/model"
)

// regions reports each region added, removed or changed, by name.
func (c *comparer) regions(old, new *model.Topology) {
	names := map[string]bool{}
	for _, r := range old.Regions {
		names[r.Name] = true
	}
	for _, r := range new.Regions {
		names[r.Name] = true
	}
	for _, name := range slices.Sorted(maps.Keys(names)) {
		o, inOld := old.Region(name)
		n, inNew := new.Region(name)
		p := "regions." + name
		switch {
		case !inOld:
			c.add(Reconfig, name, p, "%s: region added in %s, %d members, %d voting (apply the bootstrap stack first for its state bucket; new VPC and cluster; replica-set reconfig adding its members, one voter per reconfig)",
				name, n.CloudRegion, n.Members, n.Voters)
		case !inNew:
			c.add(Destructive, name, p, "%s: region removed (destructive: drops its %d members and their data, its VPC %s, cluster and backup bucket)",
				name, o.Members, o.CIDR)
		default:
			c.region(o, n)
		}
	}
}

func (c *comparer) region(o, n model.Region) {
	name, p := n.Name, "regions."+n.Name+"."
	if o.CloudRegion != n.CloudRegion {
		c.add(Destructive, name, p+"cloudRegion", "%s: cloud region %s → %s (destructive: the VPC, cluster, volumes and members are re-created in the new region; their data re-syncs from other regions)",
			name, o.CloudRegion, n.CloudRegion)
	}
	if o.CIDR != n.CIDR {
		c.add(Destructive, name, p+"cidr", "%s: CIDR %s → %s (destructive: replaces the VPC, its subnets, the cluster's nodes and the members' volumes)",
			name, o.CIDR, n.CIDR)
	}
	if o.ID != n.ID {
		c.add(Reconfig, name, p+"id", "%s: region id %d → %d, member _ids %d.. → %d.. (replica-set reconfig: mongod rejects a new _id for an existing host, so each member is removed and re-added, one voter per reconfig)",
			name, o.ID, n.ID, 100*o.ID, 100*n.ID)
	}
	if o.Members != n.Members {
		verb := "added"
		if n.Members < o.Members {
			verb = "removed"
		}
		c.add(Reconfig, name, p+"members", "%s: members %d → %d (replica-set reconfig: %d members %s, voters %d → %d)",
			name, o.Members, n.Members, abs(n.Members-o.Members), verb, o.Voters, n.Voters)
	} else if o.Voters != n.Voters {
		c.add(Reconfig, name, p+"voters", "%s: voters %d → %d (replica-set reconfig, one voter per reconfig)", name, o.Voters, n.Voters)
	}
	if o.Priority != n.Priority {
		c.add(Reconfig, name, p+"priority", "%s: member priority %d → %d (replica-set reconfig)", name, o.Priority, n.Priority)
	}
	if !slices.Equal(o.Zones, n.Zones) {
		c.add(Rolling, name, p+"zones", "%s: zones %s → %s (rolling: members move between zones; subnets are added or removed)",
			name, strings.Join(o.Zones, ","), strings.Join(n.Zones, ","))
	}
	if d := sizingDiff(o.Sizing, n.Sizing); d != "" {
		why := "rolling restart"
		if o.Sizing.StorageSize != n.Sizing.StorageSize || o.Sizing.StorageClass != n.Sizing.StorageClass {
			why = "rolling: volumes are resized or re-created one member at a time (StatefulSet volume claims are immutable)"
		}
		c.add(Rolling, name, p+"sizing", "%s: sizing %s (%s)", name, d, why)
	}
	c.volumes(o, n)
	if !slices.Equal(o.Continents, n.Continents) || !slices.Equal(o.Countries, n.Countries) {
		c.add(Safe, name, p+"serves", "%s: geo-routing %s → %s (safe: DNS records)", name, serves(o), serves(n))
	}
	if o.Jurisdiction != n.Jurisdiction {
		c.add(Safe, name, p+"jurisdiction", "%s: jurisdiction %s → %s (safe: checked by vet)", name, show(o.Jurisdiction), show(n.Jurisdiction))
	}
	if o.Cluster != n.Cluster {
		c.add(Safe, name, p+"cluster", "%s: cluster %s → %s (safe: GitOps destination)", name, clusterString(o.Cluster), clusterString(n.Cluster))
	}
	if o.Prometheus != n.Prometheus {
		c.add(Safe, name, p+"prometheus", "%s: prometheus %s → %s (safe: federation target)", name, o.Prometheus, n.Prometheus)
	}
}

func sizingDiff(o, n model.Sizing) string {
	var parts []string
	for _, f := range []struct{ name, o, n string }{
		// cpu and memory are mongod's requests and limits (Guaranteed
		// QoS); cpuLimit and memoryLimit can only repeat them.
		{"cpu", o.CPU, n.CPU}, {"memory", o.Memory, n.Memory},
		{"storageSize", o.StorageSize, n.StorageSize}, {"storageClass", o.StorageClass, n.StorageClass},
		{"instanceType", o.InstanceType, n.InstanceType}, {"appInstanceType", o.AppInstanceType, n.AppInstanceType},
	} {
		if f.o != f.n {
			parts = append(parts, fmt.Sprintf("%s %s → %s", f.name, show(f.o), show(f.n)))
		}
	}
	return strings.Join(parts, ", ")
}

func serves(r model.Region) string {
	s := strings.Join(append(slices.Clone(r.Continents), r.Countries...), ",")
	return cmp.Or(s, "nothing")
}

func clusterString(c model.Cluster) string {
	return cmp.Or(c.Server, c.ArgoCDName) + " (" + c.KubeConfigSecret + ")"
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
