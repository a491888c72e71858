package schema_test

import (
	"strings"
	"testing"

	"github.com/topogen/topogen/internal/testtopo"
	"github.com/topogen/topogen/model"
	"github.com/topogen/topogen/schema"
)

// euCloudRegions are the AWS regions in the European Union the scenario
// allows EU data in (issue 18: the EU shard spans eu-west-1, Ireland, and
// eu-central-1, Frankfurt). Written from the scenario, not read from the
// resolver.
var euCloudRegions = map[string]bool{"eu-west-1": true, "eu-central-1": true}

// TestEUDocumentsStayInEU routes documents of EU and non-EU countries
// through every collection's zone ranges the way mongos does (the range
// holding the key, min inclusive and max exclusive) and checks where the
// shard owning the range keeps its members: a German, French or Irish
// document only on members in EU cloud regions; a US or Singaporean one
// on the default shard. The ranges must also tile the key space from
// MinKey to MaxKey, so no document falls outside a zone.
func TestEUDocumentsStayInEU(t *testing.T) {
	topo := testtopo.Load(t, "../golden/eu-residency/input")
	sh := topo.Sharding
	if sh == nil {
		t.Fatal("eu-residency resolves to the replica-set mode")
	}
	cloud := map[string]string{}
	for _, r := range topo.Regions {
		cloud[r.Name] = r.CloudRegion
	}
	shardOf := map[string]model.Shard{}
	for _, s := range sh.Shards {
		shardOf[s.Zone] = s
	}
	if len(sh.Collections) != 2 {
		t.Fatalf("collections %d, want app.orders and app.users", len(sh.Collections))
	}
	for _, col := range sh.Collections {
		checkTiling(t, col)
		for country, inEU := range map[string]bool{"DE": true, "FR": true, "IE": true, "US": false, "SG": false, "CH": false, "": false} {
			doc := docKey(col, country)
			zone := ""
			for _, rg := range col.Ranges {
				if compareKeys(rg.Min, doc) <= 0 && compareKeys(doc, rg.Max) < 0 {
					zone = rg.Zone
				}
			}
			s, ok := shardOf[zone]
			if !ok {
				t.Fatalf("%s: a document of %q falls in zone %q, which has no shard", col.Namespace, country, zone)
			}
			if inEU == s.Default {
				t.Errorf("%s: a document of %q lives on shard %s (default %v)", col.Namespace, country, s.Name, s.Default)
			}
			if !inEU {
				continue
			}
			if len(s.Set.Members) == 0 {
				t.Fatalf("shard %s has no members", s.Name)
			}
			for _, m := range s.Set.Members {
				if !euCloudRegions[cloud[m.Region]] {
					t.Errorf("%s: a document of %q lives on %s in %s (%s), outside the EU", col.Namespace, country, m.Host, m.Region, cloud[m.Region])
				}
				if !strings.Contains(m.Host, "."+m.Region+".") {
					t.Errorf("member host %s is not in its region's zone %s", m.Host, m.Region)
				}
			}
		}
	}
}

// docKey is the shard key of a document of that country; "" is a
// document without the field, which sorts as null, below every string
// (BSON comparison order), so it is modelled below the smallest string.
func docKey(col model.ShardedCollection, country string) []bound {
	k := []bound{{rank: 1, v: country}}
	if country == "" {
		k[0] = bound{rank: 0, v: "null"} // above MinKey (rank -1), below strings
	}
	for range col.Key[1:] {
		k = append(k, bound{rank: 1, v: "some-id"})
	}
	return k
}

// bound orders values as BSON does: MinKey < null < strings < MaxKey.
type bound struct {
	rank int
	v    string
}

func toBounds(b []model.KeyBound) []bound {
	out := make([]bound, len(b))
	for i, k := range b {
		switch k.Special {
		case model.MinKey:
			out[i] = bound{rank: -1}
		case model.MaxKey:
			out[i] = bound{rank: 2}
		default:
			out[i] = bound{rank: 1, v: k.Value}
		}
	}
	return out
}

func compareKeys[A, B []model.KeyBound | []bound](a A, b B) int {
	x, y := asBounds(a), asBounds(b)
	for i := range x {
		switch {
		case x[i].rank != y[i].rank:
			return x[i].rank - y[i].rank
		case x[i].v < y[i].v:
			return -1
		case x[i].v > y[i].v:
			return 1
		}
	}
	return 0
}

func asBounds(v any) []bound {
	switch b := v.(type) {
	case []bound:
		return b
	case []model.KeyBound:
		return toBounds(b)
	}
	return nil
}

// checkTiling: the ranges are in order, each non-empty, each starting
// where the previous ends, from all MinKey to all MaxKey.
func checkTiling(t *testing.T, col model.ShardedCollection) {
	t.Helper()
	rs := col.Ranges
	if len(rs) == 0 {
		t.Fatalf("%s: no zone ranges", col.Namespace)
	}
	for _, b := range toBounds(rs[0].Min) {
		if b.rank != -1 {
			t.Errorf("%s: the first range starts at %v, not MinKey", col.Namespace, rs[0].Min)
		}
	}
	for _, b := range toBounds(rs[len(rs)-1].Max) {
		if b.rank != 2 {
			t.Errorf("%s: the last range ends at %v, not MaxKey", col.Namespace, rs[len(rs)-1].Max)
		}
	}
	for i, r := range rs {
		if len(r.Min) != len(col.Key) || len(r.Max) != len(col.Key) {
			t.Errorf("%s: range %d bounds do not name every key field", col.Namespace, i)
		}
		if compareKeys(r.Min, r.Max) >= 0 {
			t.Errorf("%s: range %d [%v, %v) is empty", col.Namespace, i, r.Min, r.Max)
		}
		if i > 0 && compareKeys(rs[i-1].Max, r.Min) != 0 {
			t.Errorf("%s: range %d starts at %v, the previous ends at %v", col.Namespace, i, r.Min, rs[i-1].Max)
		}
	}
}

// TestShardedNodeFit: a region's MongoDB nodes are of the largest type
// its sets declare (most memory: r6i.32xlarge, 128 vCPU, 1024 GiB), so a
// config server asking 180 CPUs of its own m7i.48xlarge (192 vCPU) fits
// its type and not the node it will run on.
func TestShardedNodeFit(t *testing.T) {
	files := testtopo.ReadDir(t, "../golden/eu-residency/input")
	g := string(files["global.cue"])
	for old, new := range map[string]string{
		`	instanceType: "r6i.xlarge"`: `	instanceType: "r6i.32xlarge"`,
		`		cpu:          "1"`:         `		cpu:          "180"`,
		`"m6i.large"`:                 `"m7i.48xlarge"`,
	} {
		if !strings.Contains(g, old) {
			t.Fatalf("global.cue lacks %q", old)
		}
		g = strings.Replace(g, old, new, 1)
	}
	files["global.cue"] = []byte(g)
	_, diags := schema.LoadFiles("eu", files)
	want := `sharding.configServers.sizing.cpu: cpu 180 for mongod`
	want2 := `on r6i.32xlarge (the MongoDB nodes of region`
	if !strings.Contains(diags.Error(), want) || !strings.Contains(diags.Error(), want2) {
		t.Errorf("diagnostics\n%v\nwant %q ... %q", diags, want, want2)
	}
}
