package compile

import (
	"testing"

	"github.com/topogen/topogen/schema"
)

// TestCompileReusesChecked: Compile builds no patched region again that
// Check built (Options.Checked), which TestGolden's equal renders cannot
// tell from a rebuild. A kustomize build of a patched region allocates
// far more than reusing its files, so the reusing compile must allocate
// clearly less than the one that builds everything (allocation counts,
// not time: they do not depend on the machine's load).
func TestCompileReusesChecked(t *testing.T) {
	topo, diags := schema.Load("../golden/one-member/input") // patches/all
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if len(topo.Patches) == 0 {
		t.Fatal("one-member has no patches any more; pick a golden case that has")
	}
	checked, diags := CheckAt(topo, goldenDay)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	compile := func(opts Options) func() {
		return func() {
			if _, err := Compile(topo, opts); err != nil {
				t.Fatal(err)
			}
		}
	}
	fresh := testing.AllocsPerRun(3, compile(Options{}))
	reused := testing.AllocsPerRun(3, compile(Options{Checked: checked}))
	t.Logf("allocations per compile: %.0f building every region, %.0f reusing Check's builds", fresh, reused)
	if reused > 0.9*fresh {
		t.Errorf("a compile handed Check's builds allocates %.0f, one building everything %.0f: the patched region is built again", reused, fresh)
	}
	// Handed to another topology (a copy), the builds are not used.
	other := *topo
	if other := testing.AllocsPerRun(3, func() {
		if _, err := Compile(&other, Options{Checked: checked}); err != nil {
			t.Fatal(err)
		}
	}); other < 0.9*fresh {
		t.Errorf("a compile of another topology allocates %.0f with these builds, %.0f without: it used builds of a topology it was not given", other, fresh)
	}
}
