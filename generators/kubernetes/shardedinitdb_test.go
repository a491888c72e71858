package kubernetes

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/topogen/topogen/internal/mongoshtest"
	"github.com/topogen/topogen/internal/mongostub"
	"github.com/topogen/topogen/internal/testtopo"
)

// TestInitDBScript runs the sharded mode's first-boot init container in
// the real mongosh against a scripted mongod standing in for the
// temporary standalone (writable, no authentication), with mongod itself
// a shell function recording its arguments: on a first boot it starts
// mongod without the sharding role, creates root with the Secret's
// credentials, shuts mongod down and leaves the marker; with the marker it
// does nothing; after a crash between createUser and the marker it does
// not create root twice.
func TestInitDBScript(t *testing.T) {
	mongoshtest.Find(t)
	t.Parallel()
	topo := testtopo.Sharded(t)
	const host = "initdb.local:27017"
	for _, tc := range []struct {
		name            string
		marker, hasRoot bool
		wantMongod      []string
		wantCreateUser  bool
	}{
		{name: "first-boot", wantMongod: []string{"start", "shutdown"}, wantCreateUser: true},
		{name: "done", marker: true},
		{name: "crashed-after-createUser", hasRoot: true, wantMongod: []string{"start", "shutdown"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			data := filepath.Join(dir, "data")
			if err := os.Mkdir(data, 0o755); err != nil {
				t.Fatal(err)
			}
			if tc.marker {
				if err := os.WriteFile(filepath.Join(data, filepath.Base(initDBMarker)), nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			set := mongostub.New(t, []string{host})
			// A writable member stands in for the standalone.
			if err := set.Run(bson.D{{Key: "_id", Value: "standalone"}, {Key: "version", Value: 1},
				{Key: "members", Value: bson.A{bson.D{{Key: "_id", Value: 0}, {Key: "host", Value: host}}}}}); err != nil {
				t.Fatal(err)
			}
			set.Alias("127.0.0.1:"+strconv.Itoa(topo.MongoDB.Port), host)
			if tc.hasRoot {
				set.AddUser("root", "s3cret", bson.A{bson.D{{Key: "role", Value: "root"}, {Key: "db", Value: "admin"}}})
			}
			script := strings.NewReplacer(dataDir, data, tmpDir, dir).Replace(initDBScript(topo.MongoDB.Port))
			log := filepath.Join(dir, "mongod.log")
			fake := `mongod() { case "$*" in *--shutdown*) echo shutdown >> ` + log + ` ;; *--fork*) case "$*" in *sharding*|*Svr*|*replSet*) echo bad-args >> ` + log + ` ;; *) echo start >> ` + log + ` ;; esac ;; esac; }` + "\n"
			res := mongoshtest.RunShell(t, set, []string{"MONGO_INITDB_ROOT_USERNAME=root", "MONGO_INITDB_ROOT_PASSWORD=s3cret"}, fake+script)
			if res.Exit != 0 {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", res.Exit, res.Stdout, res.Stderr)
			}
			calls, _ := os.ReadFile(log)
			if got := strings.Fields(string(calls)); strings.Join(got, ",") != strings.Join(tc.wantMongod, ",") {
				t.Errorf("mongod calls %v, want %v", got, tc.wantMongod)
			}
			creates := 0
			for _, c := range set.Commands() {
				if c.Name == "createUser" {
					creates++
				}
			}
			if (creates == 1) != tc.wantCreateUser || creates > 1 {
				t.Errorf("%d createUser, want %v", creates, tc.wantCreateUser)
			}
			if tc.wantCreateUser {
				if u, found := set.Users()["root"]; !found || len(u) != 1 {
					t.Errorf("root user %v after the first boot", u)
				}
				if set.Passwords()["root"] != "s3cret" {
					t.Error("root's password is not the Secret's")
				}
			}
			if _, err := os.Stat(filepath.Join(data, filepath.Base(initDBMarker))); err != nil {
				t.Errorf("no marker after the run: %v", err)
			}
		})
	}
}

// TestInitDBOnlyInShardedSets: every sharded set's StatefulSet starts
// with the PEM and initdb init containers; the replica-set mode has no
// initdb (the image's entrypoint creates root there).
func TestInitDBOnlyInShardedSets(t *testing.T) {
	for _, c := range shardedCases(t) {
		for _, r := range c.topo.Regions {
			for _, o := range objectsIn(t, c.files, r.Name) {
				if o.node.GetKind() != "StatefulSet" {
					continue
				}
				if got := mustString(t, o.node, "spec", "template", "spec", "initContainers", "1", "name"); got != initDBContainer {
					t.Errorf("%s: second init container %s, want %s", o.path, got, initDBContainer)
				}
			}
		}
	}
	topo := load(t, cases["default"])
	for _, f := range generate(t, topo) {
		if strings.Contains(string(f.Data), "name: "+initDBContainer+"\n") {
			t.Errorf("%s: the replica-set mode has an %s container", f.Path, initDBContainer)
		}
	}
}
