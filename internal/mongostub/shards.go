package mongostub

import (
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
)

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
