package schema

import (
	"os"
	"testing"

	"github.com/topogen/topogen/model"
)

// FuzzLoad feeds arbitrary CUE to the loader next to the default topology:
// it must return diagnostics or a model, never panic.
func FuzzLoad(f *testing.F) {
	us, err := os.ReadFile("../regions/us.cue")
	if err != nil {
		f.Fatal(err)
	}
	global, err := os.ReadFile("../regions/global.cue")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(us))
	f.Add("package regions\nregions: eu: cidr: \"10.0.0.0/8\"\n")
	f.Add("package regions\nregions: \"../x\": {}\n")
	f.Add("package regions\nregions: eu: {members: 51, voters: 9, priority: -1}\n")
	f.Add("package regions\nreplicaSet: settings: electionTimeoutMillis: 1e99\n")
	f.Add("{{{")
	f.Fuzz(func(t *testing.T, src string) {
		topo, diags := LoadFiles("in", map[string][]byte{"global.cue": global, "x.cue": []byte(src)})
		if topo == nil && !diags.HasErrors() {
			t.Fatalf("no topology and no error")
		}
		if topo != nil {
			if v := topo.Voters(); v < 1 || v > model.MaxVoters {
				t.Fatalf("accepted %d voters", v)
			}
		}
	})
}
