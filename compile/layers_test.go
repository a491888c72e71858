package compile

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestLayers keeps the import rules of DEVELOPERS.md ("What each package
// may import"): what reads the model never links CUE or the loader, and no
// package imports one above it. One `go list` gives every package's
// transitive dependencies, so indirect imports count.
//
// A target's tests import no other target than its code does: a test
// tying two targets reads the rendered tree here in compile
// (crosstarget_test.go, delivery_test.go, contract_test.go), so each
// generator's test binary links that generator only (each further target
// is seconds of link time on every `go test` run).
func TestLayers(t *testing.T) {
	const mod = "github.com/topogen/topogen/"
	b, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Deps " "}} | {{join .Imports " "}} | {{join .TestImports " "}} {{join .XTestImports " "}}`, "../...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, b)
	}
	rules := []struct {
		pkgs      []string // import path prefixes the rule applies to
		forbidden []string
	}{
		{[]string{mod + "model"}, []string{"cuelang.org/", mod + "schema", mod + "generators", mod + "compile", mod + "analysis", mod + "impact"}},
		{[]string{mod + "generators", mod + "analysis", mod + "impact", mod + "report"}, []string{"cuelang.org/", mod + "schema", mod + "cmd/"}},
		{[]string{mod + "generators", mod + "analysis", mod + "impact"}, []string{mod + "compile", mod + "outdir", mod + "report"}},
		{[]string{mod + "analysis"}, []string{mod + "generators", mod + "impact"}},
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		parts := strings.Split(line, " | ")
		fields := strings.Fields(parts[0])
		pkg, deps := fields[0], fields[1:]
		if target, ok := strings.CutPrefix(pkg, mod+"generators/"); ok && target != "names" {
			imports := strings.Fields(parts[1])
			for _, ti := range strings.Fields(parts[2]) {
				other, isTarget := strings.CutPrefix(ti, mod+"generators/")
				if isTarget && other != target && other != "names" && !slices.Contains(imports, ti) {
					t.Errorf("%s's tests import the target %s, which its code does not: move the test to compile, where every target is rendered", pkg, ti)
				}
			}
		}
		for _, r := range rules {
			if !hasAnyPrefix(pkg, r.pkgs) {
				continue
			}
			checked++
			for _, d := range deps {
				if hasAnyPrefix(d, r.forbidden) {
					t.Errorf("%s depends on %s", pkg, d)
					break
				}
			}
		}
	}
	if checked < 10 {
		t.Fatalf("the rules matched %d packages", checked)
	}
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
