package replset

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/internal/mongoshtest"
	"github.com/topogen/topogen/internal/mongostub"
	"github.com/topogen/topogen/internal/testtopo"
	"github.com/topogen/topogen/model"
)

// Behaviour test of the sharded mode's init sequence, in the real mongosh
// against a scripted sharded cluster (mongostub.Cluster): each set's
// init-replset.js, then init-sharding.js through the mongos, as the init
// Job runs them. The expected commands are written from the topology and
// the MongoDB manual's command shapes, not read from the generator.

func setHosts(s model.MemberSet) []string {
	var out []string
	for _, m := range s.Members {
		out = append(out, m.HostPort())
	}
	return out
}

// shardedReads: what the scripts and mongosh send without changing the
// cluster (reads of the config database included).
var shardedReads = map[string]bool{"find": true, "getMore": true, "killCursors": true}

func clusterWrites(cmds []mongostub.Command) []mongostub.Command {
	var out []mongostub.Command
	for _, c := range cmds {
		if !readOnly[c.Name] && !shardedReads[c.Name] {
			out = append(out, c)
		}
	}
	return out
}

// bound is a zone range bound as the command carries it.
func bound(key []model.ShardKeyField, b []model.KeyBound) bson.D {
	var d bson.D
	for i, f := range key {
		var v any = b[i].Value
		switch b[i].Special {
		case model.MinKey:
			v = bson.MinKey{}
		case model.MaxKey:
			v = bson.MaxKey{}
		}
		d = append(d, bson.E{Key: f.Field, Value: v})
	}
	return d
}

// wantedSequence is the init sequence's writes: initiate the config
// servers (configsvr: true) and each shard on one of its members, then
// through the mongos addShard for every shard ("<set>/<host:port>,..."),
// addShardToZone, updateZoneKeyRange for every range, shardCollection.
func wantedSequence(topo *model.Topology) []string {
	sh := topo.Sharding
	var out []string
	out = append(out, "replSetInitiate "+sh.ConfigServers.ReplicaSet.Name+" configsvr=true")
	for _, s := range sh.Shards {
		out = append(out, "replSetInitiate "+s.Set.ReplicaSet.Name+" configsvr=false")
	}
	for _, s := range sh.Shards {
		out = append(out, fmt.Sprintf("addShard %s/%s name=%s", s.Set.ReplicaSet.Name, strings.Join(setHosts(s.Set), ","), s.Name))
	}
	for _, s := range sh.Shards {
		out = append(out, "addShardToZone "+s.Name+" zone="+s.Zone)
	}
	for _, c := range sh.Collections {
		for _, r := range c.Ranges {
			out = append(out, fmt.Sprintf("updateZoneKeyRange %s min=%s max=%s zone=%s", c.Namespace, extJSON(bound(c.Key, r.Min)), extJSON(bound(c.Key, r.Max)), r.Zone))
		}
	}
	for _, c := range sh.Collections {
		var key bson.D
		for _, f := range c.Key {
			var v any = int32(1)
			if f.Hashed {
				v = "hashed"
			}
			key = append(key, bson.E{Key: f.Field, Value: v})
		}
		out = append(out, "shardCollection "+c.Namespace+" key="+extJSON(key))
	}
	return out
}

