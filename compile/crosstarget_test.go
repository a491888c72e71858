package compile

import (
	"encoding/json"
	"maps"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"sigs.k8s.io/yaml"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/internal/testtopo"
)

// Cross-target contracts checked on the rendered default tree: facts one
// target writes and another relies on, each defined once (names, model),
// seen from both sides here.

// defaultTree is the default topology's tree, compiled once per test
// binary (render's; the tests only read it).
func defaultTree(t *testing.T) *generators.Tree { return renderedTree(t, "../regions") }

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

// TestRegionalName: "<topology>-<region>" (model.RegionalName) names a
// region's EKS cluster and VPC in Terraform and is what the GitOps tree
// names that cluster by: the Argo CD destinations, the cluster Secret's
// awsAuthConfig.clusterName, the AWS Load Balancer Controller's
// clusterName, external-dns's txtOwnerId. The expected names are the
// format from the topology's names, not the function; both sides must
// name exactly the clusters Terraform creates, and every Name tag of a
// region's network (VPC, subnets, gateways, route tables) starts with it.
func TestRegionalName(t *testing.T) {
	topo := testtopo.Load(t, "../regions")
	tree := defaultTree(t)
	want := map[string]bool{}
	for _, r := range topo.Regions {
		name := topo.Name + "-" + r.Name
		want[name] = true
		for _, f := range tree.Files() {
			switch f.Path {
			case "terraform/" + r.Name + "/eks.tf":
				got := hclStrings(t, f, "aws_eks_cluster", "name")
				if !slices.Equal(got, []string{name}) {
					t.Errorf("%s: aws_eks_cluster names %v, want [%s]", f.Path, got, name)
				}
			case "terraform/" + r.Name + "/network.tf":
				if got := hclStrings(t, f, "aws_vpc", "tags.Name"); !slices.Equal(got, []string{name}) {
					t.Errorf("%s: aws_vpc Name tag %v, want [%s]", f.Path, got, name)
				}
				tags := hclStrings(t, f, "", "tags.Name")
				if len(tags) < 4 {
					t.Errorf("%s: %d Name tags, want the VPC's, subnets', gateways' and route tables'", f.Path, len(tags))
				}
				for _, tag := range tags {
					if !strings.HasPrefix(tag, name) {
						t.Errorf("%s: Name tag %q does not start with %q", f.Path, tag, name)
					}
				}
			}
		}
	}
	got := map[string]bool{}
	for _, f := range tree.Files() {
		if !strings.HasPrefix(f.Path, "gitops/") || path.Base(f.Path) == generators.KustomizationFile {
			continue
		}
		var doc any
		if err := yaml.Unmarshal(f.Data, &doc); err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		clusterRefs(doc, "", func(key, v string) {
			got[v] = true
			if !want[v] {
				t.Errorf("%s: %s %q is no cluster Terraform creates (%v)", f.Path, key, v, slices.Sorted(maps.Keys(want)))
			}
		})
	}
	for name := range want {
		if !got[name] {
			t.Errorf("the GitOps tree never names cluster %s", name)
		}
	}
}

// clusterRefs calls found for every value naming a cluster: destination
// names, clusterName (also inside the JSON of a cluster Secret's config),
// txtOwnerId.
func clusterRefs(v any, parent string, found func(key, v string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			s, isString := e.(string)
			switch {
			case isString && strings.Contains(s, "{{"):
				// an ApplicationSet template, filled from the cluster Secrets
			case isString && (k == "clusterName" || k == "txtOwnerId" || (parent == "destination" && k == "name")):
				found(k, s)
			case isString && k == "config" && strings.HasPrefix(s, "{"):
				var cfg any
				if err := json.Unmarshal([]byte(s), &cfg); err == nil {
					clusterRefs(cfg, k, found)
				}
			default:
				clusterRefs(e, k, found)
			}
		}
	case []any:
		for _, e := range x {
			clusterRefs(e, parent, found)
		}
	}
}

// hclStrings parses a Terraform file and returns the string values of attr
// ("name", or "tags.Name" for a key of an object attribute) in every
// resource block of type typ ("" for every type), in file order.
func hclStrings(t *testing.T, f generators.File, typ, attr string) []string {
	t.Helper()
	file, diags := hclsyntax.ParseConfig(f.Data, f.Path, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("%s: %v", f.Path, diags)
	}
	name, key, _ := strings.Cut(attr, ".")
	var out []string
	for _, b := range file.Body.(*hclsyntax.Body).Blocks {
		if b.Type != "resource" || (typ != "" && b.Labels[0] != typ) {
			continue
		}
		a, ok := b.Body.Attributes[name]
		if !ok {
			continue
		}
		v, diags := a.Expr.Value(nil)
		if diags.HasErrors() {
			continue // not a literal (a reference)
		}
		if key != "" {
			if !v.Type().IsObjectType() || !v.Type().HasAttribute(key) {
				continue
			}
			v = v.GetAttr(key)
		}
		if v.Type() == cty.String && v.IsKnown() && !v.IsNull() {
			out = append(out, v.AsString())
		}
	}
	return out
}
