package mongostub

import (
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
)

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
