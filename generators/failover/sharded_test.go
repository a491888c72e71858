package failover

import (
	"encoding/json"
	"path"
	"testing"

	"github.com/topogen/topogen/internal/testtopo"
)

// TestShardedFailoverPerSet: in the sharded mode every set gets the
// replica-set mode's documents for the regions it has members in, the
// forced reconfig keeping that region's members of that set only, the
// config servers' configs with configsvr: true.
func TestShardedFailoverPerSet(t *testing.T) {
	topo := testtopo.Load(t, "../../golden/eu-residency/input")
	files, err := Generate(topo)
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string][]byte{}
	for _, f := range files {
		byPath[f.Path] = f.Data
	}
	want := 0
	for i, s := range topo.Sharding.Sets() {
		for _, r := range topo.Regions {
			members := s.RegionMembers(r.Name)
			p := path.Join(Dir, s.ReplicaSet.Name, r.Name+".json")
			data, found := byPath[p]
			if len(members) == 0 {
				if found {
					t.Errorf("%s: %s has no member in %s", p, s.ReplicaSet.Name, r.Name)
				}
				continue
			}
			want++
			if !found {
				t.Errorf("no %s", p)
				continue
			}
			var doc struct {
				ForcedReconfig struct {
					Config struct {
						ID        string `json:"_id"`
						ConfigSvr bool   `json:"configsvr"`
						Members   []struct {
							Host string `json:"host"`
						} `json:"members"`
					} `json:"config"`
				} `json:"forcedReconfig"`
			}
			if err := json.Unmarshal(data, &doc); err != nil {
				t.Fatal(err)
			}
			c := doc.ForcedReconfig.Config
			if c.ID != s.ReplicaSet.Name || c.ConfigSvr != (i == 0) || len(c.Members) != len(members) {
				t.Errorf("%s: forced config %s configsvr=%v with %d members, want %s configsvr=%v with %s's %d", p, c.ID, c.ConfigSvr, len(c.Members), s.ReplicaSet.Name, i == 0, r.Name, len(members))
				continue
			}
			for j, m := range members {
				if c.Members[j].Host != m.HostPort() {
					t.Errorf("%s: member %d %s, want %s", p, j, c.Members[j].Host, m.HostPort())
				}
			}
		}
	}
	if len(files) != want {
		t.Errorf("%d files, want %d (one per set and region it has members in)", len(files), want)
	}
}
