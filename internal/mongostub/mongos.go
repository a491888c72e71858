package mongostub

import (
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
)

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
