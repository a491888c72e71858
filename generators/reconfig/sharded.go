package reconfig

import (
	"path"
	"strings"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/generators/replset"
	"github.com/topogen/topogen/generators/snapshot"
	"github.com/topogen/topogen/impact"
	"github.com/topogen/topogen/model"
)

// In the sharded mode every replica set of the cluster reconfigures on
// its own, and mongod's one-voter-per-reconfig rule holds per set
// (mongodb-facts.md §1.8), so the steps are planned per set, from the
// base's set of the same name to the topology's, and written to
// out/replset/reconfig/<set>/; base-topology.json once. A set the base
// does not have is new (its init script initiates it) and needs no
// steps; a replica-set-mode base has no sets to step from.
func generateSharded(t, base *model.Topology) ([]generators.File, error) {
	if base.Sharding == nil {
		return nil, nil
	}
	baseSets := map[string]model.MemberSet{}
	for _, s := range base.Sharding.Sets() {
		baseSets[s.ReplicaSet.Name] = s
	}
	var files []generators.File
	for i, s := range t.Sharding.Sets() {
		from, found := baseSets[s.ReplicaSet.Name]
		if !found {
			continue
		}
		for _, st := range impact.ReconfigSteps(base.SetView(from), t.SetView(s)) {
			cfg := replset.BuildConfig(s.ReplicaSet, st.Members, st.Version)
			cfg.ConfigSvr = i == 0 // Sets: the config servers first
			p := path.Join(Dir, s.ReplicaSet.Name, strings.TrimPrefix(st.File, Dir+"/"))
			files = append(files, generators.File{Path: p, Data: replset.MarshalConfig(cfg)})
		}
	}
	if len(files) == 0 {
		return nil, nil
	}
	snap, err := snapshot.Generate(base)
	if err != nil {
		return nil, err
	}
	snap[0].Path = BasePath
	return append(files, snap...), nil
}
