package compile

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/internal/parallel"
	"github.com/topogen/topogen/internal/testtopo"
	"github.com/topogen/topogen/model"
	"github.com/topogen/topogen/schema"
)

// vetThenGen is what `topogen vet` and `topogen gen` do with a topology
// (gen on a first generation): the load and check diagnostics, then the
// compile error when vet passed.
func vetThenGen(topo *model.Topology, diags model.Diagnostics) (model.Diagnostics, error) {
	var checked Checked
	if topo != nil {
		var more model.Diagnostics
		checked, more = Check(topo)
		diags = append(diags, more...).Sort()
	}
	if topo == nil || diags.HasErrors() {
		return diags, nil
	}
	_, err := Compile(topo, Options{Checked: checked})
	return diags, err
}

// TestVetRejectsWhatGeneratorsWould: inputs that once passed vet and failed
// in a generator (or collided with a generated path) are vet errors with a
// position.
func TestVetRejectsWhatGeneratorsWould(t *testing.T) {
	files := testtopo.ReadDir(t, "../regions")
	for _, name := range []string{"global", "all"} {
		t.Run(name, func(t *testing.T) {
			edited := map[string][]byte{}
			for k, v := range files {
				edited[k] = v
			}
			edited["apac.cue"] = []byte(strings.Replace(string(files["apac.cue"]), "regions: apac:", "regions: "+name+":", 1))
			topo, diags := schema.LoadFiles("regions", edited)
			diags, err := vetThenGen(topo, diags)
			if err != nil {
				t.Fatalf("vet passed, gen failed: %v", err)
			}
			want := "regions/apac.cue:3:10: regions." + name + `: region name "` + name + `" is reserved`
			if !strings.Contains(diags.Error(), want) {
				t.Errorf("diagnostics\n%v\nwant %q", diags, want)
			}
		})
	}
}

// FuzzCompile takes fuzzed region files through the loader, the check
// phase and every generator: whatever vet accepts, every target compiles,
// and nothing panics (a panic would come back as a *parallel.PanicError).
func FuzzCompile(f *testing.F) {
	files := map[string][]byte{}
	for _, n := range []string{"global.cue", "us.cue", "eu.cue"} {
		b, err := os.ReadFile("../regions/" + n)
		if err != nil {
			f.Fatal(err)
		}
		files[n] = b
	}
	eu := string(files["eu.cue"])
	f.Add(eu)
	f.Add(strings.Replace(eu, "members:  3", "members:  7", 1))
	f.Add(strings.Replace(eu, "regions: eu:", "regions: global:", 1))
	f.Add(strings.Replace(eu, `"1Ti"`, `"0"`, 1))
	f.Add(strings.Replace(eu, "priority: 6", "priority: 0", 1))
	f.Add(strings.Replace(eu, `"10.1.0.0/16"`, `"172.20.0.0/16"`, 1))
	f.Add("package regions\nregions: eu: {}\n")
	f.Fuzz(func(t *testing.T, src string) {
		in := map[string][]byte{"global.cue": files["global.cue"], "us.cue": files["us.cue"], "eu.cue": []byte(src)}
		topo, diags := schema.LoadFiles("regions", in)
		if topo == nil && !diags.HasErrors() {
			t.Fatal("no topology and no error")
		}
		if _, err := vetThenGen(topo, diags); err != nil {
			var p *parallel.PanicError
			if errors.As(err, &p) {
				t.Fatalf("%v\n%s", p, p.Stack)
			}
			t.Fatalf("vet accepts it, gen fails: %v", err)
		}
	})
}

// TestTargetPanicIsAnError: a panicking target is an error naming it.
func TestTargetPanicIsAnError(t *testing.T) {
	topo := testtopo.Load(t, "../regions")
	saved := Targets
	t.Cleanup(func() { Targets = saved })
	Targets = append(append([]Target(nil), saved...), Target{Name: "broken", Generate: func(Input) ([]generators.File, error) { panic("nil map") }})
	_, err := Compile(topo, Options{})
	if err == nil || err.Error() != "internal error in target broken: nil map; please report it with the topology that caused it" {
		t.Errorf("Compile = %v", err)
	}
}
