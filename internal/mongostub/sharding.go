package mongostub

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// role is how a set's members were started.
type role int

const (
	roleReplSet   role = iota // mongod --replSet
	roleConfigSvr             // mongod --configsvr --replSet
	roleShardSvr              // mongod --shardsvr --replSet
	roleMongos                // mongos --configdb
)

// Error codes of the sharding commands (mongodb/mongo
// src/mongo/base/error_codes.yml).
const (
	CodeBadValue                      = 2
	CodeIllegalOperation              = 20
	CodeShardKeyNotFound              = 61
	CodeShardNotFound                 = 70
	CodeOperationFailed               = 96
	CodeFailedToSatisfyReadPreference = 133
	CodeZoneNotFound                  = 177
	CodeRangeOverlapConflict          = 178
)

// Cluster is a scripted sharded cluster: the config server replica set,
// the shards' replica sets (each an uninitiated Set until a script
// initiates it) and the mongos routers, all answering on 127.0.0.1. The
// routers keep the config database (config.shards, config.tags,
// config.collections) a real cluster keeps on the config servers, so a
// second run of a script sees what the first one did.
type Cluster struct {
	Config *Set
	// Shards in the order given to NewCluster.
	Shards []*Set
	Mongos *Set

	mu          sync.Mutex
	shards      []bson.D // config.shards: {_id, host, state, tags}
	tags        []bson.D // config.tags: {_id, ns, min, max, tag}
	collections []bson.D // config.collections: {_id, key, unique}
}

// NewCluster starts uninitiated config server members (csrs), shard
// members (one host list per shard set) and mongos routers.
func NewCluster(t testing.TB, csrs []string, shards [][]string, mongos []string) *Cluster {
	t.Helper()
	c := &Cluster{}
	c.Config = newSet(t, csrs, roleConfigSvr, c)
	for _, hs := range shards {
		c.Shards = append(c.Shards, newSet(t, hs, roleShardSvr, c))
	}
	c.Mongos = newSet(t, mongos, roleMongos, c)
	return c
}

func (c *Cluster) sets() []*Set { return append([]*Set{c.Config, c.Mongos}, c.Shards...) }

// Addrs maps every host of the cluster to the address it listens on.
func (c *Cluster) Addrs() map[string]string {
	out := map[string]string{}
	for _, s := range c.sets() {
		for h, a := range s.Addrs() {
			out[h] = a
		}
	}
	return out
}

// Commands returns the commands every member and router received, in
// arrival order.
func (c *Cluster) Commands() []Command {
	var out []Command
	for _, s := range c.sets() {
		out = append(out, s.Commands()...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}

// ConfigDB returns a copy of a config database collection ("shards",
// "tags", "collections").
func (c *Cluster) ConfigDB(coll string) []bson.D {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]bson.D(nil), *c.configColl(coll)...)
}

func (c *Cluster) configColl(name string) *[]bson.D {
	switch name {
	case "shards":
		return &c.shards
	case "tags":
		return &c.tags
	case "collections":
		return &c.collections
	}
	return nil
}

// checkConfigSvr: a --configsvr member initiates only a config with
// configsvr: true, and any other member only one without (mongod's
// BadValue, as its log shows: "Nodes started with the --configsvr flag
// must have configsvr:true in their config"; mongodb-facts.md §1.3).
func (s *Set) checkConfigSvr(c *config) bson.D {
	switch {
	case s.role == roleConfigSvr && !c.configsvr:
		return commandError(CodeBadValue, "BadValue", "Nodes started with the --configsvr flag must have configsvr:true in their config")
	case s.role != roleConfigSvr && c.configsvr:
		return commandError(CodeBadValue, "BadValue", "Nodes being used for config servers must be started with the --configsvr flag")
	}
	return nil
}

