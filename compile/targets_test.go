package compile

import (
	"strings"
	"testing"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/internal/testtopo"
)

// TestTargetPaths: no two targets declare the same path, so TargetOf has
// one answer, and every file of the default tree is under its own target's
// paths (Compile checks it; this names the target list's invariant).
func TestTargetPaths(t *testing.T) {
	owner := map[string]string{}
	for _, target := range Targets {
		if len(target.Paths) == 0 {
			t.Errorf("target %s declares no paths", target.Name)
		}
		for _, p := range target.Paths {
			if o, dup := owner[p]; dup {
				t.Errorf("%s is declared by %s and %s", p, o, target.Name)
			}
			owner[p] = target.Name
		}
	}
}

// TestTargetWritingElsewhere: a target writing outside its paths is a bug
// Compile reports, naming both targets.
func TestTargetWritingElsewhere(t *testing.T) {
	topo := testtopo.Load(t, "../regions")
	saved := Targets
	t.Cleanup(func() { Targets = saved })
	Targets = append([]Target{{Name: "stray", Paths: []string{"stray/"}, Generate: func(Input) ([]generators.File, error) {
		return []generators.File{{Path: "kubernetes/eu/x.yaml", Data: []byte("x")}}, nil
	}}}, saved...)
	_, err := Compile(topo, Options{})
	if err == nil || !strings.Contains(err.Error(), "internal error in target stray: it wrote kubernetes/eu/x.yaml, which is under kubernetes's paths") {
		t.Fatalf("err = %v", err)
	}
}
