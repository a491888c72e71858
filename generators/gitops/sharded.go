package gitops

import (
	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// regionWorkloads are what a region's Flux Kustomization waits for: the
// replica-set mode's one StatefulSet and its members; in the sharded mode
// the StatefulSet of every set with members in the region and the
// region's mongos Deployment; the sets' StatefulSets roll at once, each
// one member at a time, so the set with the most members in the region
// bounds the rollout.
func regionWorkloads(t *model.Topology, r model.Region) (members int, checks []healthCheck) {
	ns := t.Kubernetes.Namespace
	if t.Sharding == nil {
		return r.Members, []healthCheck{{APIVersion: "apps/v1", Kind: "StatefulSet", Name: names.StatefulSet(t, r), Namespace: ns}}
	}
	for _, s := range t.Sharding.Sets() {
		n := len(s.RegionMembers(r.Name))
		if n == 0 {
			continue
		}
		members = max(members, n)
		checks = append(checks, healthCheck{APIVersion: "apps/v1", Kind: "StatefulSet", Name: model.StatefulSetName(s.ReplicaSet.Name, r.Name), Namespace: ns})
	}
	if m, found := names.RegionMongos(t, r.Name); found && m.Replicas > 0 {
		checks = append(checks, healthCheck{APIVersion: "apps/v1", Kind: "Deployment", Name: names.Mongos, Namespace: ns})
	}
	return members, checks
}

// clusterDescription says what the Argo CD project deploys.
func clusterDescription(t *model.Topology) string {
	if t.Sharding != nil {
		return "topogen: MongoDB zone-sharded cluster " + t.Name + ", one Application per region"
	}
	return "topogen: MongoDB replica set " + t.ReplicaSet.Name + ", one Application per region"
}
