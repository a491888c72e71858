package testtopo

import (
	"cmp"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/topogen/topogen/model"
)

// shardedRegion adds eu-central-1 to the default topology: the second EU
// region the EU shard spans (issue 18's eu-residency layout).
const shardedRegion = `package regions

regions: euc: {
	id:          3
	cloudRegion: "eu-central-1"
	cidr:        "10.3.0.0/16"
	zones: ["eu-central-1a", "eu-central-1b", "eu-central-1c"]
	priority: 4
	members:  1
	voters:   0
	sizing: {
		cpu:          "14"
		memory:       "48Gi"
		storageSize:  "1Ti"
		storageClass: "fast-ssd"
		instanceType: "m6i.4xlarge"
	}
	serves: countries: ["DE"]
}
`

// Sharded is a hand-built zone-sharded topology for the sharded mode's
// generators, independent of the language that will fill
// model.Sharding: the default topology (regions/) plus eu-central-1
// ("euc"), with
//   - the config server replica set <rs>-config over every region
//     (apac 1, eu 1, euc 1, us 2: 5 voters, no region a majority);
//   - the EU shard <rs>-eu, zone "EU", in eu (2) and euc (1) only;
//   - the default shard <rs>-default, zone "default", in apac (2), eu (1)
//     and us (2);
//   - app.users sharded on {country: 1, userId: 1}, DE and FR in EU,
//     every other country in default;
//   - 2 mongos per region on the member port;
//   - eu and euc in the jurisdiction EU.
//
// Topology.ReplicaSet and Members are empty and Region.Members/Voters 0,
// as model.Sharding says of the sharded mode.
func Sharded(t testing.TB) *model.Topology {
	t.Helper()
	const dir = "regions"
	files := ReadDir(t, RepoDir(t, dir))
	files["euc.cue"] = []byte(shardedRegion)
	topo := LoadFiles(t, RepoDir(t, dir), files)
	rs := topo.ReplicaSet
	set := func(suffix string, perRegion map[string]int) model.MemberSet {
		s := model.MemberSet{ReplicaSet: rs}
		s.ReplicaSet.Name = rs.Name + "-" + suffix
		spanned := 0
		for _, r := range topo.Regions {
			n := perRegion[r.Name]
			if n > 0 {
				spanned++
			}
			for i := 0; i < n; i++ {
				pod := model.PodName(s.ReplicaSet.Name, r.Name, i)
				s.Members = append(s.Members, model.Member{
					ID: 100*r.ID + i, Region: r.Name, Ordinal: i, Pod: pod,
					Host: model.MemberHost(pod, r.DNSZone), Port: topo.MongoDB.Port,
					Zone: r.Zones[i%len(r.Zones)], Votes: 1, Priority: r.Priority,
				})
			}
			s.Sizing = r.Sizing
		}
		s.ReplicaSet.MultiRegionAckRegions = 0
		if spanned > 1 {
			s.ReplicaSet.MultiRegionAckRegions = 2
		}
		sortByID(s.Members)
		return s
	}
	bound := func(v string) model.KeyBound { return model.KeyBound{Value: v} }
	minKey, maxKey := model.KeyBound{Special: model.MinKey}, model.KeyBound{Special: model.MaxKey}
	rng := func(zone string, min, max []model.KeyBound) model.ZoneRange {
		return model.ZoneRange{Zone: zone, Min: min, Max: max}
	}
	sh := &model.Sharding{
		ConfigServers: set("config", map[string]int{"apac": 1, "eu": 1, "euc": 1, "us": 2}),
		Shards: []model.Shard{
			{Name: rs.Name + "-default", Zone: "default", Regions: []string{"apac", "eu", "us"}, Default: true,
				Set: set("default", map[string]int{"apac": 2, "eu": 1, "us": 2})},
			{Name: rs.Name + "-eu", Zone: "EU", Jurisdiction: "EU", Regions: []string{"eu", "euc"},
				Set: set("eu", map[string]int{"eu": 2, "euc": 1})},
		},
		Collections: []model.ShardedCollection{{
			Namespace: "app.users",
			Key:       []model.ShardKeyField{{Field: "country"}, {Field: "userId"}},
			Ranges: []model.ZoneRange{
				rng("default", []model.KeyBound{minKey, minKey}, []model.KeyBound{bound("DE"), minKey}),
				rng("EU", []model.KeyBound{bound("DE"), minKey}, []model.KeyBound{bound("DE"), maxKey}),
				rng("default", []model.KeyBound{bound("DE"), maxKey}, []model.KeyBound{bound("FR"), minKey}),
				rng("EU", []model.KeyBound{bound("FR"), minKey}, []model.KeyBound{bound("FR"), maxKey}),
				rng("default", []model.KeyBound{bound("FR"), maxKey}, []model.KeyBound{maxKey, maxKey}),
			},
		}},
	}
	for _, r := range topo.Regions {
		sh.Mongos = append(sh.Mongos, model.Mongos{Region: r.Name, Replicas: 2, Port: topo.MongoDB.Port, Sizing: r.Sizing})
	}
	for i, r := range topo.Regions {
		topo.Regions[i].Members, topo.Regions[i].Voters = 0, 0
		// eu and euc hold EU data: the jurisdiction the replica-set
		// mode refuses (golden/invalid-jurisdiction) and the EU zone
		// keeps.
		if r.Name == "eu" || r.Name == "euc" {
			topo.Regions[i].Jurisdiction = "EU"
		}
	}
	topo.ReplicaSet = model.ReplicaSet{}
	topo.Members = nil
	topo.Sharding = sh
	return topo
}

func sortByID(ms []model.Member) {
	slices.SortFunc(ms, func(a, b model.Member) int { return cmp.Compare(a.ID, b.ID) })
}

// RepoDir is dir of the repository, wherever the test runs.
func RepoDir(t testing.TB, dir string) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("no caller")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", dir)
}
