package replset

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/topogen/topogen/internal/mongoshtest"
	"github.com/topogen/topogen/internal/mongostub"
	"github.com/topogen/topogen/internal/testtopo"
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
	for _, tc := range mongoshCases {
		if tc.name == "seven-by-seven" {
			continue // 14 more mongosh runs; the five-region case covers the shapes
		}
		topo := testtopo.Load(t, tc.input)
		var running map[string]any
		if err := json.Unmarshal(readInitiate(t, tc.out), &running); err != nil {
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
		for _, r := range topo.Regions {
			b, err := os.ReadFile(filepath.Join(tc.out, "replset", "failover", r.Name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var file map[string]map[string]any
			var raw map[string]json.RawMessage
			if err := json.Unmarshal(b, &raw); err != nil {
				t.Fatal(err)
			}
			file = map[string]map[string]any{}
			for _, k := range []string{"prefer", "forcedReconfig"} {
				if v, ok := raw[k]; ok {
					var m map[string]any
					if err := json.Unmarshal(v, &m); err != nil {
						t.Fatal(err)
					}
					file[k] = m
				}
			}
			for kind, opts := range map[string]string{"prefer": "", "forcedReconfig": ", {force: true}"} {
				entry, ok := file[kind]
				if !ok {
					continue
				}
				cfg, _ := entry["config"].(map[string]any)
				t.Run(fmt.Sprintf("%s/%s/%s", tc.name, r.Name, kind), func(t *testing.T) {
					parallel(t)
					set := mongostub.New(t, hosts)
					if err := set.Run(bsonDoc(t, runningDoc)); err != nil {
						t.Fatal(err)
					}
					cfgJSON, err := json.Marshal(cfg)
					if err != nil {
						t.Fatal(err)
					}
					script := fmt.Sprintf("const cfg = %s; rs.reconfig(cfg%s); print('reconfigured')", cfgJSON, opts)
					res := mongoshtest.Run(t, set, []string{"TOPOGEN_URI_OPTIONS=tls=false"},
						"mongodb://"+primaryHost+"/?directConnection=true", "--quiet", "--eval", script)
					if res.Exit != 0 || res.Stdout != "reconfigured\n" {
						t.Fatalf("exit %d, stdout %q, stderr %s", res.Exit, res.Stdout, res.Stderr)
					}
					w := writes(set.Commands())
					if len(w) != 1 || w[0].Name != "replSetReconfig" {
						t.Fatalf("write commands %v, want exactly one replSetReconfig", w)
					}
					want := map[string]any{}
					for k, v := range cfg {
						want[k] = v
					}
					want["version"] = 8.0
					// The files carry no protocolVersion; the running
					// config's is 1 (mongod stores protocolVersion: 1).
					want["protocolVersion"] = 1.0
					if d := cmp.Diff(want, asJSON(t, w[0].Doc[0].Value)); d != "" {
						t.Errorf("replSetReconfig config differs from the file's with version 8 (-want +sent):\n%s", d)
					}
					force := lookupDoc(w[0], "force")
					if (opts != "") != (force == true) {
						t.Errorf("force = %v, want %v", force, opts != "")
					}
				})
			}
		}
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
