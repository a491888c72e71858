package mongostub

import (
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// usersInfo answers {usersInfo: {user, db}} or {usersInfo: "name"}
// (MongoDB manual, usersInfo output: users[] with _id "<db>.<user>").
func (m *Member) usersInfo(doc bson.D) bson.D {
	name := infoName(doc, "user")
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

// infoName is the name usersInfo / rolesInfo ask about: the command's
// value, a name or a document {<field>: name, db} (MongoDB manual,
// "usersInfo", "rolesInfo": a single user or role).
func infoName(doc bson.D, field string) string {
	switch v := doc[0].Value.(type) {
	case string:
		return v
	case bson.D:
		name, _ := lookup(v, field).(string)
		return name
	}
	return ""
}

// writeUser answers createUser / updateUser on the primary; elsewhere
// NotWritablePrimary ("not primary"), as any write.
func (m *Member) writeUser(name string, doc bson.D) bson.D {
	s := m.set
	if s.cfg == nil || s.primary != m.Host {
		return notWritablePrimary()
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
	name := infoName(doc, "role")
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
		return notWritablePrimary()
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
