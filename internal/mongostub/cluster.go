package mongostub

import (
	"sort"
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