func extJSON(v any) string {
	b, err := bson.MarshalExtJSON(bson.D{{Key: "v", Value: v}}, true, false)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func field(c mongostub.Command, key string) any {
	for _, e := range c.Doc {
		if e.Key == key {
			return e.Value
		}
	}
	return nil
}

// describeWrite renders a received write like wantedSequence, checking
// where it was sent.
func describeWrite(t *testing.T, topo *model.Topology, c mongostub.Command) string {
	sh := topo.Sharding
	switch c.Name {
	case "replSetInitiate":
		cfg, _ := c.Doc[0].Value.(bson.D)
		var doc struct {
			ID        string `bson:"_id"`
			ConfigSvr bool   `bson:"configsvr"`
			Members   []struct {
				Host string `bson:"host"`
			} `bson:"members"`
		}
		raw, _ := bson.Marshal(cfg)
		if err := bson.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		var hosts []string
		for _, m := range doc.Members {
			hosts = append(hosts, m.Host)
		}
		for _, s := range append([]model.MemberSet{sh.ConfigServers}, shardSets(sh)...) {
			if s.ReplicaSet.Name == doc.ID {
				if d := cmp.Diff(setHosts(s), hosts); d != "" {
					t.Errorf("replSetInitiate %s members (-topology +sent):\n%s", doc.ID, d)
				}
				if !contains(setHosts(s), c.Member) {
					t.Errorf("replSetInitiate %s sent to %s, not one of its members", doc.ID, c.Member)
				}
			}
		}
		return fmt.Sprintf("replSetInitiate %s configsvr=%v", doc.ID, doc.ConfigSvr)
	case "addShard":
		return fmt.Sprintf("addShard %v name=%v", c.Doc[0].Value, field(c, "name"))
	case "addShardToZone":
		return fmt.Sprintf("addShardToZone %v zone=%v", c.Doc[0].Value, field(c, "zone"))
	case "updateZoneKeyRange":
		return fmt.Sprintf("updateZoneKeyRange %v min=%s max=%s zone=%v", c.Doc[0].Value, extJSON(field(c, "min")), extJSON(field(c, "max")), field(c, "zone"))
	case "shardCollection":
		return fmt.Sprintf("shardCollection %v key=%s", c.Doc[0].Value, extJSON(field(c, "key")))
	}
	return c.Name + "@" + c.Member
}

func shardSets(sh *model.Sharding) []model.MemberSet {
	var out []model.MemberSet
	for _, s := range sh.Shards {
		out = append(out, s.Set)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func newCluster(t *testing.T, topo *model.Topology) (*mongostub.Cluster, string) {
	sh := topo.Sharding
	var shards [][]string
	for _, s := range sh.Shards {
		shards = append(shards, setHosts(s.Set))
	}
	mongos := names.MongosAddress(topo, topo.Preferred())
	return mongostub.NewCluster(t, setHosts(sh.ConfigServers), shards, []string{mongos}), mongos
}

// runSequence runs the init Job's scripts in its order, stopping at the
// first that fails.
func runSequence(t *testing.T, topo *model.Topology, c *mongostub.Cluster, env []string) []mongoshtest.Result {
	sh := topo.Sharding
	scripts := [][]byte{SetInitScript(sh.ConfigServers, true)}
	for _, s := range sh.Shards {
		scripts = append(scripts, SetInitScript(s.Set, false))
	}
	scripts = append(scripts, ShardingScript(topo))
	var out []mongoshtest.Result
	for i, s := range scripts {
		res := mongoshtest.Run(t, c, env, "--nodb", "--quiet", "--file", writeScript(t, fmt.Sprintf("script-%d.js", i), s))
		out = append(out, res)
		if res.Exit != 0 {
			break
		}
	}
	return out
}

// shardedTopologies: the hand-built fixture and golden/eu-residency (27
// EU countries as values, a hashed second key field).
func shardedTopologies(t *testing.T) map[string]*model.Topology {
	return map[string]*model.Topology{
		"fixture":      testtopo.Sharded(t),
		"eu-residency": testtopo.Load(t, "../../golden/eu-residency/input"),
	}
}

func TestShardedInitSequenceInMongosh(t *testing.T) {
	findOnce.Do(func() { mongoshtest.Find(t) })
	t.Parallel()
	for name, topo := range shardedTopologies(t) {
		t.Run(name, func(t *testing.T) {
			parallel(t)
			testShardedInitSequence(t, topo)
		})
	}
}

func testShardedInitSequence(t *testing.T, topo *model.Topology) {
	c, _ := newCluster(t, topo)
	env := append([]string{"TOPOGEN_MONGOS_WAIT_SECS=5"}, fastWaits...)

	first := runSequence(t, topo, c, env)
	var got []string
	for _, w := range clusterWrites(c.Commands()) {
		got = append(got, describeWrite(t, topo, w))
	}
	if d := cmp.Diff(wantedSequence(topo), got); d != "" {
		t.Errorf("first run's writes (-want +got):\n%s", d)
	}
	for i, res := range first {
		if res.Exit != 0 {
			t.Errorf("script %d: exit %d\nstdout:\n%s\nstderr:\n%s", i, res.Exit, res.Stdout, res.Stderr)
		}
	}
	last := first[len(first)-1]
	if want := fmt.Sprintf("topogen: sharded cluster matches the topology: %d shards, %d sharded collections\n", len(topo.Sharding.Shards), len(topo.Sharding.Collections)); !strings.HasSuffix(last.Stdout, want) {
		t.Errorf("init-sharding.js stdout does not end with %q:\n%s", want, last.Stdout)
	}

	// The cluster's metadata is the topology's.
	for _, s := range topo.Sharding.Shards {
		found := false
		for _, d := range c.ConfigDB("shards") {
			if d[0].Value == s.Name {
				found = true
				raw, _ := bson.Marshal(d)
				var doc struct {
					Host string   `bson:"host"`
					Tags []string `bson:"tags"`
				}
				_ = bson.Unmarshal(raw, &doc)
				if !strings.HasPrefix(doc.Host, s.Set.ReplicaSet.Name+"/") || !cmp.Equal(doc.Tags, []string{s.Zone}) {
					t.Errorf("config.shards %s: host %s tags %v, want set %s in zone %s", s.Name, doc.Host, doc.Tags, s.Set.ReplicaSet.Name, s.Zone)
				}
			}
		}
		if !found {
			t.Errorf("config.shards lacks %s", s.Name)
		}
	}
	ranges := 0
	for _, col := range topo.Sharding.Collections {
		ranges += len(col.Ranges)
	}
	if n := len(c.ConfigDB("tags")); n != ranges {
		t.Errorf("config.tags holds %d ranges, the topology %d", n, ranges)
	}

	// Second run: every script finds its work done and writes nothing.
	before := len(c.Commands())
	second := runSequence(t, topo, c, env)
	for i, res := range second {
		if res.Exit != 0 {
			t.Errorf("second run, script %d: exit %d\nstdout:\n%s\nstderr:\n%s", i, res.Exit, res.Stdout, res.Stderr)
		}
	}
	if w := clusterWrites(c.Commands()[before:]); len(w) > 0 {
		var names []string
		for _, x := range w {
			names = append(names, describeWrite(t, topo, x))
		}
		t.Errorf("second run sent writes: %v", names)
	}
	if len(second) != len(first) || !strings.Contains(second[len(second)-1].Stdout, "is sharded on") {
		t.Errorf("second run of init-sharding.js:\n%s", second[len(second)-1].Stdout)
	}
}

// TestShardingScriptWithoutConfigServers: before the config server
// replica set has a primary the mongos cannot read the config database;
// init-sharding.js waits, bounded, then exits 1 without a write.
func TestShardingScriptWithoutConfigServers(t *testing.T) {
	findOnce.Do(func() { mongoshtest.Find(t) })
	parallel(t)
	topo := testtopo.Sharded(t)
	c, mongos := newCluster(t, topo)
	env := append([]string{"TOPOGEN_MONGOS_WAIT_SECS=1"}, fastWaits...)
	res := mongoshtest.Run(t, c, env, "--nodb", "--quiet", "--file", writeScript(t, "init-sharding.js", ShardingScript(topo)))
	if w := clusterWrites(c.Commands()); len(w) > 0 {
		t.Errorf("writes sent without config servers: %v", w)
	}
	if want := "topogen: no mongos at " + mongos + " read the config database within 1 s"; res.Exit != 1 || !strings.Contains(res.Stdout, want) {
		t.Errorf("exit %d, want 1 and %q; stdout:\n%s\nstderr:\n%s", res.Exit, want, res.Stdout, res.Stderr)
	}
}

// TestShardingScriptReportsDifferentCluster: a cluster whose collection
// is sharded on another key than the topology's is reported and left
// alone: init-sharding.js exits 1 naming both keys, the config database
// is what it was.
func TestShardingScriptReportsDifferentCluster(t *testing.T) {
	findOnce.Do(func() { mongoshtest.Find(t) })
	parallel(t)
	topo := testtopo.Sharded(t)
	c, _ := newCluster(t, topo)
	env := append([]string{"TOPOGEN_MONGOS_WAIT_SECS=5"}, fastWaits...)
	// The running cluster: the same shards and zones, app.users already
	// sharded on {country: 1, email: 1} with no zone ranges.
	other := *topo
	sh := *topo.Sharding
	col := sh.Collections[0]
	col.Key = []model.ShardKeyField{{Field: "country"}, {Field: "email"}}
	col.Ranges = nil
	sh.Collections = []model.ShardedCollection{col}
	other.Sharding = &sh
	for i, res := range runSequence(t, &other, c, env) {
		if res.Exit != 0 {
			t.Fatalf("setting up the other cluster, script %d: exit %d\n%s\n%s", i, res.Exit, res.Stdout, res.Stderr)
		}
	}
	before := map[string]string{}
	for _, coll := range []string{"shards", "tags", "collections"} {
		before[coll] = extJSON(c.ConfigDB(coll))
	}
	res := mongoshtest.Run(t, c, env, "--nodb", "--quiet", "--file", writeScript(t, "init-sharding.js", ShardingScript(topo)))
	for coll, b := range before {
		if got := extJSON(c.ConfigDB(coll)); got != b {
			t.Errorf("config.%s changed:\n%s\nwas\n%s", coll, got, b)
		}
	}
	want := `topogen: app.users is sharded on {"country":1,"email":1}, the topology says {"country":1,"userId":1}; nothing was changed`
	if res.Exit != 1 || !strings.Contains(res.Stdout, want) {
		t.Errorf("exit %d, want 1 and %q; stdout:\n%s\nstderr:\n%s", res.Exit, want, res.Stdout, res.Stderr)
	}
}
