package names

import (
	"strconv"

	"github.com/topogen/topogen/model"
)

// Mongos is the Deployment, Service and PodDisruptionBudget of a region's
// mongos routers in the sharded mode.
const Mongos = "mongos"

// RegionMongos is region's entry of t.Sharding.Mongos.
func RegionMongos(t *model.Topology, region string) (model.Mongos, bool) {
	for _, m := range t.Sharding.Mongos {
		if m.Region == region {
			return m, true
		}
	}
	return model.Mongos{}, false
}

// MongosHost is the in-cluster name of the mongos Service (each region's
// cluster has its own, under the same name).
func MongosHost(t *model.Topology) string {
	return ServiceHost(t, Mongos)
}

// MongosAddress is host:port of region r's mongos Service, what the
// region's init Job and client ConfigMap connect to.
func MongosAddress(t *model.Topology, r model.Region) string {
	m, _ := RegionMongos(t, r.Name)
	return MongosHost(t) + ":" + strconv.Itoa(m.Port)
}
