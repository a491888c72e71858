package replset

import (
	"strings"
	"text/template"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// User is one service user ensure-users.js creates or updates. Its name and
// password come at run time from the Secret (keys "username", "password"),
// mounted as files; never from out/.
type User struct {
	// Name is what the user is for (the script's log and comments).
	Name string
	// Secret is the Kubernetes Secret (and Secrets Manager entry) holding
	// the credentials.
	Secret string
	Roles  []Role
	// Why cites where the roles come from.
	Why string
}

// Role is a role on a database: built in, or one of CustomRoles.
type Role struct {
	Role string `json:"role"`
	DB   string `json:"db"`
}

// Users are the service users every topology has. To add one, append it
// here: the init Job mounts its Secret, ensure-users.js creates it, and
// ExternalSecrets deliver the Secret.
var Users = []User{
	{
		Name:   "exporter",
		Secret: names.SecretExporter,
		Roles:  []Role{{"clusterMonitor", "admin"}, {"read", "local"}},
		Why:    "mongodb_exporter: Percona's documented roles (README, \"Permissions\")",
	},
	{
		Name:   "backup",
		Secret: names.SecretBackup,
		Roles:  []Role{{"backup", "admin"}},
		Why:    "mongodump --oplog: the built-in backup role",
	},
	{
		Name:   "tls-reloader",
		Secret: names.SecretTLSReloader,
		Roles:  []Role{{"hostManager", "admin"}},
		Why:    "rotateCertificates needs the rotateCertificates action, which hostManager grants (MongoDB manual, \"rotateCertificates\", Access Control)",
	},
	{
		Name:   "pbm",
		Secret: names.SecretPBM,
		Roles:  []Role{{"readWrite", "admin"}, {"backup", "admin"}, {"clusterMonitor", "admin"}, {"restore", "admin"}, {"pbmAnyAction", "admin"}},
		Why:    "pbm-agent and the pbm CLI: the roles Percona Backup for MongoDB 2.x documents (\"Configure authentication in MongoDB\"), pbmAnyAction being one of CustomRoles",
	}, {
		Name:   "probe",
		Secret: names.SecretProbe,
		Roles:  []Role{{"readWrite", names.ProbeDB}},
		Why:    "the client probe writes and reads its own database only: readWrite on it (MongoDB manual, \"Built-In Roles\": readWrite includes insert, find and createIndex)",
	},
}

// CustomRole is a user-defined role of admin that ensure-users.js creates
// or updates before the users that hold it.
type CustomRole struct {
	Role       string      `json:"role"`
	Privileges []Privilege `json:"privileges"`
	Roles      []Role      `json:"roles"`
	// Why cites where the privileges come from.
	Why string `json:"-"`
}

// Privilege is one privilege of a CustomRole.
type Privilege struct {
	Resource map[string]any `json:"resource"`
	Actions  []string       `json:"actions"`
}

// CustomRoles are the user-defined roles the Users need.
var CustomRoles = []CustomRole{
	{
		Role:       "pbmAnyAction",
		Privileges: []Privilege{{Resource: map[string]any{"anyResource": true}, Actions: []string{"anyAction"}}},
		Roles:      []Role{},
		Why:        "Percona Backup for MongoDB 2.x docs, \"Configure authentication in MongoDB\": the pbm user needs pbmAnyAction (anyAction on anyResource)",
	},
}

var usersScript = template.Must(scriptHelpers(template.New("users")).Parse(`{{template "notice"}}
// Idempotent: creates or updates the service users of replica set "{{.Name}}"
// on its primary, with majority write concern; updateUser re-applies a rotated
// password and the roles below.
//   mongosh --nodb --quiet --file ensure-users.js
// Environment:
//   TOPOGEN_URI_OPTIONS      connection-string options (default "tls=true")
//   TOPOGEN_CREDENTIALS_DIR  "username" and "password" files of the user that
//                            logs in (root); unset: no authentication
//   TOPOGEN_USERS_DIR        one directory per user's Secret, holding its
//                            "username" and "password" files

const roles = {{.RolesJSON}};
const users = {{.UsersJSON}};

const env = process.env;
// The primary may take a while to appear after the set initiates; an
// option TOPOGEN_URI_OPTIONS names replaces the one here (and authSource).
const TIMEOUTS = "serverSelectionTimeoutMS=120000";
const USERS_DIR = env.TOPOGEN_USERS_DIR || "/etc/mongodb/users";

{{template "helpers"}}
{{template "credentials"}}
{{template "connectionString"}}
// A replica-set connection: the driver finds the primary.
let admin;
try {
  admin = new Mongo(mongodbURI("{{.Hosts}}", "replicaSet={{.Name}}&")).getDB("admin");
} catch (e) {
  fail("cannot connect to replica set {{.Name}}: " + describe(e));
}
const wc = { w: "majority", wtimeout: 60000 };

// User-defined roles first: createUser refuses a role that does not exist.
for (const r of roles) {
  try {
    if (admin.getRole(r.role) === null) {
      admin.createRole(r, wc);
      log("created the role " + r.role);
    } else {
      admin.updateRole(r.role, { privileges: r.privileges, roles: r.roles }, wc);
      log("updated the role " + r.role);
    }
  } catch (e) {
    fail("ensuring the role " + r.role + " failed: " + describe(e));
  }
}

for (const u of users) {
  const dir = USERS_DIR + "/" + u.secret;
  const user = readCredential(dir, "username");
  const pwd = readCredential(dir, "password");
  if (!user || !pwd) {
    fail("the " + u.name + " user's Secret " + u.secret + " has an empty username or password");
  }
  try {
    if (admin.getUser(user) === null) {
      admin.createUser({ user: user, pwd: pwd, roles: u.roles }, wc);
      log("created the " + u.name + " user " + user);
    } else {
      admin.updateUser(user, { pwd: pwd, roles: u.roles }, wc);
      log("updated the " + u.name + " user " + user);
    }
  } catch (e) {
    fail("ensuring the " + u.name + " user " + user + " failed: " + describe(e));
  }
}
`))

// UsersScript renders ensure-users.js for the topology's set.
func UsersScript(t *model.Topology) []byte { return usersScriptFor(t.ReplicaSet.Name, t.Members) }

// SetUsersScript renders ensure-users.js for one set of a sharded
// cluster, run on that set's primary. On the config server replica set
// it creates the cluster's users (those a mongos authenticates: MongoDB
// manual, "Sharded Cluster Users" — mongos stores users on the config
// servers); on a shard it creates shard-local users, the ones a direct
// connection to a shard member authenticates against (MongoDB manual,
// "Shard Local Users"): the exporter, pbm-agent and tls-reloader sidecars
// connect to their own mongod directly.
func SetUsersScript(s model.MemberSet) []byte { return usersScriptFor(s.ReplicaSet.Name, s.Members) }

func usersScriptFor(name string, members []model.Member) []byte {
	type entry struct {
		Name   string `json:"name"`
		Secret string `json:"secret"`
		Roles  []Role `json:"roles"`
	}
	var es []entry
	for _, u := range Users {
		es = append(es, entry{u.Name, u.Secret, u.Roles})
	}
	var hosts []string
	for _, m := range members {
		hosts = append(hosts, m.HostPort())
	}
	return renderScript(usersScript, map[string]string{
		"Name":      name,
		"UsersJSON": scriptJSON(es, true),
		"RolesJSON": scriptJSON(CustomRoles, true),
		"Hosts":     strings.Join(hosts, ","),
	})
}
