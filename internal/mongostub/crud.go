package mongostub

import (
	"go.mongodb.org/mongo-driver/v2/bson"
)

// crud answers the client probe's commands, storing nothing: insert
// {n: <documents>, ok: 1}; find an empty first batch of a closed cursor
// {cursor: {firstBatch: [], id: 0, ns: "<db>.<coll>"}, ok: 1};
// createIndexes {numIndexesBefore, numIndexesAfter, ok: 1} (MongoDB
// manual, "insert", "find", "createIndexes": Output). Only a primary takes
// writes (NotWritablePrimary otherwise).
func (m *Member) crud(c *connState, name string, doc bson.D, initiated bool) bson.D {
	if !initiated {
		return notYetInitialized()
	}
	if name != "find" && m.set.primary != m.Host {
		return notWritablePrimary()
	}
	switch name {
	case "insert":
		docs, _ := lookup(doc, "documents").(bson.A)
		return ok(bson.E{Key: "n", Value: int32(len(docs))})
	case "find":
		coll, _ := lookup(doc, "find").(string)
		return ok(bson.E{Key: "cursor", Value: bson.D{
			{Key: "firstBatch", Value: bson.A{}},
			{Key: "id", Value: int64(0)},
			{Key: "ns", Value: c.db + "." + coll},
		}})
	default:
		return ok(bson.E{Key: "numIndexesBefore", Value: int32(2)}, bson.E{Key: "numIndexesAfter", Value: int32(2)})
	}
}