// mongos answers what a router answers differently from a mongod; the
// rest (authentication) falls through to the member's handling.
func (m *Member) mongos(conn *connState, lower, name string, doc bson.D) (bson.D, bool) {
	c := m.set.cluster
	switch lower {
	case "hello", "ismaster":
		return m.routerHello(name, doc), true
	case "ping", "endsessions":
		return ok(), true
	case "saslstart", "saslcontinue":
		return nil, false
	}
	// Everything else needs the config servers: a mongos whose config
	// server replica set has no primary cannot read or write metadata.
	cs := c.Config
	cs.mu.Lock()
	csrs, primary := cs.cfg, cs.primary
	cs.mu.Unlock()
	if csrs == nil || primary == "" {
		return commandError(CodeFailedToSatisfyReadPreference, "FailedToSatisfyReadPreference",
			"Could not find host matching read preference { mode: \"primary\" } for set of the config servers"), true
	}
	switch lower {
	case "usersinfo", "createuser", "updateuser", "rolesinfo", "createrole", "updaterole":
		// Users created through a mongos live on the config servers
		// (MongoDB manual, "Users": sharded cluster users).
		cs.mu.Lock()
		defer cs.mu.Unlock()
		return cs.byHost[primary].command(&connState{user: conn.user}, name, doc), true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch lower {
	case "find":
		return c.find(conn.db, doc), true
	case "addshard":
		return c.addShard(doc), true
	case "addshardtozone":
		return c.addShardToZone(doc), true
	case "updatezonekeyrange":
		return c.updateZoneKeyRange(doc), true
	case "shardcollection":
		return c.shardCollection(doc), true
	}
	return commandError(CodeCommandNotFound, "CommandNotFound", fmt.Sprintf("no such command: '%s'", name)), true
}

// routerHello is a mongos's hello: writable, msg "isdbgrid", no set
// (MongoDB manual, "hello": "msg: isdbgrid when connected to a mongos").
func (m *Member) routerHello(name string, doc bson.D) bson.D {
	primaryKey := "isWritablePrimary"
	if name != "hello" {
		primaryKey = "ismaster"
	}
	var out bson.D
	if lookup(doc, "helloOk") != nil {
		out = append(out, bson.E{Key: "helloOk", Value: true})
	}
	return ok(append(out,
		bson.E{Key: primaryKey, Value: true},
		bson.E{Key: "msg", Value: "isdbgrid"},
		bson.E{Key: "maxBsonObjectSize", Value: int32(maxBsonObjectSize)},
		bson.E{Key: "maxMessageSizeBytes", Value: int32(maxMessageSizeBytes)},
		bson.E{Key: "maxWriteBatchSize", Value: int32(maxWriteBatchSize)},
		bson.E{Key: "localTime", Value: bson.NewDateTimeFromTime(helloTime)},
		bson.E{Key: "logicalSessionTimeoutMinutes", Value: int32(logicalSessionTimeout)},
		bson.E{Key: "connectionId", Value: m.set.reqID + 1},
		bson.E{Key: "minWireVersion", Value: int32(0)},
		bson.E{Key: "maxWireVersion", Value: int32(maxWireVersion)},
		bson.E{Key: "readOnly", Value: false},
	)...)
}

// find answers a find on the config database: top-level equality
// filters, one closed batch.
func (c *Cluster) find(db string, doc bson.D) bson.D {
	coll, _ := lookup(doc, "find").(string)
	docs := bson.A{}
	var src []bson.D
	if db == "config" {
		if p := c.configColl(coll); p != nil {
			src = *p
		}
	}
	filter, _ := lookup(doc, "filter").(bson.D)
	for _, d := range src {
		if matches(d, filter) {
			docs = append(docs, d)
		}
	}
	return ok(bson.E{Key: "cursor", Value: bson.D{
		{Key: "firstBatch", Value: docs},
		{Key: "id", Value: int64(0)},
		{Key: "ns", Value: db + "." + coll},
	}})
}

func matches(d, filter bson.D) bool {
	for _, f := range filter {
		if !sameValue(lookup(d, f.Key), f.Value) {
			return false
		}
	}
	return true
}

// sameValue compares two BSON values by their canonical Extended JSON.
func sameValue(a, b any) bool {
	ja, errA := bson.MarshalExtJSON(bson.D{{Key: "v", Value: a}}, true, false)
	jb, errB := bson.MarshalExtJSON(bson.D{{Key: "v", Value: b}}, true, false)
	return errA == nil && errB == nil && string(ja) == string(jb)
}

// shardSet finds the shard replica set a seed list names.
func (c *Cluster) shardSet(url string) (*Set, string, []string) {
	setName, list, _ := strings.Cut(url, "/")
	hosts := strings.Split(list, ",")
	for _, s := range c.Shards {
		for _, h := range hosts {
			if s.byHost[h] != nil {
				return s, setName, hosts
			}
		}
	}
	return nil, setName, hosts
}

// addShard follows ShardingCatalogManager::addShard
// (sharding_catalog_manager_shard_operations.cpp): the seed list must
// reach an initiated --shardsvr replica set of that name; a shard that
// already exists with the same name and set is an equivalent repeat and
// succeeds, changing nothing; the same name or hosts with other options is
// IllegalOperation. The stored host lists the set's members.
func (c *Cluster) addShard(doc bson.D) bson.D {
	url, _ := doc[0].Value.(string)
	s, setName, hosts := c.shardSet(url)
	if s == nil || !strings.Contains(url, "/") {
		return commandError(CodeOperationFailed, "OperationFailed", fmt.Sprintf("failed to connect to %s", url))
	}
	s.mu.Lock()
	cfg, primary, r := s.cfg, s.primary, s.role
	s.mu.Unlock()
	if cfg == nil || primary == "" {
		return commandError(CodeOperationFailed, "OperationFailed", fmt.Sprintf("in seed list %s, host %s does not belong to replica set %s", url, hosts[0], setName))
	}
	if cfg.name != setName {
		return commandError(CodeOperationFailed, "OperationFailed", fmt.Sprintf("the replica set name %s of the seed list %s is not the set's name %s", setName, url, cfg.name))
	}
	if r != roleShardSvr {
		return commandError(CodeOperationFailed, "OperationFailed", fmt.Sprintf("%s is not started with --shardsvr", url))
	}
	name, _ := lookup(doc, "name").(string)
	if name == "" {
		name = setName
	}
	for _, sh := range c.shards {
		id, _ := lookup(sh, "_id").(string)
		host, _ := lookup(sh, "host").(string)
		sameSet := strings.HasPrefix(host, setName+"/")
		switch {
		case id == name && sameSet:
			return ok(bson.E{Key: "shardAdded", Value: name})
		case id == name:
			return commandError(CodeIllegalOperation, "IllegalOperation", fmt.Sprintf("A shard named %s already exists", name))
		case sameSet:
			return commandError(CodeIllegalOperation, "IllegalOperation", fmt.Sprintf("'%s' is already a member of the existing shard '%s' (%s).", hosts[0], host, id))
		}
	}
	var members []string
	for _, mc := range cfg.members {
		members = append(members, mc.Host)
	}
	c.shards = append(c.shards, bson.D{
		{Key: "_id", Value: name},
		{Key: "host", Value: setName + "/" + strings.Join(members, ",")},
		{Key: "state", Value: int32(1)},
	})
	return ok(bson.E{Key: "shardAdded", Value: name})
}

// addShardToZone adds the zone to the shard's tags ($addToSet: a repeat
// changes nothing); an unknown shard is ShardNotFound (MongoDB manual,
// "addShardToZone").
func (c *Cluster) addShardToZone(doc bson.D) bson.D {
	name, _ := doc[0].Value.(string)
	zone, _ := lookup(doc, "zone").(string)
	for i, sh := range c.shards {
		if lookup(sh, "_id") != name {
			continue
		}
		tags, _ := lookup(sh, "tags").(bson.A)
		for _, z := range tags {
			if z == zone {
				return ok()
			}
		}
		c.shards[i] = set(sh, "tags", append(append(bson.A{}, tags...), zone))
		return ok()
	}
	return commandError(CodeShardNotFound, "ShardNotFound", fmt.Sprintf("Shard %s does not exist", name))
}

func (c *Cluster) zoneExists(zone string) bool {
	for _, sh := range c.shards {
		tags, _ := lookup(sh, "tags").(bson.A)
		for _, z := range tags {
			if z == zone {
				return true
			}
		}
	}
	return false
}

func (c *Cluster) collection(ns string) (bson.D, bool) {
	for _, d := range c.collections {
		if lookup(d, "_id") == ns {
			return d, true
		}
	}
	return nil, false
}

// updateZoneKeyRange follows ShardingCatalogManager::assignKeyRangeToZone
// (sharding_catalog_manager_assign_key_range_to_zone_test.cpp): the zone
// must exist (ZoneNotFound); min and max name the shard key's fields of a
// sharded collection, or the same fields on an unsharded one
// (ShardKeyNotFound); a range equal to an existing one of the same zone
// is a no-op; any overlap, or the same range for another zone, is
// RangeOverlapConflict. zone: null removes the range.
func (c *Cluster) updateZoneKeyRange(doc bson.D) bson.D {
	ns, _ := doc[0].Value.(string)
	minD, _ := lookup(doc, "min").(bson.D)
	maxD, _ := lookup(doc, "max").(bson.D)
	zoneV := lookup(doc, "zone")
	fields := keys(minD)
	if coll, sharded := c.collection(ns); sharded {
		key, _ := lookup(coll, "key").(bson.D)
		fields = keys(key)
	}
	if strings.Join(keys(minD), ",") != strings.Join(fields, ",") || strings.Join(keys(maxD), ",") != strings.Join(fields, ",") {
		return commandError(CodeShardKeyNotFound, "ShardKeyNotFound", fmt.Sprintf("min and max of the range must be the shard key of %s", ns))
	}
	if zoneV == nil {
		for i, t := range c.tags {
			if lookup(t, "ns") == ns && sameValue(lookup(t, "min"), minD) && sameValue(lookup(t, "max"), maxD) {
				c.tags = append(c.tags[:i], c.tags[i+1:]...)
				break
			}
		}
		return ok()
	}
	zone, _ := zoneV.(string)
	if !c.zoneExists(zone) {
		return commandError(CodeZoneNotFound, "ZoneNotFound", fmt.Sprintf("zone %s does not exist", zone))
	}
	for _, t := range c.tags {
		if lookup(t, "ns") != ns {
			continue
		}
		tMin, _ := lookup(t, "min").(bson.D)
		tMax, _ := lookup(t, "max").(bson.D)
		if compareDocs(minD, tMax) >= 0 || compareDocs(tMin, maxD) >= 0 {
			continue // disjoint: [min, max) ends before or starts after
		}
		if sameValue(tMin, minD) && sameValue(tMax, maxD) && lookup(t, "tag") == zone {
			return ok()
		}
		return commandError(CodeRangeOverlapConflict, "RangeOverlapConflict", fmt.Sprintf("Zone range: %v is overlapping with existing: %v", minD, tMin))
	}
	c.tags = append(c.tags, bson.D{
		{Key: "_id", Value: bson.D{{Key: "ns", Value: ns}, {Key: "min", Value: minD}}},
		{Key: "ns", Value: ns},
		{Key: "min", Value: minD},
		{Key: "max", Value: maxD},
		{Key: "tag", Value: zone},
	})
	return ok()
}

// shardCollection: a collection already sharded with the same key is an
// equivalent repeat and succeeds; with another key mongod refuses
// (checkIfCollectionAlreadySharded; jstests/sharding/shard_collection_basic.js
// "Fail if the collection is already sharded with different options").
// Zone ranges defined before must name the key's fields.
func (c *Cluster) shardCollection(doc bson.D) bson.D {
	ns, _ := doc[0].Value.(string)
	key, _ := lookup(doc, "key").(bson.D)
	if len(key) == 0 || !strings.Contains(ns, ".") {
		return commandError(CodeBadValue, "BadValue", "shardCollection needs a namespace <db>.<collection> and a key")
	}
	if coll, sharded := c.collection(ns); sharded {
		if sameValue(lookup(coll, "key"), key) {
			return ok(bson.E{Key: "collectionsharded", Value: ns})
		}
		return commandError(CodeAlreadyInitialized, "AlreadyInitialized", fmt.Sprintf("sharding already enabled for collection %s with options %v", ns, lookup(coll, "key")))
	}
	for _, t := range c.tags {
		if lookup(t, "ns") != ns {
			continue
		}
		tMin, _ := lookup(t, "min").(bson.D)
		if strings.Join(keys(tMin), ",") != strings.Join(keys(key), ",") {
			return commandError(CodeShardKeyNotFound, "ShardKeyNotFound", fmt.Sprintf("a zone range of %s does not match the shard key", ns))
		}
	}
	c.collections = append(c.collections, bson.D{
		{Key: "_id", Value: ns},
		{Key: "key", Value: key},
		{Key: "unique", Value: false},
	})
	return ok(bson.E{Key: "collectionsharded", Value: ns})
}

func keys(d bson.D) []string {
	var out []string
	for _, e := range d {
		out = append(out, e.Key)
	}
	return out
}

// compareDocs orders two range bounds field by field.
func compareDocs(a, b bson.D) int {
	for i := range min(len(a), len(b)) {
		if c := compareValues(a[i].Value, b[i].Value); c != 0 {
			return c
		}
	}
	return len(a) - len(b)
}

// compareValues orders the values a zone range bound holds by BSON's
// comparison order (MongoDB manual, "Comparison/Sort Order": MinKey,
// numbers, strings, ..., MaxKey).
func compareValues(a, b any) int {
	rank := func(v any) int {
		switch v.(type) {
		case bson.MinKey:
			return 0
		case int32, int64, float64:
			return 1
		case string:
			return 2
		case bson.MaxKey:
			return 9
		}
		return 5
	}
	ra, rb := rank(a), rank(b)
	if ra != rb {
		return ra - rb
	}
	switch av := a.(type) {
	case string:
		return strings.Compare(av, b.(string))
	case int32, int64, float64:
		fa, fb := number(a), number(b)
		switch {
		case fa < fb:
			return -1
		case fa > fb:
			return 1
		}
	}
	return 0
}

func number(v any) float64 {
	switch n := v.(type) {
	case int32:
		return float64(n)
	case int64:
		return float64(n)
	case float64:
		return n
	}
	return 0
}
