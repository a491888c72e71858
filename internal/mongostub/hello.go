package mongostub

import (
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// What hello reports about the server's limits and version.
const (
	maxWireVersion          = 21 // MongoDB 7.0 (wire_version.h: WireVersion::WIRE_VERSION_70)
	maxBsonObjectSize       = 16 * 1024 * 1024
	maxMessageSizeBytes     = maxMessage
	maxWriteBatchSize       = 100_000
	logicalSessionTimeout   = 30
	electionIDPrimaryMarker = 0x7f
)

// helloTime is the localTime every hello reports (fixed: deterministic
// replies).
var helloTime = time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)

// hello answers hello / isMaster (MongoDB manual, "hello" output; the
// legacy names answer ismaster instead of isWritablePrimary). No
// topologyVersion: drivers then poll instead of streaming (SDAM spec,
// "Streaming protocol" needs it), which the stub does not implement.
func (m *Member) hello(name string, doc bson.D) bson.D {
	s := m.set
	primaryKey, out := helloStart(name, doc)
	// saslSupportedMechs: "<db>.<user>" asks which mechanisms the user has
	// (MongoDB manual, hello "saslSupportedMechs").
	if who, isString := lookup(doc, "saslSupportedMechs").(string); isString {
		if _, exists := s.passwords[strings.TrimPrefix(who, "admin.")]; exists {
			out = append(out, bson.E{Key: "saslSupportedMechs", Value: bson.A{"SCRAM-SHA-256"}})
		}
	}
	if s.cfg == nil {
		// An uninitiated `mongod --replSet` (hello_response.cpp,
		// TopologyCoordinator::fillHelloForReplSet without a config).
		out = append(out,
			bson.E{Key: primaryKey, Value: false},
			bson.E{Key: "secondary", Value: false},
			bson.E{Key: "info", Value: "Does not have a valid replica set config"},
			bson.E{Key: "isreplicaset", Value: true},
		)
	} else {
		primary := s.primary
		if s.electionHellos > 0 && name == "hello" {
			s.electionHellos--
			primary = ""
		}
		var hosts, passives bson.A
		for _, mc := range s.cfg.members {
			switch {
			case mc.Hidden:
			case mc.Priority == 0:
				passives = append(passives, mc.Host)
			default:
				hosts = append(hosts, mc.Host)
			}
		}
		out = append(out, bson.E{Key: "hosts", Value: hosts})
		if len(passives) > 0 {
			out = append(out, bson.E{Key: "passives", Value: passives})
		}
		out = append(out,
			bson.E{Key: "setName", Value: s.cfg.name},
			bson.E{Key: "setVersion", Value: int32(s.cfg.version)},
			bson.E{Key: primaryKey, Value: primary != "" && primary == m.Host},
			bson.E{Key: "secondary", Value: primary != m.Host},
		)
		if primary != "" {
			out = append(out, bson.E{Key: "primary", Value: primary})
		}
		if mc, found := s.cfg.member(m.Host); found && mc.Priority == 0 {
			out = append(out, bson.E{Key: "passive", Value: true})
		}
		out = append(out, bson.E{Key: "me", Value: m.Host})
		if primary == m.Host {
			out = append(out, bson.E{Key: "electionId", Value: bson.ObjectID{electionIDPrimaryMarker, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 1}})
		}
	}
	return ok(append(out, s.serverFields()...)...)
}

// helloStart opens a hello reply: the name of its writable-primary field
// (the legacy names answer ismaster instead of isWritablePrimary) and
// helloOk: true when the client sent helloOk (MongoDB manual, "hello").
func helloStart(name string, doc bson.D) (primaryKey string, out bson.D) {
	primaryKey = "isWritablePrimary"
	if name != "hello" {
		primaryKey = "ismaster"
	}
	if lookup(doc, "helloOk") != nil {
		out = append(out, bson.E{Key: "helloOk", Value: true})
	}
	return primaryKey, out
}

// serverFields close every hello reply, a mongod's or a mongos's: the
// limits, the clock, the connection and the wire versions.
func (s *Set) serverFields() []bson.E {
	return []bson.E{
		{Key: "maxBsonObjectSize", Value: int32(maxBsonObjectSize)},
		{Key: "maxMessageSizeBytes", Value: int32(maxMessageSizeBytes)},
		{Key: "maxWriteBatchSize", Value: int32(maxWriteBatchSize)},
		{Key: "localTime", Value: bson.NewDateTimeFromTime(helloTime)},
		{Key: "logicalSessionTimeoutMinutes", Value: int32(logicalSessionTimeout)},
		{Key: "connectionId", Value: s.reqID + 1},
		{Key: "minWireVersion", Value: int32(0)},
		{Key: "maxWireVersion", Value: int32(maxWireVersion)},
		{Key: "readOnly", Value: false},
	}
}

// routerHello is a mongos's hello: writable, msg "isdbgrid", no set
// (MongoDB manual, "hello": "msg: isdbgrid when connected to a mongos").
func (m *Member) routerHello(name string, doc bson.D) bson.D {
	primaryKey, out := helloStart(name, doc)
	out = append(out, bson.E{Key: primaryKey, Value: true}, bson.E{Key: "msg", Value: "isdbgrid"})
	return ok(append(out, m.set.serverFields()...)...)
}
