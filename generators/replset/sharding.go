package replset

import (
	"encoding/json"
	"strings"
	"text/template"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// Paths of the sharded mode's files, relative to the output directory:
// each set's rs-initiate.json and init script under replset/sets/<set>/, and
// the script that joins the sets into the cluster.
const ShardingScriptPath = "replset/init-sharding.js"

// SetDir is the directory of one set's files in the sharded mode. Under
// sets/, so that no set name can land in the failover or reconfig
// targets' replset/failover/ and replset/reconfig/.
func SetDir(set string) string { return "replset/sets/" + set }

// generateSharded renders out/replset/ in the sharded mode: the config
// server replica set and every shard get their rs-initiate.json and
// init-replset.js (the replica-set mode's first-boot logic, one set at a
// time), and init-sharding.js adds the shards, zones, zone ranges and
// sharded collections through a mongos.
func generateSharded(t *model.Topology) []generators.File {
	sh := t.Sharding
	var out []generators.File
	add := func(s model.MemberSet, configsvr bool) {
		dir := SetDir(s.ReplicaSet.Name)
		out = append(out,
			generators.File{Path: dir + "/rs-initiate.json", Data: MarshalConfig(SetConfig(s, configsvr))},
			generators.File{Path: dir + "/init-replset.js", Data: SetInitScript(s, configsvr)},
		)
	}
	add(sh.ConfigServers, true)
	for _, s := range sh.Shards {
		add(s.Set, false)
	}
	return append(out, generators.File{Path: ShardingScriptPath, Data: ShardingScript(t)})
}

// ShardURL is the addShard argument of a shard: "<set>/<host:port>,..."
// with every member (MongoDB manual, "addShard": a replica-set shard is
// named by its set and a seed list of its members).
func ShardURL(s model.Shard) string {
	var hosts []string
	for _, m := range s.Set.Members {
		hosts = append(hosts, m.HostPort())
	}
	return s.Set.ReplicaSet.Name + "/" + strings.Join(hosts, ",")
}

// MongosWaitSecs bounds how long init-sharding.js waits for a mongos
// that reaches the config servers: the mongos pods start with the
// members, so the members' first-boot budget plus an election of the
// config server replica set.
func MongosWaitSecs(t *model.Topology) int {
	b := SettingsBudgets(t.Sharding.ConfigServers.ReplicaSet.Settings)
	return b.MembersWaitSecs + b.PrimaryWaitSecs
}

// KeyDoc is a shard key as the shardCollection command takes it: {field:
// 1} or {field: "hashed"}, in key order.
func KeyDoc(key []model.ShardKeyField) json.RawMessage {
	var parts []string
	for _, f := range key {
		v := "1"
		if f.Hashed {
			v = `"hashed"`
		}
		parts = append(parts, jsonString(f.Field)+": "+v)
	}
	return json.RawMessage("{" + strings.Join(parts, ", ") + "}")
}

// BoundDoc is a zone range bound in MongoDB Extended JSON: each key
// field's value, MinKey and MaxKey as {"$minKey": 1} / {"$maxKey": 1}
// (Extended JSON v2 spec), which the script turns into BSON MinKey /
// MaxKey with EJSON.deserialize.
func BoundDoc(key []model.ShardKeyField, bound []model.KeyBound) json.RawMessage {
	var parts []string
	for i, f := range key {
		v := jsonString(bound[i].Value)
		switch bound[i].Special {
		case model.MinKey:
			v = `{"$minKey": 1}`
		case model.MaxKey:
			v = `{"$maxKey": 1}`
		}
		parts = append(parts, jsonString(f.Field)+": "+v)
	}
	return json.RawMessage("{" + strings.Join(parts, ", ") + "}")
}

func jsonString(s string) string { return scriptJSON(s, false) }

// shardingScript joins the initiated sets into the cluster, through a
// mongos, and changes only what config.* shows is missing, so a second
// run sends no write. Before any write it compares what the cluster has:
// a shard name on another replica set or a collection sharded on another
// key is reported and nothing is changed. Then, in order:
//   - addShard (the command sh.addShard sends, with the shard's name:
//     mongosh shell-api shard.ts): skipped when config.shards holds the
//     shard. mongod would also accept an equivalent repeat and refuse a
//     different one (IllegalOperation "is already a member of the existing
//     shard": sharding_catalog_manager_shard_operations.cpp
//     _checkIfShardExists);
//   - addShardToZone {addShardToZone: shard, zone} (sh.addShardToZone):
//     skipped when the shard's config.shards tags hold the zone;
//   - updateZoneKeyRange {updateZoneKeyRange: ns, min, max, zone}
//     (sh.updateZoneKeyRange): skipped when config.tags holds the range
//     for the zone. mongod treats an identical range as a no-op and
//     refuses an overlapping or re-zoned one with RangeOverlapConflict
//     (sharding_catalog_manager_assign_key_range_to_zone_test.cpp), which
//     the script reports without removing anything. Ranges go in before
//     shardCollection: zones and ranges may be defined on a collection not
//     sharded yet, and sharding an empty collection then creates and
//     places the chunks on the zones' shards (MongoDB manual, "Zones":
//     initial chunk distribution with zones);
//   - shardCollection {shardCollection: ns, key} (sh.shardCollection):
//     skipped when config.collections holds the namespace with the same
//     key; a different key is reported (mongod refuses to shard it again
//     with other options: checkIfCollectionAlreadySharded). MongoDB 6.0+
//     needs no enableSharding first (MongoDB manual, "enableSharding").
var shardingScript = template.Must(scriptHelpers(template.New("sharding")).Parse(`{{template "notice"}}
// Idempotent: through a mongos, adds the shards, puts each in its zone,
// assigns the zone key ranges and shards the collections, each only when
// the config database shows it is not done yet; changes nothing else.
// Run after every set's init-replset.js.
//   mongosh --nodb --quiet --file init-sharding.js
// Environment:
//   TOPOGEN_MONGOS           host:port of a mongos (default "{{.Mongos}}")
//   TOPOGEN_URI_OPTIONS      connection-string options (default "tls=true")
//   TOPOGEN_CREDENTIALS_DIR  directory holding "username" and "password" files (a mounted
//                            Secret); unset: no authentication
//   TOPOGEN_MONGOS_WAIT_SECS: override the budget below

const shards = {{.ShardsJSON}};

const collections = {{.CollectionsJSON}};

const env = process.env;
const MONGOS = env.TOPOGEN_MONGOS || "{{.Mongos}}";
// The mongos answers once the config server replica set has a primary.
const MONGOS_WAIT_SECS = Number(env.TOPOGEN_MONGOS_WAIT_SECS || {{.MongosWait}});
// The mongos connection's timeouts; an option TOPOGEN_URI_OPTIONS names
// replaces the one here (and authSource).
const TIMEOUTS = "serverSelectionTimeoutMS=5000&connectTimeoutMS=5000";

{{template "helpers"}}
{{template "credentials"}}
{{template "connectionString"}}
// Extended JSON text of a value, for comparing keys and bounds with what
// the config database returns (field order is significant in both).
function ejson(v) {
  return EJSON.stringify(v, { relaxed: false });
}

// show renders a value for the log (relaxed Extended JSON).
function show(v) {
  return EJSON.stringify(v);
}

// 1. Wait, bounded, for a mongos that reads the config database.
let admin, config;
const deadline = Date.now() + MONGOS_WAIT_SECS * 1000;
for (;;) {
  try {
    admin = new Mongo(mongodbURI(MONGOS, "")).getDB("admin");
    const h = admin.adminCommand({ hello: 1 });
    if (h.msg !== "isdbgrid") {
      fail(MONGOS + " is not a mongos (hello has no msg: \"isdbgrid\")");
    }
    config = admin.getSiblingDB("config");
    config.getCollection("shards").find().toArray();
    break;
  } catch (e) {
    if (Date.now() >= deadline) {
      fail("no mongos at " + MONGOS + " read the config database within " + MONGOS_WAIT_SECS + " s: " + describe(e));
    }
    log("waiting for the mongos at " + MONGOS + ": " + describe(e));
    sleep(Math.min(5000, MONGOS_WAIT_SECS * 100));
  }
}

function run(cmd, what) {
  try {
    return admin.adminCommand(cmd);
  } catch (e) {
    fail(what + " failed: " + describe(e));
  }
}

// 2. What the cluster already has must be the topology's before anything
// is written: a shard name on another replica set, or a collection sharded
// on another key (its ranges would not fit the key either), is reported.
const existing = {};
for (const s of config.getCollection("shards").find().toArray()) {
  existing[s._id] = s;
}
for (const s of shards) {
  const have = existing[s.name];
  if (have !== undefined && String(have.host).split("/")[0] !== s.set) {
    fail("shard " + s.name + " is in the cluster with host " + have.host + ", not replica set " + s.set + "; nothing was changed");
  }
}
const sharded = {};
for (const c of collections) {
  const key = EJSON.deserialize(c.key);
  const coll = config.getCollection("collections").findOne({ _id: c.ns });
  if (coll !== null && ejson(coll.key) !== ejson(key)) {
    fail(c.ns + " is sharded on " + show(coll.key) + ", the topology says " + show(key) +
      "; nothing was changed (changing a shard key is a reviewed reshardCollection)");
  }
  sharded[c.ns] = coll !== null;
}

// 3. Shards.
for (const s of shards) {
  if (existing[s.name] !== undefined) {
    log("shard " + s.name + " is in the cluster");
    continue;
  }
  run({ addShard: s.url, name: s.name }, "addShard " + s.name);
  existing[s.name] = { _id: s.name, host: s.url, tags: [] };
  log("added shard " + s.name + " (" + s.url + ")");
}

// 4. Zones.
for (const s of shards) {
  if ((existing[s.name].tags || []).includes(s.zone)) {
    log("shard " + s.name + " is in zone " + s.zone);
    continue;
  }
  run({ addShardToZone: s.name, zone: s.zone }, "addShardToZone " + s.name + " " + s.zone);
  log("added shard " + s.name + " to zone " + s.zone);
}

// 5. Zone ranges, before any collection is sharded.
for (const c of collections) {
  const ranges = config.getCollection("tags").find({ ns: c.ns }).toArray();
  const held = new Set(ranges.map((r) => ejson(r.min) + ejson(r.max) + r.tag));
  const wanted = new Set();
  for (const r of c.ranges) {
    const min = EJSON.deserialize(r.min), max = EJSON.deserialize(r.max);
    const id = ejson(min) + ejson(max) + r.zone;
    wanted.add(id);
    const what = c.ns + " " + show(min) + " -> " + show(max) + " in zone " + r.zone;
    if (held.has(id)) {
      log("range " + what + " is assigned");
      continue;
    }
    run({ updateZoneKeyRange: c.ns, min: min, max: max, zone: r.zone }, "updateZoneKeyRange " + what);
    log("assigned range " + what);
  }
  for (const r of ranges) {
    if (!wanted.has(ejson(r.min) + ejson(r.max) + r.tag)) {
      log("range " + c.ns + " " + show(r.min) + " -> " + show(r.max) + " in zone " + r.tag + " is not in the topology; nothing was changed");
    }
  }
}

// 6. The sharded collections.
for (const c of collections) {
  const key = EJSON.deserialize(c.key);
  if (sharded[c.ns]) {
    log(c.ns + " is sharded on " + show(key));
    continue;
  }
  run({ shardCollection: c.ns, key: key }, "shardCollection " + c.ns);
  log("sharded " + c.ns + " on " + show(key));
}
log("sharded cluster matches the topology: " + shards.length + " shards, " + collections.length + " sharded collections");
`))

// ShardingScript renders out/replset/init-sharding.js. It connects to
// the preferred region's mongos Service, where the init Job runs, unless
// TOPOGEN_MONGOS says otherwise.
func ShardingScript(t *model.Topology) []byte {
	mongos := names.MongosAddress(t, t.Preferred())
	sh := t.Sharding
	type shardJS struct {
		Name string `json:"name"`
		Set  string `json:"set"`
		Zone string `json:"zone"`
		URL  string `json:"url"`
	}
	type rangeJS struct {
		Zone string          `json:"zone"`
		Min  json.RawMessage `json:"min"`
		Max  json.RawMessage `json:"max"`
	}
	type collJS struct {
		NS     string          `json:"ns"`
		Key    json.RawMessage `json:"key"`
		Ranges []rangeJS       `json:"ranges"`
	}
	ss := []shardJS{} // [] rather than null in the script
	for _, s := range sh.Shards {
		ss = append(ss, shardJS{s.Name, s.Set.ReplicaSet.Name, s.Zone, ShardURL(s)})
	}
	cs := []collJS{}
	for _, c := range sh.Collections {
		cj := collJS{NS: c.Namespace, Key: KeyDoc(c.Key), Ranges: []rangeJS{}}
		for _, r := range c.Ranges {
			cj.Ranges = append(cj.Ranges, rangeJS{r.Zone, BoundDoc(c.Key, r.Min), BoundDoc(c.Key, r.Max)})
		}
		cs = append(cs, cj)
	}
	return renderScript(shardingScript, map[string]any{
		"Mongos":          mongos,
		"MongosWait":      MongosWaitSecs(t),
		"ShardsJSON":      scriptJSON(ss, true),
		"CollectionsJSON": scriptJSON(cs, true),
	})
}
