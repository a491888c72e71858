package compile

import (
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/internal/testtopo"
)

// Cross-target contracts checked on the rendered default tree: facts one
// target writes and another relies on, each defined once (names, model),
// seen from both sides here.

func defaultTree(t *testing.T) *generators.Tree {
	t.Helper()
	tree, err := Compile(testtopo.Load(t, "../regions"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// TestExporterCollectors: every region's exporter sidecar runs exactly
// names.ExporterCollectors.
func TestExporterCollectors(t *testing.T) {
	tree := defaultTree(t)
	for _, f := range tree.Files() {
		switch {
		case strings.HasPrefix(f.Path, "kubernetes/") && strings.Contains(f.Path, "/statefulset-"):
			var sts struct {
				Spec struct {
					Template struct {
						Spec struct {
							Containers []struct {
								Name string
								Args []string
							}
						}
					}
				}
			}
			if err := yaml.Unmarshal(f.Data, &sts); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range sts.Spec.Template.Spec.Containers {
				for _, a := range c.Args {
					if strings.HasPrefix(a, "--collector.") {
						got = append(got, a)
					}
				}
			}
			if !slices.Equal(got, names.ExporterCollectors) {
				t.Errorf("%s: exporter collectors %v, want %v", f.Path, got, names.ExporterCollectors)
			}
		}
	}
}
