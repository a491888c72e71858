package gitops

import (
	"path"
	"slices"
	"strings"
	"testing"
	"text/template"

	"github.com/topogen/topogen/internal/testtopo"

	"sigs.k8s.io/yaml"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

func load(t *testing.T, dir string) *model.Topology { return testtopo.Load(t, dir) }

func generate(t *testing.T, topo *model.Topology) map[string][]byte {
	t.Helper()
	files, err := Generate(topo)
	if err != nil {
		t.Fatal(err)
	}
	tree := generators.NewTree()
	if err := tree.Add(files...); err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range tree.Files() {
		out[f.Path] = f.Data
	}
	return out
}

// decode reads one generated object strictly into the package's own types,
// so a field the generator does not write is an error.
func decode[S any](t *testing.T, files map[string][]byte, p string) (object, S) {
	t.Helper()
	b, ok := files[p]
	if !ok {
		t.Fatalf("%s not generated; have %v", p, keys(files))
	}
	var o struct {
		object
		Spec S `json:"spec"`
	}
	if err := yaml.UnmarshalStrict(b, &o); err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return o.object, o.Spec
}

func keys(m map[string][]byte) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// TestApplicationSet: exactly one list element per region, and the
// template, executed the way Argo CD does (Go templates, missingkey=error),
// gives each region an Application on names.KubernetesDir of that region
// in that region's cluster.
func TestApplicationSet(t *testing.T) {
	for _, c := range testtopo.Cases(t) {
		t.Run(c.Name, func(t *testing.T) {
			topo := load(t, c.Dir)
			files := generate(t, topo)
			obj, spec := decode[applicationSetSpec](t, files, ArgoCDDir+"/applicationset-"+topo.Name+".yaml")
			if obj.Metadata.Namespace != topo.Delivery.ArgoCDNamespace {
				t.Errorf("namespace %q, want %q", obj.Metadata.Namespace, topo.Delivery.ArgoCDNamespace)
			}
			if len(spec.Generators) != 1 {
				t.Fatalf("%d generators, want 1", len(spec.Generators))
			}
			els := spec.Generators[0].List.Elements
			if len(els) != len(topo.Regions) {
				t.Fatalf("%d elements for %d regions", len(els), len(topo.Regions))
			}
			exec := func(el ListElement, text string) string {
				t.Helper()
				b, err := yaml.Marshal(el)
				if err != nil {
					t.Fatal(err)
				}
				var params map[string]any
				if err := yaml.Unmarshal(b, &params); err != nil {
					t.Fatal(err)
				}
				tm, err := template.New("").Option(spec.GoTemplateOptions...).Parse(text)
				if err != nil {
					t.Fatalf("%q: %v", text, err)
				}
				var out strings.Builder
				if err := tm.Execute(&out, params); err != nil {
					t.Fatalf("%q: %v", text, err)
				}
				return out.String()
			}
			apps := map[string]bool{}
			for i, r := range topo.Regions {
				el := els[i]
				if el.Region != r.Name {
					t.Errorf("element %d is region %q, want %q", i, el.Region, r.Name)
				}
				tmpl := spec.Template
				want := topo.Delivery.Path + "/" + names.KubernetesDir(r)
				if got := exec(el, tmpl.Spec.Source.Path); got != want {
					t.Errorf("%s: path %q, want %q", r.Name, got, want)
				}
				name := exec(el, tmpl.Metadata.Name)
				if apps[name] {
					t.Errorf("%s: Application name %q repeats", r.Name, name)
				}
				apps[name] = true
				dest := destination{Name: exec(el, tmpl.Spec.Destination.Name), Server: exec(el, tmpl.Spec.Destination.Server)}
				if want := ClusterDestination(r); dest != want {
					t.Errorf("%s: destination %+v, want %+v", r.Name, dest, want)
				}
			}
			sp := spec.Template.Spec.SyncPolicy
			if !sp.Automated.Prune || !sp.Automated.SelfHeal {
				t.Errorf("automated sync %+v, want prune and selfHeal", sp.Automated)
			}
			for _, opt := range []string{"ServerSideApply=true", "CreateNamespace=false"} {
				if !slices.Contains(sp.SyncOptions, opt) {
					t.Errorf("syncOptions %v lack %s", sp.SyncOptions, opt)
				}
			}
			if spec.Template.Spec.Project != topo.Name || spec.Template.Spec.Source.RepoURL != topo.Delivery.RepoURL {
				t.Errorf("project %q, repo %q", spec.Template.Spec.Project, spec.Template.Spec.Source.RepoURL)
			}
		})
	}
}

// TestServerDestination: a region with a server URL is addressed by URL in
// both the Application and the AppProject, never by name and URL at once.
func TestServerDestination(t *testing.T) {
	topo := load(t, "../../golden/two-regions/input")
	topo.Regions[0].Cluster.Server = "https://10.0.0.1:6443"
	files := generate(t, topo)
	_, spec := decode[applicationSetSpec](t, files, ArgoCDDir+"/applicationset-"+topo.Name+".yaml")
	if got := spec.Generators[0].List.Elements[0].Server; got != "https://10.0.0.1:6443" {
		t.Errorf("element server %q", got)
	}
	_, proj := decode[appProjectSpec](t, files, ArgoCDDir+"/appproject-"+topo.Name+".yaml")
	for _, d := range proj.Destinations {
		if d.Name != "" && d.Server != "" {
			t.Errorf("destination %+v has both name and server", d)
		}
	}
	if proj.Destinations[0].Server != "https://10.0.0.1:6443" || proj.Destinations[0].Name != "" {
		t.Errorf("first destination %+v", proj.Destinations[0])
	}
}

func TestAppProject(t *testing.T) {
	for _, c := range testtopo.Cases(t) {
		t.Run(c.Name, func(t *testing.T) {
			topo := load(t, c.Dir)
			_, spec := decode[appProjectSpec](t, generate(t, topo), ArgoCDDir+"/appproject-"+topo.Name+".yaml")
			if !slices.Equal(spec.SourceRepos, []string{topo.Delivery.RepoURL}) {
				t.Errorf("sourceRepos %v", spec.SourceRepos)
			}
			wantKinds := []groupKind{{Group: "", Kind: "Namespace"}, {Group: "storage.k8s.io", Kind: "StorageClass"},
				{Group: "external-secrets.io", Kind: "ClusterSecretStore"}}
			if !slices.Equal(spec.ClusterResourceWhitelist, wantKinds) {
				t.Errorf("clusterResourceWhitelist %v", spec.ClusterResourceWhitelist)
			}
			var want []destination
			for _, r := range topo.Regions {
				for _, ns := range Namespaces(topo) {
					d := ClusterDestination(r)
					d.Namespace = ns
					want = append(want, d)
				}
			}
			if !slices.Equal(spec.Destinations, want) {
				t.Errorf("destinations %v, want %v", spec.Destinations, want)
			}
		})
	}
}

func TestFluxKustomizations(t *testing.T) {
	for _, c := range testtopo.Cases(t) {
		t.Run(c.Name, func(t *testing.T) {
			topo := load(t, c.Dir)
			files := generate(t, topo)
			_, repo := decode[gitRepositorySpec](t, files, FluxDir+"/gitrepository-"+topo.Name+".yaml")
			if repo.Ref.Branch != topo.Delivery.Revision {
				t.Errorf("branch %q", repo.Ref.Branch)
			}
			n := 0
			for p := range files {
				if strings.HasPrefix(p, FluxDir+"/kustomization-") {
					n++
				}
			}
			// Per region: the MongoDB tree's and the add-ons'.
			if n != 2*len(topo.Regions) {
				t.Errorf("%d Kustomizations for %d regions", n, len(topo.Regions))
			}
			for _, r := range topo.Regions {
				obj, k := decode[kustomizationSpec](t, files, FluxDir+"/kustomization-"+topo.Name+"-"+r.Name+".yaml")
				if obj.Metadata.Namespace != FluxNamespace {
					t.Errorf("%s: namespace %q", r.Name, obj.Metadata.Namespace)
				}
				if want := "./" + topo.Delivery.Path + "/" + names.KubernetesDir(r); k.Path != want {
					t.Errorf("%s: path %q, want %q", r.Name, k.Path, want)
				}
				if !k.Prune || !k.Wait {
					t.Errorf("%s: prune %v wait %v", r.Name, k.Prune, k.Wait)
				}
				want := []healthCheck{{APIVersion: "apps/v1", Kind: "StatefulSet", Name: names.StatefulSet(topo, r), Namespace: topo.Kubernetes.Namespace}}
				if topo.Sharding != nil {
					// Every set's StatefulSet in the region, then its
					// mongos.
					want = nil
					for _, s := range topo.Sharding.Sets() {
						if len(s.RegionMembers(r.Name)) > 0 {
							want = append(want, healthCheck{APIVersion: "apps/v1", Kind: "StatefulSet", Name: s.ReplicaSet.Name + "-" + r.Name, Namespace: topo.Kubernetes.Namespace})
						}
					}
					want = append(want, healthCheck{APIVersion: "apps/v1", Kind: "Deployment", Name: "mongos", Namespace: topo.Kubernetes.Namespace})
				}
				if !slices.Equal(k.HealthChecks, want) {
					t.Errorf("%s: healthChecks %v, want %v", r.Name, k.HealthChecks, want)
				}
				// No kubeconfig Secret in the topology: the cluster is reached
				// through the generated ConfigMap naming its EKS ARN.
				if k.KubeConfig == nil || k.KubeConfig.SecretRef != nil || k.KubeConfig.ConfigMapRef == nil {
					t.Fatalf("%s: kubeConfig %+v, want a configMapRef only", r.Name, k.KubeConfig)
				}
				cm := decodeConfigMap(t, files, FluxDir+"/configmap-"+k.KubeConfig.ConfigMapRef.Name+".yaml")
				if want := "arn:aws:eks:" + r.CloudRegion + ":" + topo.Terraform.AccountID + ":cluster/" + names.EKSCluster(topo, r); cm["provider"] != "aws" || cm["cluster"] != want {
					t.Errorf("%s: cluster ConfigMap %v, want provider aws, cluster %s", r.Name, cm, want)
				}
				// The region's own add-ons first; the rollout order's
				// predecessor, if any, is checked by the rollout tests.
				if len(k.DependsOn) == 0 || k.DependsOn[0] != (DependencyReference{Name: AddonsKustomization(topo, r), Namespace: FluxNamespace}) {
					t.Errorf("%s: dependsOn %v, want the region's add-ons first", r.Name, k.DependsOn)
				}
				if k.SourceRef != (sourceRef{Kind: "GitRepository", Name: topo.Name}) {
					t.Errorf("%s: sourceRef %+v", r.Name, k.SourceRef)
				}
			}
		})
	}
}

// TestKustomizationLists: each directory's kustomization.yaml lists exactly
// the directory's other files, so `kubectl apply -k` applies all of them.
func TestKustomizationLists(t *testing.T) {
	files := generate(t, load(t, "../../regions"))
	for _, dir := range []string{ArgoCDDir, FluxDir} {
		var k struct {
			APIVersion string   `json:"apiVersion"`
			Kind       string   `json:"kind"`
			Resources  []string `json:"resources"`
		}
		if err := yaml.UnmarshalStrict(files[dir+"/kustomization.yaml"], &k); err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, p := range keys(files) {
			if path.Dir(p) == dir && path.Base(p) != "kustomization.yaml" {
				want = append(want, path.Base(p))
			}
		}
		if !slices.Equal(k.Resources, want) {
			t.Errorf("%s: resources %v, want %v", dir, k.Resources, want)
		}
	}
}

func TestFluxURL(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://github.com/example/repo.git", "https://github.com/example/repo.git"},
		{"ssh://git@github.com/example/repo.git", "ssh://git@github.com/example/repo.git"},
		{"git@github.com:example/repo.git", "ssh://git@github.com/example/repo.git"},
		{"git@gitlab.example.com:group/sub/repo.git", "ssh://git@gitlab.example.com/group/sub/repo.git"},
	} {
		if got := FluxURL(c.in); got != c.want {
			t.Errorf("FluxURL(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// decodeConfigMap reads a generated ConfigMap's data strictly.
func decodeConfigMap(t *testing.T, files map[string][]byte, p string) map[string]string {
	t.Helper()
	b, ok := files[p]
	if !ok {
		t.Fatalf("%s not generated", p)
	}
	var o struct {
		object
		Data map[string]string `json:"data"`
	}
	if err := yaml.UnmarshalStrict(b, &o); err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return o.Data
}
