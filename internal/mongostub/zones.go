package mongostub

import (
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
)

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
