package mongoshtest

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/topogen/topogen/internal/goldenfile"
	"github.com/topogen/topogen/internal/mongostub"
)

// The oracle for the server is mongosh itself: every case below runs once
// as its own mongosh process (MONGOSHTEST_PROCESS=1) and then, twice in a
// row, as a case of a server; the three results must be equal. The cases
// are what a server could get wrong: state a case leaves behind (globals,
// the environment, connections, the working directory), quit() inside
// try/catch/finally or a callback, errors, output.

const host = "rs-0.test.internal:27017"

type harnessCase struct {
	name  string
	env   []string
	args  []string
	shell string // run with RunShell instead of Run
	// files written beside the --file script
	files map[string]string
}

// Each case leaves something behind for the next; "-again" cases repeat
// an earlier one after others ran. quit-in-callback is last: it restarts
// the server.
var harnessCases = []harnessCase{
	globalsCase("globals"),
	{name: "env", env: []string{"TOPOGEN_A=1"}, args: []string{"--nodb", "--quiet", "--eval",
		`print(process.env.TOPOGEN_A, process.env.TOPOGEN_B === undefined, process.env.HOME === process.cwd()); process.env.TOPOGEN_B = "set"`}},
	{name: "quit-in-try", args: []string{"--nodb", "--quiet", "--eval",
		`try { print("in"); quit(3); } catch (e) { print("caught " + e); } finally { print("finally"); } print("after")`}},
	{name: "quit-no-code", args: []string{"--nodb", "--quiet", "--eval", `print("a"); quit(); print("b")`}},
	{name: "exit-in-function", args: []string{"--nodb", "--quiet", "--eval", `function f() { try { exit(7) } catch (e) {} } f(); print("after")`}},
	{name: "uncaught", args: []string{"--nodb", "--quiet", "--eval", `print("a"); throw new Error("boom")`}},
	{name: "file", files: map[string]string{"s.js": `print(require("fs").readFileSync(__dirname + "/data.txt", "utf8")); printjson({a: 1, b: [1, 2]}); const later = 1`, "data.txt": "hello"},
		args: []string{"--nodb", "--quiet", "--file", "s.js"}},
	{name: "uri", args: []string{"mongodb://" + host + "/admin?directConnection=true", "--quiet", "--eval",
		`print(db.getName(), db.adminCommand({ping: 1}).ok); db.adminCommand({replSetGetStatus: 1})`}},
	// After a connection string: db is --nodb's placeholder again.
	{name: "nodb-after-uri", args: []string{"--nodb", "--quiet", "--eval", `try { db.getName(); } catch (e) { print(e.message) }`}},
	{name: "new-mongo", args: []string{"--nodb", "--quiet", "--eval",
		`const c = new Mongo("mongodb://` + host + `/?directConnection=true").getDB("admin"); print(c.adminCommand({ping: 1}).ok)`}},
	{name: "shell", shell: `mongosh --quiet --host localhost --port 27017 --tls --tlsCAFile /nonexistent/ca.crt --eval 'print(db.adminCommand({ping: 1}).ok)' && echo "exit $?"; ` +
		`mongosh --quiet --host localhost --port 27017 --eval 'quit(5)'; echo "exit $?"`},
	globalsCase("globals-again"),
	{name: "env-again", env: []string{"TOPOGEN_A=2"}, args: []string{"--nodb", "--quiet", "--eval",
		`print(process.env.TOPOGEN_A, process.env.TOPOGEN_B === undefined, process.env.HOME === process.cwd())`}},
	{name: "quit-in-callback", args: []string{"--nodb", "--quiet", "--eval", `setTimeout(() => quit(4), 10); sleep(500); print("not reached")`}},
}

// globalsCase declares top-level names and fails to see them undefined if
// an earlier case's survived.
func globalsCase(name string) harnessCase {
	return harnessCase{name: name, args: []string{"--nodb", "--quiet", "--eval",
		`let seen; var count; if (seen !== undefined || count !== undefined || typeof stale !== "undefined" || typeof later !== "undefined") print("leaked"); ` +
			`seen = "x"; count = 1; globalThis.stale = 1; print("ok " + typeof print + " " + typeof quit)`}}
}

func runHarnessCase(t *testing.T, tc harnessCase) (Result, []string) {
	set := mongostub.New(t, []string{host})
	set.Alias("localhost:27017", host)
	var res Result
	if tc.shell != "" {
		res = RunShell(t, set, tc.env, tc.shell)
	} else {
		args := tc.args
		if tc.files != nil {
			dir := t.TempDir()
			for name, data := range tc.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			args = absFiles(args, dir)
		}
		res = Run(t, set, tc.env, args...)
	}
	var cmds []string
	for _, c := range set.Commands() {
		if c.Name == "ping" || c.Name == "replSetGetStatus" {
			cmds = append(cmds, c.Name)
		}
	}
	return res, cmds
}

// absFiles makes --file arguments absolute, in dir.
func absFiles(args []string, dir string) []string {
	out := append([]string(nil), args...)
	for i := range out {
		if i > 0 && out[i-1] == "--file" {
			out[i] = filepath.Join(dir, out[i])
		}
	}
	return out
}

var update = flag.Bool("update", false, "rewrite testdata/process.json from mongosh processes")

type outcome struct {
	Res  Result
	Cmds []string
}

func runAll(t *testing.T) map[string]outcome {
	got := map[string]outcome{}
	for _, tc := range harnessCases {
		res, cmds := runHarnessCase(t, tc)
		got[tc.name] = outcome{norm(res), cmds}
	}
	return got
}

// TestServerMatchesProcess: testdata/process.json holds what mongosh
// processes answered to the cases (-update rewrites it from them; in CI,
// CI=true, they run again and must still answer the same). A server must
// answer each case the same, twice in a row.
func TestServerMatchesProcess(t *testing.T) {
	Find(t)
	const golden = "testdata/process.json"
	if *update || os.Getenv("CI") == "true" {
		processMode = true
		got := runAll(t)
		processMode = false
		b, err := json.MarshalIndent(got, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		goldenfile.Check(t, golden, append(b, '\n'), *update)
	}
	b, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]outcome
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if len(want) != len(harnessCases) {
		t.Fatalf("%s has %d cases, the test %d: run with -update", golden, len(want), len(harnessCases))
	}
	got := runAll(t)
	for _, tc := range harnessCases {
		if d := cmp.Diff(want[tc.name], got[tc.name]); d != "" {
			t.Errorf("%s: server differs from a mongosh process (-process +server):\n%s", tc.name, d)
		}
	}
}

// norm drops what differs between any two runs: temporary paths.
func norm(r Result) Result {
	for _, s := range []*string{&r.Stdout, &r.Stderr} {
		*s = strings.ReplaceAll(*s, os.TempDir(), "$TMP")
	}
	return r
}
