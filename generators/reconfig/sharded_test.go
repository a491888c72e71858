package reconfig

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/topogen/topogen/internal/testtopo"
	"github.com/topogen/topogen/model"
)

// TestShardedReconfigPerSet: a change adding two voters to one shard
// plans that shard's steps only (one voter per reconfig), under its own
// directory; the other sets need none.
func TestShardedReconfigPerSet(t *testing.T) {
	topo := testtopo.Load(t, "../../golden/eu-residency/input")
	// The base: the EU shard without its last two voting members.
	base := *topo
	sh := *topo.Sharding
	sh.Shards = append([]model.Shard(nil), topo.Sharding.Shards...)
	var changed *model.Shard
	for i := range sh.Shards {
		if sh.Shards[i].Jurisdiction != "" {
			changed = &sh.Shards[i]
		}
	}
	ms := changed.Set.Members
	if changed.Set.Voters() < 5 {
		t.Fatalf("test topology: %s has %d voters, want 5", changed.Name, changed.Set.Voters())
	}
	changed.Set.Members = append([]model.Member(nil), ms[:len(ms)-2]...)
	base.Sharding = &sh

	files, err := Generate(topo, &base)
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for _, f := range files {
		if f.Path == BasePath {
			continue
		}
		steps = append(steps, f.Path)
		if !strings.HasPrefix(f.Path, Dir+"/"+changed.Set.ReplicaSet.Name+"/") {
			t.Errorf("step %s outside %s's directory", f.Path, changed.Set.ReplicaSet.Name)
		}
		var cfg struct {
			ID        string `json:"_id"`
			ConfigSvr bool   `json:"configsvr"`
		}
		if err := json.Unmarshal(f.Data, &cfg); err != nil {
			t.Fatal(err)
		}
		if cfg.ID != changed.Set.ReplicaSet.Name || cfg.ConfigSvr {
			t.Errorf("%s: config of %s (configsvr %v), want %s", f.Path, cfg.ID, cfg.ConfigSvr, changed.Set.ReplicaSet.Name)
		}
	}
	if len(steps) != 2 {
		t.Errorf("steps %v, want 2 (two voters added, one per reconfig)", steps)
	}
	if len(files) != len(steps)+1 {
		t.Errorf("no %s beside the steps", BasePath)
	}
}
