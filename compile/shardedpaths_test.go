package compile

import (
	"testing"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/generators/failover"
	"github.com/topogen/topogen/generators/replset"
	"github.com/topogen/topogen/internal/testtopo"
)

// TestShardedPathsOwned: in the sharded mode each target's files stay
// in the paths it owns, whatever the sets are called: a set named like
// the failover or reconfig directories does not land in them.
func TestShardedPathsOwned(t *testing.T) {
	topo := testtopo.Load(t, "../golden/eu-residency/input")
	for _, name := range []string{topo.Sharding.ConfigServers.ReplicaSet.Name, "failover", "reconfig"} {
		v := *topo
		sh := *topo.Sharding
		sh.ConfigServers.ReplicaSet.Name = name
		v.Sharding = &sh
		for target, gen := range map[string]func() ([]generators.File, error){
			"replset":  func() ([]generators.File, error) { return replset.Generate(&v) },
			"failover": func() ([]generators.File, error) { return failover.Generate(&v) },
		} {
			files, err := gen()
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range files {
				if got := TargetOf(f.Path); got != target {
					t.Errorf("config servers named %q: %s is owned by %q, written by %s", name, f.Path, got, target)
				}
			}
		}
	}
}
