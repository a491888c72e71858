package compile

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLayers keeps the import rules of DEVELOPERS.md ("What each package
// may import"): what reads the model never links CUE or the loader, and no
// package imports one above it. One `go list` gives every package's
// transitive dependencies, so indirect imports count.
func TestLayers(t *testing.T) {
	const mod = "github.com/topogen/topogen/"
	b, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Deps " "}}`, "../...").CombinedOutput()
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
		fields := strings.Fields(line)
		pkg, deps := fields[0], fields[1:]
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
