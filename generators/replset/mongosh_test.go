package replset

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/topogen/topogen/internal/mongoshtest"
	"github.com/topogen/topogen/internal/mongostub"
	"github.com/topogen/topogen/internal/testtopo"
	"github.com/topogen/topogen/model"
)

// Behaviour tests of init-replset.js, run in the real mongosh (2.12.0,
// tools/node) against a scripted replica set (internal/mongostub) whose
// replies follow mongod 7.0: see the citations in internal/mongostub.

// mongoshCases are the topologies the behaviour test runs on, with the
// directory holding their committed rs-initiate.json.
var mongoshCases = []struct{ name, input, out string }{
	{"default", "../../regions", "../../out"},
	{"two-regions", "../../golden/two-regions/input", "../../golden/two-regions/out"},
	{"five-regions", "../../golden/five-regions/input", "../../golden/five-regions/out"},
	{"seven-by-seven", "../../golden/seven-by-seven/input", "../../golden/seven-by-seven/out"},
}

// readOnly are the commands the scripts (and mongosh itself at startup)
// may send without changing anything; anything else counts as a write.
var readOnly = map[string]bool{
	"hello": true, "isMaster": true, "ismaster": true, "ping": true, "buildInfo": true,
	"getParameter": true, "atlasVersion": true, "aggregate": true, "endSessions": true,
	"replSetGetStatus": true, "replSetGetConfig": true, "usersInfo": true, "rolesInfo": true, "connectionStatus": true,
	"getCmdLineOpts": true, "getLog": true, "saslStart": true, "saslContinue": true,
}

func writes(cmds []mongostub.Command) []mongostub.Command {
	var out []mongostub.Command
	for _, c := range cmds {
		if !readOnly[c.Name] {
			out = append(out, c)
		}
	}
	return out
}

// fastWaits keeps the scripts' bounded waits short in tests, through
// their documented knobs, with room for a loaded machine (the stub answers
// in milliseconds, mongosh takes up to ~0.2 s a connection then): the
// election wait polls every 400 ms (a tenth of its 4 s budget) instead of
// every second.
var fastWaits = []string{"TOPOGEN_URI_OPTIONS=tls=false", "TOPOGEN_MEMBERS_WAIT_SECS=3", "TOPOGEN_PRIMARY_WAIT_SECS=4"}

// stalledWaits are fastWaits for a set with a member that never answers:
// its hello fails after 1 s (the connection timeouts, 5 s in production,
// replaced through TOPOGEN_URI_OPTIONS), which spends the 1 s members
// budget. A healthy member slower than that only adds its name to the
// failure the case expects, so nothing else gets these short timeouts.
var stalledWaits = append(slices.Clone(fastWaits),
	"TOPOGEN_URI_OPTIONS=tls=false&serverSelectionTimeoutMS=1000&connectTimeoutMS=1000",
	"TOPOGEN_MEMBERS_WAIT_SECS=1")

func writeScript(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func runInit(t *testing.T, set *mongostub.Set, script []byte) mongoshtest.Result {
	t.Helper()
	return runInitEnv(t, set, script, fastWaits)
}

// runInitEnv runs script with env (a later KEY=VALUE replaces an earlier
// one, as in exec.Cmd).
func runInitEnv(t *testing.T, set *mongostub.Set, script []byte, env []string) mongoshtest.Result {
	t.Helper()
	p := writeScript(t, "init-replset.js", script)
	return mongoshtest.Run(t, set, env, "--nodb", "--quiet", "--file", p)
}

func readInitiate(t *testing.T, out string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, InitiatePath))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// asJSON renders a BSON document as plain JSON values for comparison.
func asJSON(t *testing.T, v any) any {
	t.Helper()
	// Wrapped: extended JSON renders documents, not bare arrays.
	b, err := bson.MarshalExtJSON(bson.D{{Key: "v", Value: v}}, false, false)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out["v"]
}

