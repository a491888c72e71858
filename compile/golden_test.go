package compile

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/internal/goldenfile"
	"github.com/topogen/topogen/model"
	"github.com/topogen/topogen/outdir"
	"github.com/topogen/topogen/schema"
)

var update = flag.Bool("update", false, "rewrite the golden trees under golden/")

// goldenRoot holds one directory per case: input/ (the topology) and either
// out/ (the exact expected tree) or error.txt (the exact expected
// diagnostics). vet.txt holds the warnings of a valid topology, if any.
const goldenRoot = "../golden"

// goldenCase is one topology and where its expected results live.
type goldenCase struct {
	name string
	// root/input is the topology (with its patches/), loaded from root as
	// `topogen gen -t input` would; out is the expected tree.
	root, input, out string
	// dir holds error.txt and vet.txt; empty for the default case, whose
	// topology is valid and whose warnings `topogen vet` shows.
	dir string
}

// goldenCases are the default topology, regions/ → out/ (the committed
// output is its golden tree: -update rewrites it like `topogen gen`), and
// every directory under golden/.
func goldenCases(t *testing.T) []goldenCase {
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	cases := []goldenCase{{name: "default", root: abs(".."), input: "regions", out: abs("../out")}}
	entries, err := os.ReadDir(goldenRoot)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			dir := abs(filepath.Join(goldenRoot, e.Name()))
			cases = append(cases, goldenCase{name: e.Name(), root: dir, input: "input", out: filepath.Join(dir, "out"), dir: dir})
		}
	}
	return cases
}

// goldenDay is the date the golden cases are checked on (the EKS release
// calendar check depends on it), so their diagnostics do not change with
// the date the tests run.
var goldenDay = time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)

// loadCase loads a case the way the CLI does (schema.Load: the .cue files
// and patches/), from the case's directory, so diagnostics name
// "input/eu.cue" wherever the test runs; then the model checks, and what
// they built for the compile.
func loadCase(t *testing.T, c goldenCase) (*model.Topology, Checked, model.Diagnostics) {
	t.Helper()
	t.Chdir(c.root)
	topo, diags := schema.Load(c.input)
	var checked Checked
	if topo != nil {
		var more model.Diagnostics
		checked, more = CheckAt(topo, goldenDay)
		diags = append(diags, more...).Sort()
	}
	return topo, checked, diags
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases(t) {
		dir := c.dir
		t.Run(c.name, func(t *testing.T) {
			topo, checked, diags := loadCase(t, c)
			if diags.HasErrors() && dir == "" {
				t.Fatalf("%s: %v", c.input, diags)
			}
			if diags.HasErrors() {
				goldenfile.Check(t, filepath.Join(dir, "error.txt"), []byte(diags.Error()+"\n"), *update)
				if *update {
					os.RemoveAll(filepath.Join(dir, "out"))
					os.Remove(filepath.Join(dir, "vet.txt"))
				}
				if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
					t.Errorf("%s: invalid topology but an out/ tree exists", dir)
				}
				return
			}
			if dir != "" {
				warnings := ""
				if len(diags) > 0 {
					warnings = diags.Error() + "\n"
				}
				compareOptionalFile(t, filepath.Join(dir, "vet.txt"), warnings)
				if _, err := os.Stat(filepath.Join(dir, "error.txt")); err == nil {
					t.Fatalf("%s/error.txt expects an error, but the topology is valid", dir)
				}
			}

			// The committed out/ is compiled like `topogen gen` compiles it:
			// against what it was generated from (a pending reconfig plan).
			var opts Options
			if dir == "" {
				existing, err := outdir.ReadTree(c.out)
				if err != nil {
					t.Fatal(err)
				}
				if opts, err = PreviousFrom(existing); err != nil {
					t.Fatal(err)
				}
			}
			// vet accepted this topology (no error above), so gen must
			// too: no generator may find a problem the check phase misses
			// (a region named "global" once passed vet and failed in the
			// terraform generator). The first render reuses what the
			// checks built, as gen does; the second builds everything, so
			// the patched regions Check built are the ones a compile
			// builds.
			reused := opts
			reused.Checked = checked
			tree, err := Compile(topo, reused)
			if err != nil {
				t.Fatalf("vet accepts %s, gen fails: %v", c.input, err)
			}
			again, err := Compile(topo, opts)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(treeMap(tree), treeMap(again)); d != "" {
				t.Fatalf("two renders of the same topology differ (non-deterministic output, or a patched region Check built is not the compile's):\n%s", d)
			}
			compareTree(t, c.out, tree)
		})
	}
}

func treeMap(tree *generators.Tree) map[string]string {
	m := map[string]string{}
	for _, f := range tree.Files() {
		m[f.Path] = string(f.Data)
	}
	return m
}

func compareTree(t *testing.T, dir string, tree *generators.Tree) {
	t.Helper()
	if *update {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if _, err := outdir.Write(dir, tree); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := outdir.ReadTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	wantS := map[string]string{}
	for p, b := range want {
		wantS[p] = string(b)
	}
	if d := cmp.Diff(wantS, treeMap(tree)); d != "" {
		t.Errorf("%s differs from the generated tree (-golden +generated); run go test ./compile -run TestGolden -update and read the diff:\n%s", dir, d)
	}
}

// compareOptionalFile compares a file that exists only when want is
// non-empty.
func compareOptionalFile(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if got == "" {
			os.Remove(path)
			return
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil && got == "" {
		return
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, strings.TrimSpace(d))
	}
}
