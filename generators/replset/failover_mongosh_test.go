package replset

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/topogen/topogen/internal/mongoshtest"
	"github.com/topogen/topogen/internal/mongostub"
	"github.com/topogen/topogen/internal/testtopo"
	"github.com/topogen/topogen/model"
)

// TestFailoverConfigsInMongosh runs each committed
// out/replset/failover/<region>.json the way its runbook says, in the real
// mongosh against a running set whose config is rs-initiate.json at
// version 7: rs.reconfig(prefer.config) and rs.reconfig(forcedReconfig.config,
// {force: true}). What mongod must receive is exactly one replSetReconfig
// whose config is the file's, with version 8 (mongosh 2.12.0
// shell-api/lib/replica-set.js reconfig: config.version = conf.version + 1,
// protocolVersion ??= the running config's; the options are spread into
// the command, so force: true sits beside replSetReconfig).
func TestFailoverConfigsInMongosh(t *testing.T) {
	findOnce.Do(func() { mongoshtest.Find(t) })
	t.Parallel()
	for _, tc := range mongoshCases {
		if tc.name == "seven-by-seven" {
			continue // 14 more reconfigs; the five-region case covers the shapes
		}
		topo := testtopo.Load(t, tc.input)
		t.Run(tc.name, func(t *testing.T) {
			parallel(t)
			testFailoverConfigs(t, topo, tc.out)
		})
	}
}

// testFailoverConfigs runs one topology's failover reconfigs in one
// mongosh and checks each in a subtest <region>/<kind>.
func testFailoverConfigs(t *testing.T, topo *model.Topology, out string) {
	var running map[string]any
	if err := json.Unmarshal(readInitiate(t, out), &running); err != nil {
		t.Fatal(err)
	}
	running["version"] = 7
	runningDoc, err := json.Marshal(running)
	if err != nil {
		t.Fatal(err)
	}
	hosts := memberHosts(topo)
	primary := topo.Preferred().Name
	var primaryHost string
	for _, m := range topo.Members {
		if m.Region == primary && (primaryHost == "" || m.Priority > priorityOf(topo, primaryHost)) {
			primaryHost = m.HostPort()
		}
	}
	// Every region's reconfigs run in one mongosh, one after another,
	// each as the runbook types it: the stub records each
	// replSetReconfig and keeps running version 7, so each
	// rs.reconfig reads version 7 and must send 8, as it would alone.
	type reconfig struct {
		name, opts string
		cfg        map[string]any
	}
	var runs []reconfig
	var script strings.Builder
	for _, r := range topo.Regions {
		b, err := os.ReadFile(filepath.Join(out, "replset", "failover", r.Name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(b, &raw); err != nil {
			t.Fatal(err)
		}
		for _, k := range []struct{ kind, opts string }{{"prefer", ""}, {"forcedReconfig", ", {force: true}"}} {
			v, ok := raw[k.kind]
			if !ok {
				continue
			}
			var entry map[string]any
			if err := json.Unmarshal(v, &entry); err != nil {
				t.Fatal(err)
			}
			cfg, _ := entry["config"].(map[string]any)
			cfgJSON, err := json.Marshal(cfg)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&script, "{ const cfg = %s; rs.reconfig(cfg%s); print('reconfigured %d'); }\n", cfgJSON, k.opts, len(runs))
			runs = append(runs, reconfig{r.Name + "/" + k.kind, k.opts, cfg})
		}
	}
	set := mongostub.New(t, hosts)
	if err := set.Run(bsonDoc(t, runningDoc)); err != nil {
		t.Fatal(err)
	}
	res := mongoshtest.Run(t, set, []string{"TOPOGEN_URI_OPTIONS=tls=false"},
		"mongodb://"+primaryHost+"/?directConnection=true", "--quiet", "--eval", script.String())
	w := writes(set.Commands())
	for i, run := range runs {
		t.Run(run.name, func(t *testing.T) {
			if res.Exit != 0 || !strings.Contains(res.Stdout, fmt.Sprintf("reconfigured %d\n", i)) {
				t.Fatalf("exit %d, stdout %q, stderr %s", res.Exit, res.Stdout, res.Stderr)
			}
			if len(w) != len(runs) || w[i].Name != "replSetReconfig" {
				t.Fatalf("write commands %v, want exactly one replSetReconfig per reconfig (%d)", w, len(runs))
			}
			want := map[string]any{}
			for k, v := range run.cfg {
				want[k] = v
			}
			want["version"] = 8.0
			// The files carry no protocolVersion; the running
			// config's is 1 (mongod stores protocolVersion: 1).
			want["protocolVersion"] = 1.0
			if d := cmp.Diff(want, asJSON(t, w[i].Doc[0].Value)); d != "" {
				t.Errorf("replSetReconfig config differs from the file's with version 8 (-want +sent):\n%s", d)
			}
			force := lookupDoc(w[i], "force")
			if (run.opts != "") != (force == true) {
				t.Errorf("force = %v, want %v", force, run.opts != "")
			}
		})
	}
}

func lookupDoc(c mongostub.Command, key string) any {
	for _, e := range c.Doc {
		if e.Key == key {
			return e.Value
		}
	}
	return nil
}
