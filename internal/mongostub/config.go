package mongostub

import (
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// config is a replica-set configuration as the stub keeps it: the
// document received, and the members parsed out of it.
type config struct {
	doc       bson.D
	name      string
	version   int
	configsvr bool
	members   []memberConfig
}

type memberConfig struct {
	ID       int               `bson:"_id"`
	Host     string            `bson:"host"`
	Priority float64           `bson:"priority"`
	Votes    int               `bson:"votes"`
	Hidden   bool              `bson:"hidden"`
	Tags     map[string]string `bson:"tags"`
}

func parseConfig(doc bson.D) (*config, error) {
	raw, err := bson.Marshal(doc)
	if err != nil {
		return nil, err
	}
	var c struct {
		ID        string         `bson:"_id"`
		Version   int            `bson:"version"`
		ConfigSvr bool           `bson:"configsvr"`
		Members   []memberConfig `bson:"members"`
	}
	// Members without priority or votes have mongod's defaults (1, 1;
	// member_config.idl).
	var withDefaults struct {
		Members []bson.D `bson:"members"`
	}
	if err := bson.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("mongostub: config: %w", err)
	}
	if err := bson.Unmarshal(raw, &withDefaults); err != nil {
		return nil, fmt.Errorf("mongostub: config: %w", err)
	}
	for i, m := range withDefaults.Members {
		if lookup(m, "priority") == nil {
			c.Members[i].Priority = 1
		}
		if lookup(m, "votes") == nil {
			c.Members[i].Votes = 1
		}
	}
	return &config{doc: doc, name: c.ID, version: c.Version, configsvr: c.ConfigSvr, members: c.Members}, nil
}

func (c *config) member(host string) (memberConfig, bool) {
	for _, m := range c.members {
		if m.Host == host {
			return m, true
		}
	}
	return memberConfig{}, false
}

// electedPrimary is the member an election settles on in a healthy set:
// the highest priority (priority takeover), the first listed on a tie.
func (c *config) electedPrimary() string {
	best, host := 0.0, ""
	for _, m := range c.members {
		if m.Priority > best {
			best, host = m.Priority, m.Host
		}
	}
	return host
}

// stored is the config as replSetGetConfig returns it: mongod fills in
// every default (repl_set_config.idl, member_config.idl; MongoDB manual,
// "Replica Set Configuration" and the replSetGetConfig output example):
// members gain arbiterOnly, buildIndexes, hidden, secondaryDelaySecs, and
// priority becomes a double; the set gains term, protocolVersion,
// writeConcernMajorityJournalDefault; settings gain
// catchUpTakeoverDelayMillis, getLastErrorDefaults {w: 1, wtimeout: 0}
// and the replicaSetId initiate generated.
func (c *config) stored() bson.D {
	var members bson.A
	for _, m := range c.members {
		tags := bson.D{}
		// Tags come back in the order they were given; keep it.
		if raw, ok := c.memberDoc(m.Host); ok {
			if td, ok := lookup(raw, "tags").(bson.D); ok {
				tags = td
			}
		}
		members = append(members, bson.D{
			{Key: "_id", Value: int32(m.ID)},
			{Key: "host", Value: m.Host},
			{Key: "arbiterOnly", Value: false},
			{Key: "buildIndexes", Value: true},
			{Key: "hidden", Value: m.Hidden},
			{Key: "priority", Value: m.Priority},
			{Key: "tags", Value: tags},
			{Key: "secondaryDelaySecs", Value: int64(0)},
			{Key: "votes", Value: int32(m.Votes)},
		})
	}
	settings := bson.D{
		{Key: "chainingAllowed", Value: true},
		{Key: "heartbeatIntervalMillis", Value: int32(2000)},
		{Key: "heartbeatTimeoutSecs", Value: int32(10)},
		{Key: "electionTimeoutMillis", Value: int32(10000)},
		{Key: "catchUpTimeoutMillis", Value: int32(-1)},
		{Key: "catchUpTakeoverDelayMillis", Value: int32(30000)},
		{Key: "getLastErrorModes", Value: bson.D{}},
		{Key: "getLastErrorDefaults", Value: bson.D{{Key: "w", Value: int32(1)}, {Key: "wtimeout", Value: int32(0)}}},
		{Key: "replicaSetId", Value: bson.ObjectID{0x65, 0x70, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
	}
	if given, ok := lookup(c.doc, "settings").(bson.D); ok {
		for _, e := range given {
			settings = set(settings, e.Key, e.Value)
		}
	}
	out := bson.D{
		{Key: "_id", Value: c.name},
		{Key: "version", Value: int32(c.version)},
		{Key: "term", Value: int64(1)},
	}
	if c.configsvr {
		out = append(out, bson.E{Key: "configsvr", Value: true})
	}
	return append(out, bson.D{
		{Key: "members", Value: members},
		{Key: "protocolVersion", Value: int64(1)},
		{Key: "writeConcernMajorityJournalDefault", Value: true},
		{Key: "settings", Value: settings},
	}...)
}

func (c *config) memberDoc(host string) (bson.D, bool) {
	ms, _ := lookup(c.doc, "members").(bson.A)
	for _, v := range ms {
		if d, ok := v.(bson.D); ok && lookup(d, "host") == host {
			return d, true
		}
	}
	return nil, false
}

func set(d bson.D, key string, v any) bson.D {
	for i := range d {
		if d[i].Key == key {
			d[i].Value = v
			return d
		}
	}
	return append(d, bson.E{Key: key, Value: v})
}
