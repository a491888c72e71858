package replset

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/internal/mongoshtest"
	"github.com/topogen/topogen/internal/mongostub"
	"github.com/topogen/topogen/internal/testtopo"
	"github.com/topogen/topogen/model"
)

// connection is one connection a script opened, as
// testdata/record-connections.js records it: the connection string the
// script built and the options the driver parsed from it.
type connection struct {
	URI    string        `json:"uri"`
	Driver driverOptions `json:"driver"`
	Error  string        `json:"error,omitempty"`
}

type driverOptions struct {
	Username                 string `json:"username"`
	AuthSource               string `json:"authSource"`
	DirectConnection         bool   `json:"directConnection"`
	ReplicaSet               string `json:"replicaSet"`
	TLS                      bool   `json:"tls"`
	ServerSelectionTimeoutMS int    `json:"serverSelectionTimeoutMS"`
	ConnectTimeoutMS         int    `json:"connectTimeoutMS"`
	SocketTimeoutMS          int    `json:"socketTimeoutMS"`
}

// runRecorded runs script (its file named name) in mongosh against stub
// with env, as the init Job runs it, and returns the connections it
// opened: a --eval before the --file installs the recording shim
// (mongosh runs the --eval scripts, then the files: cli-repl.js
// loadCommandLineFilesAndEval).
func runRecorded(t *testing.T, stub mongoshtest.Stub, env []string, name string, script []byte) ([]connection, mongoshtest.Result) {
	t.Helper()
	shim, err := filepath.Abs("testdata/record-connections.js")
	if err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(t.TempDir(), "connections.jsonl")
	eval := "require(" + jsonString(shim) + ")(globalThis, " + jsonString(log) + ")"
	res := mongoshtest.Run(t, stub, env, "--nodb", "--quiet", "--eval", eval, "--file", writeScript(t, name, script))
	f, err := os.Open(log)
	if os.IsNotExist(err) {
		return nil, res
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []connection
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var c connection
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("%s: %v", sc.Text(), err)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out, res
}

// The driver's defaults for an option a connection string leaves out
// (MongoDB manual, "Connection String Options"; mongodb 7.9.1
// lib/connection_string.js OPTIONS: connectTimeoutMS 30000,
// serverSelectionTimeoutMS 30000, socketTimeoutMS 0, which never times
// out).
const (
	driverConnectTimeoutMS = 30000
	driverSocketTimeoutMS  = 0
)

// The root credentials of the auth cases, and their userinfo as the
// scripts must write it: encodeURIComponent escapes "@", ":", "/" and "%"
// (ECMAScript, encodeURIComponent: everything but unreserved marks), which
// a connection string's userinfo needs (MongoDB manual, "Connection
// String": these characters must be percent-encoded).
const (
	rootUser     = "root"
	rootPassword = "p@ss:w/rd%"
	rootUserinfo = "root:p%40ss%3Aw%2Frd%25@"
)

// rootRoles: the root user holds root on admin (the init Job's login).
var rootRoles = bson.A{bson.D{{Key: "role", Value: "root"}, {Key: "db", Value: "admin"}}}

// scriptConnection is one script's connection as the scenario specifies
// it, for one run.
type scriptConnection struct {
	// hosts and path: "mongodb://<userinfo><hosts><path>?<query>".
	hosts, path string
	// defaults: the script's own connection options, before the
	// authSource of an authenticated run and TOPOGEN_URI_OPTIONS.
	defaults string
	driver   driverOptions
}

// TestScriptConnectionsInMongosh runs each generated script that connects
// (init-replset.js, init-sharding.js, ensure-users.js) in the real mongosh
// against the scripted mongod and checks each connection it really opens:
// the connection string, character for character, and the options the
// driver parsed from it. The expected timeouts are each script's
// specification (the comments in its header: a member's hello answers
// within 5 s on a live member, the users script waits up to 2 min for a
// primary), the rest the driver's defaults; so a script whose own
// defaults drift, or that stops joining them with TOPOGEN_URI_OPTIONS
// through uriOptions, fails here. Three runs each:
//   - defaults: TOPOGEN_URI_OPTIONS=tls=false (the stub speaks no TLS;
//     the Job passes tls=true and the CA file), no credentials;
//   - auth: a server requiring authentication and TOPOGEN_CREDENTIALS_DIR:
//     the userinfo from the files, authSource=admin before the options;
//   - replaced: TOPOGEN_URI_OPTIONS names serverSelectionTimeoutMS (in
//     another case) and connectTimeoutMS: they replace the script's. A
//     repeat in another case would not fail but lose: the driver keeps the
//     first spelling of a name it has seen (mongodb 7.9.1
//     connection_string.js parseOptions: `if (!urlOptions.has(key))`),
//     so the driver's 2000 / 3000 prove the defaults were dropped.
//
// Every run must also do its job (exit 0): each script connects with and
// without authentication.
func TestScriptConnectionsInMongosh(t *testing.T) {
	findOnce.Do(func() { mongoshtest.Find(t) })
	t.Parallel()
	topo := testtopo.Load(t, "../../regions")
	sharded := testtopo.Sharded(t)
	hosts := memberHosts(topo)
	// The default topology's set, running rs-initiate.json.
	runningSet := func(t *testing.T, auth bool) mongoshtest.Stub {
		set := mongostub.New(t, hosts)
		if err := set.Run(bsonDoc(t, readInitiate(t, "../../out"))); err != nil {
			t.Fatal(err)
		}
		if auth {
			set.RequireAuth()
			set.AddUser(rootUser, rootPassword, rootRoles)
		}
		return set
	}

	type script struct {
		name string
		data []byte
		// stub starts the servers the script talks to; auth makes them
		// require authentication by rootUser.
		stub func(t *testing.T, auth bool) mongoshtest.Stub
		env  []string
		want scriptConnection
	}
	scripts := []script{
		{
			// One direct connection to the first member, which answers
			// with the set's config: the script compares and ends.
			name: "init-replset.js", data: InitScript(topo),
			stub: runningSet,
			env:  fastWaits,
			want: scriptConnection{
				hosts: hosts[0], path: "/admin?directConnection=true",
				defaults: "serverSelectionTimeoutMS=5000&connectTimeoutMS=5000&socketTimeoutMS=10000",
				driver:   driverOptions{DirectConnection: true, ServerSelectionTimeoutMS: 5000, ConnectTimeoutMS: 5000, SocketTimeoutMS: 10000},
			},
		},
		{
			// The mongos of the preferred region, over initiated sets. A
			// single host without replicaSet: mongosh adds
			// directConnection=true to what it hands the driver
			// (@mongosh/arg-parser uri-generator.js
			// addShellConnectionStringParameters), not to the string.
			name: "init-sharding.js", data: ShardingScript(sharded),
			stub: func(t *testing.T, auth bool) mongoshtest.Stub {
				c, _ := newCluster(t, sharded)
				sh := sharded.Sharding
				if err := c.Config.Run(bsonDoc(t, MarshalConfig(SetConfig(sh.ConfigServers, true)))); err != nil {
					t.Fatal(err)
				}
				for i, s := range sh.Shards {
					if err := c.Shards[i].Run(bsonDoc(t, MarshalConfig(SetConfig(s.Set, false)))); err != nil {
						t.Fatal(err)
					}
				}
				if auth {
					c.Mongos.RequireAuth()
					c.Mongos.AddUser(rootUser, rootPassword, rootRoles)
				}
				return c
			},
			env: append([]string{"TOPOGEN_MONGOS_WAIT_SECS=5"}, fastWaits...),
			want: scriptConnection{
				hosts: mongosOf(sharded), path: "/admin",
				defaults: "serverSelectionTimeoutMS=5000&connectTimeoutMS=5000",
				driver:   driverOptions{DirectConnection: true, ServerSelectionTimeoutMS: 5000, ConnectTimeoutMS: 5000, SocketTimeoutMS: driverSocketTimeoutMS},
			},
		},
		{
			// A replica-set connection seeded with every member.
			name: "ensure-users.js", data: UsersScript(topo),
			stub: runningSet,
			want: scriptConnection{
				hosts: strings.Join(hosts, ","), path: "/admin?replicaSet=" + topo.ReplicaSet.Name,
				defaults: "serverSelectionTimeoutMS=120000",
				driver:   driverOptions{ReplicaSet: topo.ReplicaSet.Name, ServerSelectionTimeoutMS: 120000, ConnectTimeoutMS: driverConnectTimeoutMS, SocketTimeoutMS: driverSocketTimeoutMS},
			},
		},
	}

	for _, s := range scripts {
		for _, run := range []string{"defaults", "auth", "replaced"} {
			t.Run(s.name+"/"+run, func(t *testing.T) {
				parallel(t)
				dir := t.TempDir()
				env := append(append([]string(nil), s.env...), "TOPOGEN_USERS_DIR="+filepath.Join(dir, "users"))
				for _, u := range Users {
					writeCredentials(t, filepath.Join(dir, "users", u.Secret), u.Name, u.Name+"-pw")
				}
				want := s.want
				userinfo, options := "", "tls=false"
				query := want.defaults
				switch run {
				case "auth":
					writeCredentials(t, filepath.Join(dir, "root"), rootUser, rootPassword)
					env = append(env, "TOPOGEN_CREDENTIALS_DIR="+filepath.Join(dir, "root"))
					userinfo = rootUserinfo
					query += "&authSource=admin"
					want.driver.Username, want.driver.AuthSource = rootUser, "admin"
				case "replaced":
					options = "tls=false&SERVERSELECTIONTIMEOUTMS=2000&connectTimeoutMS=3000"
					var kept []string
					for _, o := range strings.Split(query, "&") {
						if n := strings.ToLower(strings.Split(o, "=")[0]); n != "serverselectiontimeoutms" && n != "connecttimeoutms" {
							kept = append(kept, o)
						}
					}
					query = strings.Join(kept, "&")
					want.driver.ServerSelectionTimeoutMS, want.driver.ConnectTimeoutMS = 2000, 3000
				}
				env = append(env, "TOPOGEN_URI_OPTIONS="+options)
				sep := "?"
				if strings.Contains(want.path, "?") {
					sep = "&"
				}
				if query != "" {
					query += "&"
				}
				wantConn := connection{
					URI:    "mongodb://" + userinfo + want.hosts + want.path + sep + query + options,
					Driver: want.driver,
				}
				conns, res := runRecorded(t, s.stub(t, run == "auth"), env, s.name, s.data)
				if res.Exit != 0 {
					t.Errorf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", res.Exit, res.Stdout, res.Stderr)
				}
				if d := cmp.Diff([]connection{wantConn}, conns); d != "" {
					t.Errorf("connections (-want +got):\n%s", d)
				}
			})
		}
	}
}

// mongosOf is the mongos init-sharding.js connects to by default: the
// preferred region's, where the init Job runs.
func mongosOf(topo *model.Topology) string { return names.MongosAddress(topo, topo.Preferred()) }
