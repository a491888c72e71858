package kubernetes

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.mongodb.org/mongo-driver/v2/bson"
	appsv1 "k8s.io/api/apps/v1"

	"github.com/topogen/topogen/internal/mongoshtest"
)

// TestClientProbeInMongosh runs probe.js as the Deployment runs it (its
// command and environment; the URI without TLS, the stub speaks plain
// TCP) in the real mongosh against a scripted set requiring
// authentication, for three rounds.
func TestClientProbeInMongosh(t *testing.T) {
	mongoshtest.Find(t)
	t.Parallel()
	topo := load(t, cases["default"])
	r := topo.Regions[0]
	objs := buildProbe(topo, r)
	dep := objs[1].v.(appsv1.Deployment)
	c := dep.Spec.Template.Spec.Containers[0]
	if got, want := c.Command[:4], []string{"mongosh", "--nodb", "--quiet", "--file"}; !cmp.Equal(got, want) {
		t.Fatalf("command %q, want %q", got, want)
	}

	for _, tc := range []struct {
		name, pwd string
		// want: the counters after three rounds (the scenario: every
		// operation succeeds with the right password, none can run
		// without a login).
		total, ok string
	}{
		{"healthy", "pr0be:@/%pw", "3", "3"},
		{"wrong-password", "wrong", "3", "0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			set, _ := podSet(t, topo, "primary")
			set.RequireAuth()
			set.AddUser("probe-user", "pr0be:@/%pw", bson.A{bson.D{{Key: "role", Value: "readWrite"}, {Key: "db", Value: "topogen_probe"}}})
			dir := t.TempDir()
			for f, v := range map[string]string{"username": "probe-user", "password": tc.pwd} {
				if err := os.WriteFile(filepath.Join(dir, f), []byte(v+"\n"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			script := filepath.Join(dir, "probe.js")
			if err := os.WriteFile(script, ProbeScript, 0o644); err != nil {
				t.Fatal(err)
			}
			var env []string
			for _, e := range c.Env {
				switch e.Name {
				case "HOME":
				case "PROBE_URI":
					uri := strings.Replace(e.Value, "tls=true", "tls=false", 1)
					uri = regexp.MustCompile(`&tlsCAFile=[^&]*`).ReplaceAllString(uri, "")
					env = append(env, "PROBE_URI="+uri)
				case "PROBE_CREDENTIALS_DIR":
					env = append(env, e.Name+"="+dir)
				case "PROBE_PORT":
					env = append(env, "PROBE_PORT=0")
				case "PROBE_INTERVAL_SECS":
					env = append(env, "PROBE_INTERVAL_SECS=0.05")
				default:
					env = append(env, e.Name+"="+e.Value)
				}
			}
			env = append(env, "PROBE_ITERATIONS=3")
			res := mongoshtest.Run(t, set, env, "--nodb", "--quiet", "--file", script)
			if res.Exit != 0 {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", res.Exit, res.Stdout, res.Stderr)
			}
			for _, op := range []string{"write", "read"} {
				for _, line := range []string{
					`topogen_probe_operations_total{operation="` + op + `"} ` + tc.total,
					`topogen_probe_operations_succeeded_total{operation="` + op + `"} ` + tc.ok,
					`topogen_probe_operation_duration_seconds_bucket{operation="` + op + `",le="+Inf"} ` + tc.ok,
					`topogen_probe_operation_duration_seconds_count{operation="` + op + `"} ` + tc.ok,
				} {
					if !hasLine(res.Stdout, line) {
						t.Errorf("no line %q in\n%s", line, res.Stdout)
					}
				}
			}
			for _, h := range []string{
				"# TYPE topogen_probe_operations_total counter",
				"# TYPE topogen_probe_operations_succeeded_total counter",
				"# TYPE topogen_probe_operation_duration_seconds histogram",
			} {
				if !hasLine(res.Stdout, h) {
					t.Errorf("no line %q", h)
				}
			}
			inserts, finds := 0, 0
			for _, cmd := range set.Commands() {
				switch cmd.Name {
				case "insert":
					inserts++
					if cmd.DB != "topogen_probe" || cmd.User != "probe-user" {
						t.Errorf("insert on %s as %q", cmd.DB, cmd.User)
					}
					// MongoDB manual, "insert": writeConcern {w, wtimeout}.
					wc, _ := bson.Marshal(lookupD(cmd.Doc, "writeConcern"))
					if got := bson.Raw(wc).String(); got != `{"w": "majority","wtimeout": {"$numberInt":"5000"}}` {
						t.Errorf("insert writeConcern %s", got)
					}
				case "find":
					finds++
					// OP_MSG $readPreference (server selection spec):
					// nearest, own region first, any member next.
					rp, _ := bson.Marshal(cmd.ReadPreference)
					want := `{"mode": "nearest","tags": [{"region": "` + r.Name + `"},{}]}`
					if got := bson.Raw(rp).String(); got != want {
						t.Errorf("find $readPreference %s, want %s", got, want)
					}
				case "createIndexes":
				}
			}
			wantOps := map[string]int{"healthy": 3, "wrong-password": 0}[tc.name]
			if inserts != wantOps || finds != wantOps {
				t.Errorf("%d inserts, %d finds; want %d each", inserts, finds, wantOps)
			}
		})
	}
}

func hasLine(out, line string) bool {
	for _, l := range strings.Split(out, "\n") {
		if strings.TrimSpace(l) == line {
			return true
		}
	}
	return false
}

func lookupD(d bson.D, key string) any {
	for _, e := range d {
		if e.Key == key {
			return e.Value
		}
	}
	return nil
}
