package replset

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/topogen/topogen/internal/mongoshtest"
	"github.com/topogen/topogen/internal/mongostub"
	"github.com/topogen/topogen/internal/testtopo"
)

// writeCredentials writes a mounted Secret's files: dir/username, dir/password.
func writeCredentials(t *testing.T, dir, user, pwd string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for f, v := range map[string]string{"username": user, "password": pwd} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte(v+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// TestEnsureUsersInMongosh: on a running set requiring authentication,
// ensure-users.js logs in as root from the credential files, creates the
// users that do not exist, updates the one that does (a rotated password),
// each on the primary with majority write concern and the documented roles.
func TestEnsureUsersInMongosh(t *testing.T) {
	mongoshtest.Find(t)
	parallel(t)
	topo := testtopo.Load(t, "../../regions")
	set := mongostub.New(t, memberHosts(topo))
	if err := set.Run(bsonDoc(t, readInitiate(t, "../../out"))); err != nil {
		t.Fatal(err)
	}
	set.RequireAuth()
	set.AddUser("root", "r00t:@/%pw", bson.A{bson.D{{Key: "role", Value: "root"}, {Key: "db", Value: "admin"}}})
	set.AddUser("exporter", "old", bson.A{})

	dir := t.TempDir()
	writeCredentials(t, filepath.Join(dir, "root"), "root", "r00t:@/%pw")
	users := filepath.Join(dir, "users")
	// The roles each user needs, from their sources (not from the table):
	// Percona mongodb_exporter README "Permissions": clusterMonitor and
	// read on local; mongodump: backup; rotateCertificates: hostManager.
	want := map[string]struct {
		secret, pwd string
		roles       any
	}{
		"exporter":     {"mongodb-exporter", "exp-pw", []any{map[string]any{"role": "clusterMonitor", "db": "admin"}, map[string]any{"role": "read", "db": "local"}}},
		"backup":       {"mongodb-backup", "bak-pw", []any{map[string]any{"role": "backup", "db": "admin"}}},
		"tls-reloader": {"mongodb-tls-reloader", "tls-pw", []any{map[string]any{"role": "hostManager", "db": "admin"}}},
		// The client probe inserts and finds in its own database only.
		"probe": {"mongodb-probe", "probe-pw", []any{map[string]any{"role": "readWrite", "db": "topogen_probe"}}},
		// Percona Backup for MongoDB 2.x, "Configure authentication in
		// MongoDB": readWrite, backup, clusterMonitor, restore and the
		// user-defined pbmAnyAction, all on admin.
		"pbm": {"mongodb-pbm", "pbm-pw", []any{
			map[string]any{"role": "readWrite", "db": "admin"},
			map[string]any{"role": "backup", "db": "admin"},
			map[string]any{"role": "clusterMonitor", "db": "admin"},
			map[string]any{"role": "restore", "db": "admin"},
			map[string]any{"role": "pbmAnyAction", "db": "admin"},
		}},
	}
	for name, u := range want {
		writeCredentials(t, filepath.Join(users, u.secret), name, u.pwd)
	}
	p := writeScript(t, "ensure-users.js", UsersScript(topo))
	res := mongoshtest.Run(t, set, []string{
		"TOPOGEN_URI_OPTIONS=tls=false",
		"TOPOGEN_CREDENTIALS_DIR=" + filepath.Join(dir, "root"),
		"TOPOGEN_USERS_DIR=" + users,
	}, "--nodb", "--quiet", "--file", p)
	if res.Exit != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", res.Exit, res.Stdout, res.Stderr)
	}
	primary := topo.Members[0].HostPort() // the stub elects the highest priority
	got := map[string]string{}
	var order []string
	for _, c := range writes(set.Commands()) {
		user, _ := c.Doc[0].Value.(string)
		order = append(order, c.Name+" "+user)
		got[user] = c.Name
		if c.Member != primary || c.User != "root" {
			t.Errorf("%s %s sent to %s as %q, want the primary %s as root", c.Name, user, c.Member, c.User, primary)
		}
		var wc map[string]any
		for _, e := range c.Doc {
			if e.Key == "writeConcern" {
				wc, _ = asJSON(t, e.Value).(map[string]any)
			}
		}
		if wc["w"] != "majority" {
			t.Errorf("%s %s: writeConcern %v, want w: majority", c.Name, user, wc)
		}
	}
	// The same docs: pbmAnyAction is anyAction on anyResource; it must
	// exist before the user that holds it (createUser refuses an unknown
	// role).
	wantRole := map[string]any{
		"privileges": []any{map[string]any{"resource": map[string]any{"anyResource": true}, "actions": []any{"anyAction"}}},
		"roles":      []any{},
	}
	if d := cmp.Diff(wantRole, asJSON(t, set.Roles()["pbmAnyAction"])); d != "" {
		t.Errorf("pbmAnyAction (-want +got):\n%s", d)
	}
	if len(order) == 0 || order[0] != "createRole pbmAnyAction" {
		t.Errorf("write commands %v: want createRole pbmAnyAction first", order)
	}
	if d := cmp.Diff(map[string]string{"pbmAnyAction": "createRole", "exporter": "updateUser", "backup": "createUser", "tls-reloader": "createUser", "pbm": "createUser", "probe": "createUser"}, got); d != "" {
		t.Errorf("user commands (-want +got):\n%s", d)
	}
	stored, pwds := set.Users(), set.Passwords()
	for name, u := range want {
		if d := cmp.Diff(u.roles, asJSON(t, stored[name])); d != "" {
			t.Errorf("%s roles (-want +got):\n%s", name, d)
		}
		if pwds[name] != u.pwd {
			t.Errorf("%s password %q, want the Secret's %q", name, pwds[name], u.pwd)
		}
	}
	for _, line := range []string{"topogen: updated the exporter user exporter", "topogen: created the backup user backup", "topogen: created the tls-reloader user tls-reloader", "topogen: created the role pbmAnyAction", "topogen: created the pbm user pbm"} {
		if !strings.Contains(res.Stdout, line+"\n") {
			t.Errorf("stdout lacks %q:\n%s", line, res.Stdout)
		}
	}
}

// TestInitScriptAuthenticates: with TOPOGEN_CREDENTIALS_DIR the init
// script logs in (SCRAM-SHA-256, the password URL-escaped) on every
// connection before any command that needs it.
func TestInitScriptAuthenticates(t *testing.T) {
	mongoshtest.Find(t)
	parallel(t)
	topo := testtopo.Load(t, "../../golden/two-regions/input")
	set := mongostub.New(t, memberHosts(topo))
	set.RequireAuth()
	set.AddUser("root", "p@ss:w/rd%", bson.A{})
	dir := filepath.Join(t.TempDir(), "root")
	writeCredentials(t, dir, "root", "p@ss:w/rd%")
	p := writeScript(t, "init-replset.js", InitScript(topo))
	res := mongoshtest.Run(t, set, append([]string{"TOPOGEN_CREDENTIALS_DIR=" + dir}, fastWaits...), "--nodb", "--quiet", "--file", p)
	for _, p := range checkInitiated(t, topo, readInitiate(t, "../../golden/two-regions/out"), set, res) {
		t.Error(p)
	}
	for _, c := range set.Commands() {
		if c.Name == "replSetGetStatus" || c.Name == "replSetInitiate" {
			if c.User != "root" {
				t.Errorf("%s on %s sent as %q, want root", c.Name, c.Member, c.User)
			}
		}
	}
}

// TestMissingCredentialsFail: a TOPOGEN_CREDENTIALS_DIR without the
// username file (a Secret not mounted, a key renamed) stops the init and
// users scripts with the file named, before they send any command.
func TestMissingCredentialsFail(t *testing.T) {
	mongoshtest.Find(t)
	t.Parallel()
	topo := testtopo.Load(t, "../../golden/two-regions/input")
	dir := filepath.Join(t.TempDir(), "absent")
	for name, script := range map[string][]byte{"init-replset.js": InitScript(topo), "users.js": UsersScript(topo)} {
		t.Run(name, func(t *testing.T) {
			parallel(t)
			set := mongostub.New(t, memberHosts(topo))
			res := mongoshtest.Run(t, set, append([]string{"TOPOGEN_CREDENTIALS_DIR=" + dir}, fastWaits...), "--nodb", "--quiet", "--file", writeScript(t, name, script))
			want := "topogen: cannot read " + dir + "/username: "
			if res.Exit != 1 || !strings.HasPrefix(res.Stdout, want) {
				t.Errorf("exit %d, stdout:\n%s\nwant exit 1 and a first line starting %q; stderr:\n%s", res.Exit, res.Stdout, want, res.Stderr)
			}
			if cmds := set.Commands(); len(cmds) > 0 {
				t.Errorf("commands sent without credentials: %v", cmds)
			}
		})
	}
}
