package failover

import (
	"path"
	"strings"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/model"
)

// In the sharded mode each replica set of the cluster (the config
// servers and every shard) elects its own primary and loses its majority
// on its own: a region's loss leaves the sets that had their majority
// elsewhere running and stops the others. So the failover documents are
// per set, the replica-set mode's for the set as its own topology
// (model.Topology.SetView: its members and the regions it has members
// in): out/replset/failover/<set>/<region>.json for each region the set
// has members in. A region the set has no member in can neither hold its
// primary nor survive as its last members. The config servers' configs
// keep configsvr: true: a --configsvr member whose config lacks it goes
// into REMOVED state (mongodb/mongo jstests/replsets/config_server_checks.js).
func generateSharded(t *model.Topology) ([]generators.File, error) {
	var out []generators.File
	for i, s := range t.Sharding.Sets() {
		for _, f := range generate(t.SetView(s), i == 0) {
			f.Path = path.Join(Dir, s.ReplicaSet.Name, strings.TrimPrefix(f.Path, Dir+"/"))
			out = append(out, f)
		}
	}
	return out, nil
}
