package kubernetes

import (
	"fmt"

	"github.com/topogen/topogen/model"
)

// The sharded mode (model.Sharding): a region's tree holds, for every
// replica set of the cluster that places members in the region (the
// config server replica set, which spans every region, and the shards
// whose zone allows the region), the same objects the replica-set mode
// builds for its one set — mongod ConfigMap, Certificate, headless and
// per-pod Services, StatefulSet, PodDisruptionBudget, NetworkPolicy — plus
// the region's mongos routers (mongos.go) and the init Job of the whole
// cluster (shardedinit.go). A region a set places no member in gets none
// of that set's objects: the EU shard's StatefulSets exist only in the EU
// regions' trees.
//
// The set's objects are built by the replica-set mode's builders, given
// the topology as that one set sees it (setView): ReplicaSet and Members
// are the set's, and each region's Members, Voters and Sizing the set's
// there. Everything else (names, TLS, x509 member auth, the exporter,
// tls-reloader and pbm-agent sidecars) is the replica-set mode's.

// setView is t as the set s sees it. Unlike model.Topology.SetView it
// keeps every region (the set's NLBs and NetworkPolicies admit every
// region's VPC: each region's mongos and clients reach every shard) and
// t.Sharding, which tells the builders they serve one set of a cluster
// (memberOU).
func setView(t *model.Topology, s model.MemberSet) *model.Topology {
	v := *t
	v.ReplicaSet = s.ReplicaSet
	v.Members = s.Members
	v.Regions = make([]model.Region, len(t.Regions))
	for i, r := range t.Regions {
		r.Members, r.Voters = 0, 0
		for _, m := range s.Members {
			if m.Region == r.Name {
				r.Members++
				r.Voters += m.Votes
			}
		}
		r.Sizing = s.Sizing
		v.Regions[i] = r
	}
	return &v
}

// viewRegion is region r of a view.
func viewRegion(v *model.Topology, r model.Region) model.Region {
	vr, _ := v.Region(r.Name)
	return vr
}

// clusterSets are the cluster's replica sets, the config servers first,
// then the shards in name order, each with its mongod cluster role
// (sharding.clusterRole: configsvr or shardsvr; MongoDB manual,
// "Configuration File Options").
func clusterSets(t *model.Topology) []clusterSet {
	sh := t.Sharding
	out := []clusterSet{{set: sh.ConfigServers, role: roleConfigSvr}}
	for _, s := range sh.Shards {
		out = append(out, clusterSet{set: s.Set, role: roleShardSvr, shard: &s})
	}
	return out
}

type clusterSet struct {
	set   model.MemberSet
	role  string
	shard *model.Shard // nil for the config servers
}

const (
	roleConfigSvr = "configsvr"
	roleShardSvr  = "shardsvr"
)

// memberOU is the organizational unit of every member certificate. x509
// membership authentication admits a peer whose certificate has the same
// O, OU and DC as the member's own (MongoDB manual, "Use x509 Certificate
// for Membership Authentication"), so in a sharded cluster every mongod
// and mongos shares one OU, the topology's name; in the replica-set mode
// it is the set's name, as before.
func memberOU(t *model.Topology) string {
	if t.Sharding != nil {
		return t.Name
	}
	return t.ReplicaSet.Name
}

// shardedObjects builds a region's objects in the sharded mode.
func shardedObjects(t *model.Topology, r model.Region) (base, overlay []object, err error) {
	// Region-wide objects that the replica-set mode derives from its set
	// come from the config server replica set here: it spans every region,
	// and PBM's CLI talks to it (regionObjects).
	csrs := setView(t, t.Sharding.ConfigServers)
	cr := viewRegion(csrs, r)
	base, overlay, err = regionObjects(t, r, csrs)
	if err != nil {
		return nil, nil, err
	}
	classes, err := storageClasses(t, r)
	if err != nil {
		return nil, nil, err
	}
	overlay = append(overlay, classes...)
	overlay = append(overlay, buildShardedExporterService(t))
	policies := buildNetworkPolicies(csrs, cr)
	overlay = append(overlay, policies[0], policies[2]) // default-deny, mongodb-clients
	for _, cs := range clusterSets(t) {
		objs, err := setObjects(t, cs, r)
		if err != nil {
			return nil, nil, err
		}
		overlay = append(overlay, objs...)
	}
	overlay = append(overlay, buildMongos(t, r)...)
	if t.Preferred().Name == r.Name {
		overlay = append(overlay, buildShardedInitScripts(t), buildShardedInitJob(t, r))
	}
	return base, overlay, nil
}

// setObjects are one set's objects in region r; none where the set has
// no member.
func setObjects(t *model.Topology, cs clusterSet, r model.Region) ([]object, error) {
	v := setView(t, cs.set)
	vr := viewRegion(v, r)
	if vr.Members == 0 {
		return nil, nil
	}
	c, err := mongodConfFor(v, vr)
	if err != nil {
		return nil, err
	}
	c.Sharding = &mongodSharding{ClusterRole: cs.role}
	conf, err := marshalMongodConf(c)
	if err != nil {
		return nil, err
	}
	sts := withInitDB(v, buildStatefulSet(v, vr, conf))
	sts.labels = map[string]string{labelExporter: "true"}
	objs := []object{
		buildMongodConfigMap(v, vr, conf),
		buildCertificate(v, vr),
		buildHeadless(v, vr),
	}
	objs = append(objs, buildMemberServices(v, vr)...)
	objs = append(objs, sts, buildPDB(v, vr), buildNetworkPolicies(v, vr)[1])
	for i := range objs {
		if objs[i].labels == nil {
			objs[i].labels = map[string]string{}
		}
		objs[i].labels[labelReplicaSet] = cs.set.ReplicaSet.Name
	}
	return objs, nil
}

// storageClasses are the StorageClasses of the sets with members in r,
// one per name: sets sized alike share one; two sets naming the same
// class with other volume parameters cannot (a StorageClass's parameters
// are its volumes').
func storageClasses(t *model.Topology, r model.Region) ([]object, error) {
	var out []object
	owner := map[string]model.MemberSet{}
	for _, cs := range clusterSets(t) {
		v := setView(t, cs.set)
		vr := viewRegion(v, r)
		if vr.Members == 0 {
			continue
		}
		sz := cs.set.Sizing
		if first, seen := owner[sz.StorageClass]; seen {
			if first.Sizing.IOPS != sz.IOPS || first.Sizing.Throughput != sz.Throughput {
				return nil, fmt.Errorf("region %s: sets %s and %s use StorageClass %s with different IOPS/throughput (%d/%d, %d/%d); give one of them its own storageClass",
					r.Name, first.ReplicaSet.Name, cs.set.ReplicaSet.Name, sz.StorageClass, first.Sizing.IOPS, first.Sizing.Throughput, sz.IOPS, sz.Throughput)
			}
			continue
		}
		owner[sz.StorageClass] = cs.set
		out = append(out, buildStorageClass(v, vr))
	}
	return out, nil
}