func jsonValue(t *testing.T, b []byte) any {
	t.Helper()
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func bsonDoc(t *testing.T, b []byte) bson.D {
	t.Helper()
	var d bson.D
	if err := bson.UnmarshalExtJSON(b, false, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func memberHosts(topo *model.Topology) []string {
	var out []string
	for _, m := range topo.Members {
		out = append(out, m.HostPort())
	}
	return out
}

func priorityOf(topo *model.Topology, host string) int {
	for _, m := range topo.Members {
		if m.HostPort() == host {
			return m.Priority
		}
	}
	return -1
}

// checkInitiated is what "the set initiates" means for an uninitiated set:
// exactly one replSetInitiate, sent to an electable member, carrying
// exactly rs-initiate.json; no other write; exit 0; a primary reported.
func checkInitiated(t *testing.T, topo *model.Topology, initiate []byte, set *mongostub.Set, res mongoshtest.Result) []string {
	var problems []string
	w := writes(set.Commands())
	if len(w) != 1 || w[0].Name != "replSetInitiate" {
		var names []string
		for _, c := range w {
			names = append(names, c.Name+"@"+c.Member)
		}
		problems = append(problems, fmt.Sprintf("write commands %v, want exactly one replSetInitiate", names))
	} else {
		if p := priorityOf(topo, w[0].Member); p <= 0 {
			problems = append(problems, fmt.Sprintf("replSetInitiate sent to %s (priority %d), want an electable member", w[0].Member, p))
		}
		if d := cmp.Diff(jsonValue(t, initiate), asJSON(t, w[0].Doc[0].Value)); d != "" {
			problems = append(problems, "replSetInitiate document differs from rs-initiate.json (-file +sent):\n"+d)
		}
	}
	if res.Exit != 0 {
		problems = append(problems, fmt.Sprintf("exit %d, want 0", res.Exit))
	}
	if !strings.Contains(res.Stdout, "topogen: primary elected: ") {
		problems = append(problems, "no primary reported")
	}
	if len(problems) > 0 {
		problems = append(problems, "stdout:\n"+res.Stdout+"\nstderr:\n"+res.Stderr)
	}
	return problems
}

// limit bounds the mongosh processes running at once (each is a Node.js
// process; the machine is shared). Every test that runs mongosh is
// parallel, so that the mongoshtest servers are never idle while a test
// waits; a test whose subtests run mongosh only calls t.Parallel (holding
// no slot while its subtests wait for one).
var limit = make(chan struct{}, mongoshtest.Servers)

func parallel(t *testing.T) {
	t.Parallel()
	limit <- struct{}{}
	t.Cleanup(func() { <-limit })
}

var findOnce sync.Once

func TestInitScriptInMongosh(t *testing.T) {
	findOnce.Do(func() { mongoshtest.Find(t) })
	t.Parallel()
	for _, tc := range mongoshCases {
		topo := testtopo.Load(t, tc.input)
		initiate := readInitiate(t, tc.out)
		script := InitScript(topo)
		hosts := memberHosts(topo)

		t.Run(tc.name+"/uninitiated", func(t *testing.T) {
			parallel(t)
			set := mongostub.New(t, hosts)
			set.ElectionHellos(2) // the script must wait for the election
			res := runInit(t, set, script)
			for _, p := range checkInitiated(t, topo, initiate, set, res) {
				t.Error(p)
			}
			if want := "topogen: initiated replica set " + topo.ReplicaSet.Name; !strings.Contains(res.Stdout, want) {
				t.Errorf("stdout lacks %q:\n%s", want, res.Stdout)
			}
		})

		t.Run(tc.name+"/same-config", func(t *testing.T) {
			parallel(t)
			set := mongostub.New(t, hosts)
			if err := set.Run(bsonDoc(t, initiate)); err != nil {
				t.Fatal(err)
			}
			res := runInit(t, set, script)
			if w := writes(set.Commands()); len(w) > 0 {
				t.Errorf("write commands sent to a running set: %v", w)
			}
			want := "topogen: replica set " + topo.ReplicaSet.Name + " matches the topology (config version 1, read from " + hosts[0] + ")\n"
			if res.Exit != 0 || res.Stdout != want {
				t.Errorf("exit %d, stdout:\n%s\nwant exit 0, stdout:\n%s\nstderr:\n%s", res.Exit, res.Stdout, want, res.Stderr)
			}
		})

		t.Run(tc.name+"/different-config", func(t *testing.T) {
			parallel(t)
			// The running set: the first member's priority is 1, the
			// last member is missing, and chaining is off.
			var cfg Config
			if err := json.Unmarshal(initiate, &cfg); err != nil {
				t.Fatal(err)
			}
			first, last := cfg.Members[0], cfg.Members[len(cfg.Members)-1]
			cfg.Members[0].Priority = 1
			cfg.Members = cfg.Members[:len(cfg.Members)-1]
			cfg.Settings.ChainingAllowed = !cfg.Settings.ChainingAllowed
			set := mongostub.New(t, hosts)
			if err := set.Run(bsonDoc(t, MarshalConfig(cfg))); err != nil {
				t.Fatal(err)
			}
			res := runInit(t, set, script)
			if w := writes(set.Commands()); len(w) > 0 {
				t.Errorf("write commands sent to a running set: %v", w)
			}
			wantLines := []string{
				fmt.Sprintf("  - member %s: priority running 1, topology %d", first.Host, first.Priority),
				fmt.Sprintf("  - member %s: in the topology, not in the running set", last.Host),
				fmt.Sprintf("  - settings.chainingAllowed: running %v, topology %v", cfg.Settings.ChainingAllowed, !cfg.Settings.ChainingAllowed),
			}
			if first.Priority == 1 {
				wantLines = wantLines[1:]
			}
			lines := strings.Split(res.Stdout, "\n")
			for _, l := range wantLines {
				if !slices.Contains(lines, l) {
					t.Errorf("difference not printed: %q", l)
				}
			}
			if got := strings.Count(res.Stdout, "\n  - "); got != len(wantLines) {
				t.Errorf("%d differences printed, want %d", got, len(wantLines))
			}
			if res.Exit != 0 || !strings.Contains(res.Stdout, "nothing was changed") {
				t.Errorf("exit %d, want 0 and \"nothing was changed\"; stdout:\n%s\nstderr:\n%s", res.Exit, res.Stdout, res.Stderr)
			}
		})

		t.Run(tc.name+"/member-times-out", func(t *testing.T) {
			// One topology proves it: the wait and its failure do not
			// depend on the set (every member gets one hello per pass,
			// which seven-by-seven/uninitiated proves for 49 members),
			// and each other one only adds its members' hellos.
			if tc.name != "default" {
				t.Skip("the stalled-member case runs on the default topology")
			}
			parallel(t)
			set := mongostub.New(t, hosts)
			stalled := hosts[len(hosts)-1]
			set.Hang(stalled)
			res := runInitEnv(t, set, script, stalledWaits)
			if w := writes(set.Commands()); len(w) > 0 {
				t.Errorf("write commands sent while %s does not answer: %v", stalled, w)
			}
			if res.Exit != 1 || !strings.Contains(res.Stdout, "did not answer hello") || !strings.Contains(res.Stdout, stalled) {
				t.Errorf("exit %d, want 1 and %s named as not answering; stdout:\n%s\nstderr:\n%s", res.Exit, stalled, res.Stdout, res.Stderr)
			}
		})
	}
}

// TestInitScriptNonElectablePreferredRegion: with voters: 0 the preferred
// region's members have priority 0 (five-regions: use pinned to 0, the
// others to 2+1+1+1), and mongod refuses replSetInitiate on them
// (NodeNotElectable 104); the script initiates on the next region's.
func TestInitScriptNonElectablePreferredRegion(t *testing.T) {
	mongoshtest.Find(t)
	parallel(t)
	const dir = "../../golden/five-regions/input"
	files := testtopo.ReadDir(t, dir)
	for file, voters := range map[string]string{"use.cue": "0", "usw.cue": "2", "euw.cue": "1", "apse.cue": "1", "sae.cue": "1"} {
		src := string(files[file])
		i := strings.Index(src, "\tmembers:")
		if i < 0 {
			t.Fatalf("%s/%s has no members line to pin voters before", dir, file)
		}
		files[file] = []byte(src[:i] + "\tvoters: " + voters + "\n" + src[i:])
	}
	topo := testtopo.LoadFiles(t, dir, files)
	preferred := topo.RegionMembers("use")[0]
	if preferred.Priority != 0 {
		t.Fatalf("test topology: %s has priority %d, want 0", preferred.HostPort(), preferred.Priority)
	}
	set := mongostub.New(t, memberHosts(topo))
	res := runInit(t, set, InitScript(topo))
	for _, p := range checkInitiated(t, topo, MarshalConfig(InitiateConfig(topo)), set, res) {
		t.Error(p)
	}
	// The v0 choice, the preferred region's first member, is refused.
	set2 := mongostub.New(t, memberHosts(topo))
	p := writeScript(t, "probe.js", []byte(`try { db.adminCommand({replSetInitiate: `+string(MarshalConfig(InitiateConfig(topo)))+`}); print("accepted") } catch (e) { print(e.code) }`))
	res = mongoshtest.Run(t, set2, nil, "mongodb://"+preferred.HostPort()+"/admin?directConnection=true", "--quiet", "--file", p)
	if strings.TrimSpace(res.Stdout) != "104" {
		t.Errorf("replSetInitiate on the priority-0 member: %q, want NodeNotElectable (104)", res.Stdout)
	}
}

// TestInitScriptV0Fails keeps the first generated init-replset.js (before
// the mongosh behaviour test existed) as a regression case: it treats the
// NotYetInitialized error as a returned {ok: 0}, so mongosh's throw ends it
// before replSetInitiate. The checks above must reject it.
func TestInitScriptV0Fails(t *testing.T) {
	mongoshtest.Find(t)
	parallel(t)
	topo := testtopo.Load(t, "../../regions")
	v0, err := os.ReadFile("testdata/init-replset.v0.js")
	if err != nil {
		t.Fatal(err)
	}
	hosts := memberHosts(topo)
	set := mongostub.New(t, hosts)
	p := writeScript(t, "init-replset.js", v0)
	// As the v0 init Job ran it: a direct connection to us-0.
	res := mongoshtest.Run(t, set, nil, "mongodb://"+hosts[0]+"/admin?directConnection=true&serverSelectionTimeoutMS=5000", "--quiet", "--file", p)
	problems := checkInitiated(t, topo, readInitiate(t, "../../out"), set, res)
	if len(problems) == 0 {
		t.Fatalf("the v0 script passed the behaviour checks; it must fail them")
	}
	if res.Exit != 1 || !strings.Contains(res.Stdout+res.Stderr, "no replset config has been received") {
		t.Errorf("v0: exit %d, want 1 with mongosh's NotYetInitialized error; stdout:\n%s\nstderr:\n%s", res.Exit, res.Stdout, res.Stderr)
	}
}
