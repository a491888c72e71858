package schema

import (
	"cmp"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/topogen/topogen/model"
)

// dnsLabel is an RFC 1123 label: region names become directories, object
// names and a label of every member host.
var dnsLabel = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$`)

// resolveRegions builds each region in lexical order and checks what CUE
// cannot: names, ids, cloud regions, zones, voters and the checks of the
// whole set of regions.
func (c *checker) resolveRegions(t *model.Topology, raw rawTopology) {
	names := slices.Sorted(maps.Keys(raw.Regions))
	if len(names) == 0 && !c.partial {
		c.errorf([]string{"regions"}, `add at least one region, e.g. regions: us: {...} (see regions/us.cue)`, "a topology needs at least one region")
		return
	}
	// Pod names "<rs>-<region>-<ordinal>" are DNS labels too.
	maxRegionLen := 63 - len(t.ReplicaSet.Name) - len("--") - 2
	if raw.Sharding != nil {
		maxRegionLen = 63 - len("x--") - 2 // each set's pod names: checkHosts
	}
	total := 0
	usedIDs := map[int]string{}
	cloudRegions := map[string]string{}
	for i, name := range names {
		r := raw.Regions[name]
		path := []string{"regions", name}
		if !dnsLabel.MatchString(name) {
			c.errorf(path, "rename it to lower-case letters, digits and '-', starting with a letter (e.g. "+strconv.Quote(suggestLabel(name))+")",
				"region name %q is not a DNS label: it becomes a directory, object names and a DNS label in member host names", name)
		} else if len(name) > maxRegionLen {
			c.errorf(path, fmt.Sprintf("use at most %d characters", maxRegionLen),
				"region name %q is too long: pod name %s-%s-NN must be a DNS label of at most 63 characters", name, t.ReplicaSet.Name, name)
		}
		reg := model.Region{
			Name:         name,
			ID:           i,
			CloudRegion:  r.CloudRegion,
			Zones:        r.Zones,
			Priority:     r.Priority,
			Members:      r.Members,
			Continents:   slices.Sorted(slices.Values(r.Serves.Continents)),
			Countries:    slices.Sorted(slices.Values(r.Serves.Countries)),
			Jurisdiction: r.Jurisdiction,
			DNSZone:      model.DNSZone(name, t.DNS.Domain),
			Prometheus:   cmp.Or(r.Prometheus, "prometheus."+name+"."+t.DNS.Domain+":9090"),
			Cluster: model.Cluster{
				ArgoCDName:       cmp.Or(r.Cluster.ArgoCDCluster, model.RegionalName(t.Name, name)),
				Server:           r.Cluster.Server,
				KubeConfigSecret: r.Cluster.KubeConfigSecret,
			},
		}
		if r.ID != nil {
			reg.ID = *r.ID
		}
		// A region's default id is its index among all regions, which a
		// partial check does not see: ids are checked on the whole only.
		if other, dup := usedIDs[reg.ID]; dup && !c.partial {
			c.errorf(append(path, "id"), "give each region its own id (0-99); set ids explicitly before adding regions so member _ids never move",
				"region id %d is also used by region %q (%s)", reg.ID, other, c.pos("regions", other, "id"))
		} else {
			usedIDs[reg.ID] = name
		}
		if other, dup := cloudRegions[r.CloudRegion]; dup {
			c.errorf(append(path, "cloudRegion"), "merge the two regions or use another cloud region",
				"cloud region %q is also used by region %q (%s): each region needs its own VPC, cluster and DNS zone", r.CloudRegion, other, c.pos("regions", other, "cloudRegion"))
		} else {
			cloudRegions[r.CloudRegion] = name
		}
		for zi, z := range r.Zones {
			suffix, ok := strings.CutPrefix(z, r.CloudRegion)
			if !ok || len(suffix) != 1 || suffix[0] < 'a' || suffix[0] > 'z' {
				c.errorf([]string{"regions", name, "zones", strconv.Itoa(zi)}, fmt.Sprintf("use a zone of %s, e.g. %q", r.CloudRegion, r.CloudRegion+"a"),
					"zone %q is not an availability zone of cloud region %q (expected %q followed by one letter)", z, r.CloudRegion, r.CloudRegion)
			}
		}
		// EKS requires subnets in at least two availability zones
		// (CreateCluster: "subnets in at least two different Availability
		// Zones"), so a one-zone region cannot get its cluster.
		if len(r.Zones) == 1 {
			c.errorf(append(path, "zones"), fmt.Sprintf("add a second zone of %s, e.g. %q", r.CloudRegion, r.CloudRegion+"b"),
				"region %q has one availability zone; its EKS cluster needs subnets in at least two", name)
		}
		if r.Voters != nil && *r.Voters > r.Members {
			c.errorf(append(path, "voters"), "lower voters or raise members", "voters %d is more than the region's %d members", *r.Voters, r.Members)
		}
		total += r.Members
		reg.CIDR = c.parseCIDR(r.CIDR, append(path, "cidr"))
		switch {
		case raw.Sharding == nil:
			reg.Sizing = c.resolveSizing(*r.Sizing, path)
		case r.Members != 0:
			c.errorf(append(path, "members"), "drop it and give the region's members per set: sharding.zones.<zone>.shard.members and sharding.configServers.members",
				"a region of the sharded mode holds no replica-set members of its own")
		case r.Voters != nil:
			c.errorf(append(path, "voters"), "drop it and pin votes per set: sharding.zones.<zone>.shard.voters or sharding.configServers.voters",
				"a region of the sharded mode holds no replica-set members of its own")
		case r.Sizing != nil:
			c.errorf(append(path, "sizing"), "drop it and size each set: sharding.zones.<zone>.shard.sizing and sharding.configServers.sizing (the routers' nodes: sharding.mongos.instanceType)",
				"a region of the sharded mode has no sizing of its own: each shard and the config servers are sized")
		}
		if reg.CIDR.IsValid() {
			reg.Subnets = model.CarveSubnets(reg.CIDR, reg.Zones)
		}
		t.Regions = append(t.Regions, reg)
	}
	if total > model.MaxMembers { // also among the valid regions of a partial check
		c.errorf([]string{"regions"}, "lower members in some regions (votes: 0 members still count)",
			"the regions hold %d members in all; a replica set has at most %d (mongodb-facts.md §1.3)", total, model.MaxMembers)
	}
	c.checkCIDRsDisjoint(t)
	c.checkGeolocations(t)
	c.checkPriorities(t)
	if raw.Sharding == nil {
		c.checkJurisdiction(t)
	}
}

// suggestLabel turns a name into a DNS label for the fix hint.
func suggestLabel(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	out := strings.Trim(b.String(), "-")
	if out == "" || out[0] < 'a' || out[0] > 'z' {
		out = "r" + out
	}
	return out
}
