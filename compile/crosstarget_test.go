package compile

import (
	"path"
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
// names.ExporterCollectors, and whatever the Prometheus target writes
// about the exporter's collectors names only those.
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
		case strings.HasPrefix(f.Path, "prometheus/"):
			for _, w := range strings.Fields(string(f.Data)) {
				w = strings.TrimRight(w, ".,;:)'\"")
				if i := strings.Index(w, "--collector."); i >= 0 && !slices.Contains(names.ExporterCollectors, w[i:]) {
					t.Errorf("%s names %s, which the exporters do not run", f.Path, w[i:])
				}
			}
		}
	}
}

// TestCommonLabels: every object of every region's tree, whichever target
// built it (the Prometheus target's PrometheusRule and AlertmanagerConfig
// too), carries the recommended labels names defines.
func TestCommonLabels(t *testing.T) {
	tree := defaultTree(t)
	n := 0
	for _, f := range tree.Files() {
		if !strings.HasPrefix(f.Path, "kubernetes/") || strings.HasSuffix(f.Path, "/kustomization.yaml") || !strings.HasSuffix(f.Path, ".yaml") {
			continue
		}
		var o struct {
			Kind     string
			Metadata struct{ Labels map[string]string }
		}
		if err := yaml.Unmarshal(f.Data, &o); err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		n++
		if o.Metadata.Labels[names.LabelName] != names.AppName || o.Metadata.Labels[names.LabelManagedBy] != names.ManagedBy {
			t.Errorf("%s (%s): labels %v lack %s=%s, %s=%s", f.Path, o.Kind, o.Metadata.Labels, names.LabelName, names.AppName, names.LabelManagedBy, names.ManagedBy)
		}
	}
	if n < 30 {
		t.Fatalf("checked %d objects", n)
	}
}

// TestKustomizations: every kustomization.yaml of the tree (the Kubernetes
// target's region trees, the GitOps target's directories) is written by
// generators.Kustomization and lists exactly the other YAML files of its
// directory, so `kubectl apply -k` applies what was generated.
func TestKustomizations(t *testing.T) {
	tree := defaultTree(t)
	dirs := map[string][]string{}
	for _, p := range tree.Paths() {
		dir, file := path.Split(p)
		if strings.HasSuffix(file, ".yaml") && file != generators.KustomizationFile {
			dirs[dir] = append(dirs[dir], file)
		}
	}
	n := 0
	for _, p := range tree.Paths() {
		dir, file := path.Split(p)
		if file != generators.KustomizationFile {
			continue
		}
		n++
		b, _ := tree.Get(p)
		var k struct{ Resources []string }
		if err := yaml.Unmarshal(b, &k); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(b), generators.YAMLHeader) {
			t.Errorf("%s lacks the header", p)
		}
		if got, want := slices.Sorted(slices.Values(k.Resources)), dirs[dir]; !slices.Equal(got, want) {
			t.Errorf("%s lists %v, the directory holds %v", p, got, want)
		}
	}
	if n < 4 {
		t.Fatalf("%d kustomizations", n)
	}
}

// TestHeaders: every generated file that opens with a comment opens with
// generators.Notice, in its comment syntax: one wording for every target.
func TestHeaders(t *testing.T) {
	for _, f := range defaultTree(t).Files() {
		first, _, _ := strings.Cut(string(f.Data), "\n")
		if !strings.HasPrefix(first, "#") && !strings.HasPrefix(first, "//") {
			continue
		}
		if first != "# "+generators.Notice && first != "// "+generators.Notice {
			t.Errorf("%s opens with %q, not the notice", f.Path, first)
		}
	}
}
