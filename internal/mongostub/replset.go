package mongostub

import (
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// initiate follows ReplicationCoordinatorImpl::processReplSetInitiate and
// validateConfigForInitiate (repl_set_config_checks.cpp; mongodb-facts.md
// §1.7): already initiated → AlreadyInitialized; the receiving node must be
// in the config (NodeNotFound) and electable (NodeNotElectable); every
// member must answer the quorum check's heartbeat (NodeNotFound).
func (m *Member) initiate(doc bson.D) bson.D {
	s := m.set
	if s.cfg != nil {
		return commandError(CodeAlreadyInitialized, "AlreadyInitialized", "already initialized")
	}
	cfgDoc, isDoc := doc[0].Value.(bson.D)
	if !isDoc {
		return commandError(2, "BadValue", "replSetInitiate needs a config document in this stub")
	}
	c, err := parseConfig(cfgDoc)
	if err != nil {
		return commandError(93, "InvalidReplicaSetConfig", err.Error())
	}
	if reply := s.checkConfigSvr(c); reply != nil {
		return reply
	}
	self, found := c.member(m.Host)
	if !found {
		return commandError(CodeNodeNotFound, "NodeNotFound", fmt.Sprintf(
			"No host described in new configuration with {version: %d, term: 0} for replica set %s maps to this node", c.version, c.name))
	}
	if self.Priority == 0 {
		return commandError(CodeNodeNotElectable, "NodeNotElectable", fmt.Sprintf(
			"This node, %s, with _id %d is not electable under the new configuration with {version: %d, term: 0} for replica set %s",
			m.Host, self.ID, c.version, c.name))
	}
	for _, mc := range c.members {
		peer := s.byHost[mc.Host]
		if peer == nil || peer.hang || isClosed(peer) {
			return commandError(CodeNodeNotFound, "NodeNotFound", fmt.Sprintf(
				"replSetInitiate quorum check failed because not all proposed set members responded affirmatively: %s failed with Couldn't get a connection within the time limit", mc.Host))
		}
	}
	s.cfg = c
	s.primary = c.electedPrimary()
	return ok()
}

func isClosed(m *Member) bool {
	c, err := netDial(m.ln.Addr().String())
	if err != nil {
		return true
	}
	_ = c.Close()
	return false
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

// status is replSetGetStatus of a running set (MongoDB manual,
// replSetGetStatus output; member states 1 PRIMARY, 2 SECONDARY).
func (m *Member) status() bson.D {
	s := m.set
	state := func(h string) (int32, string) {
		if h == s.primary {
			return 1, "PRIMARY"
		}
		return 2, "SECONDARY"
	}
	var members bson.A
	for _, mc := range s.cfg.members {
		st, str := state(mc.Host)
		md := bson.D{
			{Key: "_id", Value: int32(mc.ID)},
			{Key: "name", Value: mc.Host},
			{Key: "health", Value: 1.0},
			{Key: "state", Value: st},
			{Key: "stateStr", Value: str},
		}
		if mc.Host == m.Host {
			md = append(md, bson.E{Key: "self", Value: true})
		}
		members = append(members, md)
	}
	my, _ := state(m.Host)
	return ok(
		bson.E{Key: "set", Value: s.cfg.name},
		bson.E{Key: "myState", Value: my},
		bson.E{Key: "term", Value: int64(1)},
		bson.E{Key: "members", Value: members},
	)
}
