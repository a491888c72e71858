package mongostub

import (
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Error codes (mongodb/mongo src/mongo/base/error_codes.yml; the subset
// in ../shared/reference/mongodb-facts.md).
const (
	CodeUserNotFound        = 11
	CodeAlreadyInitialized  = 23
	CodeCommandNotFound     = 59
	CodeNodeNotFound        = 74
	CodeNotYetInitialized   = 94
	CodeNodeNotElectable    = 104
	CodeNotWritablePrimary  = 10107
	CodeDuplicateKey        = 11000
	CodeUserAlreadyExists   = 51003
	CodeRoleNotFound        = 31
	CodeRoleAlreadyExists   = 51002
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

func commandError(code int, codeName, msg string) bson.D {
	return bson.D{
		{Key: "ok", Value: 0.0},
		{Key: "errmsg", Value: msg},
		{Key: "code", Value: int32(code)},
		{Key: "codeName", Value: codeName},
	}
}

func ok(fields ...bson.E) bson.D { return append(bson.D(fields), bson.E{Key: "ok", Value: 1.0}) }

// noAuthNeeded: what mongod answers before authentication.
var noAuthNeeded = map[string]bool{"hello": true, "ismaster": true, "ping": true, "saslstart": true, "saslcontinue": true, "buildinfo": true, "endsessions": true}

// command answers one command; s.mu is held.
func (m *Member) command(c *connState, name string, doc bson.D) bson.D {
	s := m.set
	lower := strings.ToLower(name)
	if s.requireAuth && c.user == "" && !noAuthNeeded[lower] {
		return commandError(13, "Unauthorized", fmt.Sprintf("Command %s requires authentication", name))
	}
	if s.role == roleMongos {
		if reply, handled := m.mongos(c, lower, name, doc); handled {
			return reply
		}
	}
	switch lower {
	case "saslstart":
		return c.saslStart(doc)
	case "saslcontinue":
		return c.saslContinue(s, doc)
	case "hello", "ismaster":
		return m.hello(name, doc)
	case "ping", "endsessions":
		return ok()
	case "replsetgetstatus":
		if s.cfg == nil {
			return notYetInitialized()
		}
		return m.status()
	case "replsetgetconfig":
		if s.cfg == nil {
			return notYetInitialized()
		}
		return ok(bson.E{Key: "config", Value: s.cfg.stored()})
	case "replsetinitiate":
		return m.initiate(doc)
	case "replsetreconfig":
		// Recorded; a test asserting "no write command" fails on it.
		return ok()
	case "replsetstepdown", "rotatecertificates":
		return ok()
	case "usersinfo":
		return m.usersInfo(doc)
	case "createuser", "updateuser":
		return m.writeUser(name, doc)
	case "rolesinfo":
		return m.rolesInfo(doc)
	case "createrole", "updaterole":
		return m.writeRole(name, doc)
	case "insert", "find", "createindexes":
		return m.crud(c, lower, doc, s.cfg != nil)
	}
	// What a mongod without the command answers (commands.cpp:
	// "no such command: '<name>'"). mongosh's startup probes (buildInfo,
	// atlasVersion, getParameter, ...) tolerate it.
	return commandError(CodeCommandNotFound, "CommandNotFound", fmt.Sprintf("no such command: '%s'", name))
}

// notYetInitialized: ReplicationCoordinatorImpl::checkReplEnabledForCommand,
// used by replSetGetStatus and replSetGetConfig before any config.
func notYetInitialized() bson.D {
	d := commandError(CodeNotYetInitialized, "NotYetInitialized", "no replset config has been received")
	return append(bson.D{{Key: "info", Value: "run rs.initiate(...) if not yet done for the set"}}, d...)
}

// hello answers hello / isMaster (MongoDB manual, "hello" output; the
// legacy names answer ismaster instead of isWritablePrimary). No
// topologyVersion: drivers then poll instead of streaming (SDAM spec,
// "Streaming protocol" needs it), which the stub does not implement.
func (m *Member) hello(name string, doc bson.D) bson.D {
	s := m.set
	primaryKey := "isWritablePrimary"
	if name != "hello" {
		primaryKey = "ismaster"
	}
	var out bson.D
	if lookup(doc, "helloOk") != nil {
		out = append(out, bson.E{Key: "helloOk", Value: true})
	}
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
	return ok(append(out,
		bson.E{Key: "maxBsonObjectSize", Value: int32(maxBsonObjectSize)},
		bson.E{Key: "maxMessageSizeBytes", Value: int32(maxMessageSizeBytes)},
		bson.E{Key: "maxWriteBatchSize", Value: int32(maxWriteBatchSize)},
		bson.E{Key: "localTime", Value: bson.NewDateTimeFromTime(helloTime)},
		bson.E{Key: "logicalSessionTimeoutMinutes", Value: int32(logicalSessionTimeout)},
		bson.E{Key: "connectionId", Value: s.reqID + 1},
		bson.E{Key: "minWireVersion", Value: int32(0)},
		bson.E{Key: "maxWireVersion", Value: int32(maxWireVersion)},
		bson.E{Key: "readOnly", Value: false},
	)...)
}

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

// usersInfo answers {usersInfo: {user, db}} or {usersInfo: "name"}
// (MongoDB manual, usersInfo output: users[] with _id "<db>.<user>").
func (m *Member) usersInfo(doc bson.D) bson.D {
	var name string
	switch v := doc[0].Value.(type) {
	case string:
		name = v
	case bson.D:
		name, _ = lookup(v, "user").(string)
	}
	users := bson.A{}
	if u, found := m.set.users[name]; found {
		users = append(users, bson.D{
			{Key: "_id", Value: "admin." + name},
			{Key: "user", Value: name},
			{Key: "db", Value: "admin"},
			{Key: "roles", Value: lookup(u, "roles")},
		})
	}
	return ok(bson.E{Key: "users", Value: users})
}

// writeUser answers createUser / updateUser on the primary; elsewhere
// NotWritablePrimary ("not primary"), as any write.
func (m *Member) writeUser(name string, doc bson.D) bson.D {
	s := m.set
	if s.cfg == nil || s.primary != m.Host {
		return commandError(CodeNotWritablePrimary, "NotWritablePrimary", "not primary")
	}
	user, _ := doc[0].Value.(string)
	_, exists := s.users[user]
	if strings.EqualFold(name, "createUser") && exists {
		return commandError(CodeUserAlreadyExists, "Location51003", fmt.Sprintf("User \"%s@admin\" already exists", user))
	}
	if strings.EqualFold(name, "updateUser") && !exists {
		return commandError(CodeUserNotFound, "UserNotFound", fmt.Sprintf("Could not find user \"%s\" for db \"admin\"", user))
	}
	u := s.users[user]
	if roles := lookup(doc, "roles"); roles != nil {
		u = set(u, "roles", roles)
	}
	if pwd, isString := lookup(doc, "pwd").(string); isString {
		s.passwords[user] = pwd
	}
	s.users[user] = u
	return ok()
}

// rolesInfo answers rolesInfo for one user-defined role of admin, the
// form mongosh's db.getRole sends ({rolesInfo: {role, db}} or a name);
// an unknown role is an empty list, which getRole turns into null
// (MongoDB manual, "rolesInfo").
func (m *Member) rolesInfo(doc bson.D) bson.D {
	var name string
	switch v := doc[0].Value.(type) {
	case string:
		name = v
	case bson.D:
		name, _ = lookup(v, "role").(string)
	}
	roles := bson.A{}
	if r, found := m.set.roles[name]; found {
		roles = append(roles, append(bson.D{
			{Key: "_id", Value: "admin." + name},
			{Key: "role", Value: name},
			{Key: "db", Value: "admin"},
			{Key: "isBuiltin", Value: false},
		}, r...))
	}
	return ok(bson.E{Key: "roles", Value: roles})
}

// writeRole answers createRole / updateRole on the primary: a duplicate
// createRole is Location51002 "Role already exists", an updateRole of an
// unknown role RoleNotFound (31) (MongoDB manual, "createRole",
// "updateRole"; error_codes.yml).
func (m *Member) writeRole(name string, doc bson.D) bson.D {
	s := m.set
	if s.cfg == nil || s.primary != m.Host {
		return commandError(CodeNotWritablePrimary, "NotWritablePrimary", "not primary")
	}
	role, _ := doc[0].Value.(string)
	_, exists := s.roles[role]
	if strings.EqualFold(name, "createRole") && exists {
		return commandError(CodeRoleAlreadyExists, "Location51002", fmt.Sprintf("Role \"%s@admin\" already exists", role))
	}
	if strings.EqualFold(name, "updateRole") && !exists {
		return commandError(CodeRoleNotFound, "RoleNotFound", fmt.Sprintf("Role %s@admin not found", role))
	}
	r := bson.D{}
	for _, k := range []string{"privileges", "roles"} {
		if v := lookup(doc, k); v != nil {
			r = append(r, bson.E{Key: k, Value: v})
		}
	}
	s.roles[role] = r
	return ok()
}

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
		return commandError(CodeNotWritablePrimary, "NotWritablePrimary", "not primary")
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
