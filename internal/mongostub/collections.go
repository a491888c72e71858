package mongostub

import (
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
)

func (c *Cluster) collection(ns string) (bson.D, bool) {
	for _, d := range c.collections {
		if lookup(d, "_id") == ns {
			return d, true
		}
	}
	return nil, false
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
