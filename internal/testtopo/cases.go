package testtopo

import (
	"os"
	"path/filepath"
	"testing"
)

// Case is a topology the tests of every target run on.
type Case struct {
	Name string // "default" or the golden case's name
	Dir  string // its input, relative to the test's package directory
}

// Cases are the default topology (regions/) and every golden case with a
// generated tree (golden/<name>/out; the invalid cases have error.txt
// instead), in name order: a new golden case is covered by every test
// that runs over Cases without editing a list.
func Cases(t testing.TB) []Case {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	rel := func(dir string) string {
		r, err := filepath.Rel(wd, RepoDir(t, dir))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	cases := []Case{{"default", rel("regions")}}
	outs, err := filepath.Glob(RepoDir(t, filepath.Join("golden", "*", "out")))
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range outs { // Glob sorts
		name := filepath.Base(filepath.Dir(out))
		cases = append(cases, Case{name, rel(filepath.Join("golden", name, "input"))})
	}
	if len(cases) < 2 {
		t.Fatalf("no golden case under %s", RepoDir(t, "golden"))
	}
	return cases
}
