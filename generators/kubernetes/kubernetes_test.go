package kubernetes

import (
	"bytes"
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/generators/replset"
	"github.com/topogen/topogen/model"
)

func sortedCases() []string { return slices.Sorted(maps.Keys(cases)) }

// TestKustomizeReproduces runs kustomize again over each written region
// directory, as `kubectl kustomize` and Argo CD / Flux do, and requires
// exactly the written objects back, in the listed order.
func TestKustomizeReproduces(t *testing.T) {
	for _, name := range sortedCases() {
		topo := load(t, cases[name])
		files := generate(t, topo)
		for _, r := range topo.Regions {
			t.Run(name+"/"+r.Name, func(t *testing.T) {
				dir := "/" + names.KubernetesDir(r)
				fs := filesys.MakeFsInMemory()
				written := map[string][]byte{}
				for _, f := range files {
					if path.Dir("/"+f.Path) == dir {
						written[path.Base(f.Path)] = f.Data
						if err := fs.WriteFile("/"+f.Path, f.Data); err != nil {
							t.Fatal(err)
						}
					}
				}
				k, ok := written[KustomizationFile]
				if !ok {
					t.Fatal("no kustomization.yaml")
				}
				var listed []string
				for _, l := range strings.Split(string(k), "\n") {
					if f, ok := strings.CutPrefix(l, "- "); ok {
						listed = append(listed, f)
					}
				}
				var onDisk []string
				for f := range written {
					if f != KustomizationFile {
						onDisk = append(onDisk, f)
					}
				}
				if diff := cmp.Diff(slices.Sorted(slices.Values(onDisk)), slices.Sorted(slices.Values(listed))); diff != "" {
					t.Fatalf("kustomization.yaml does not list exactly the files (-files +listed):\n%s", diff)
				}
				m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, dir)
				if err != nil {
					t.Fatal(err)
				}
				res := m.Resources()
				if len(res) != len(listed) {
					t.Fatalf("kustomize yields %d objects, the directory holds %d", len(res), len(listed))
				}
				for i, rs := range res {
					y, err := rs.AsYAML()
					if err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(string(written[listed[i]]), string(y)); diff != "" {
						t.Errorf("object %d (%s) differs from kustomize's (-file +kustomize):\n%s", i, listed[i], diff)
					}
				}
			})
		}
	}
}

// TestMemberReachability: every host of rs-initiate.json has exactly one
// per-pod Service, in its own region's tree, selecting its pod, and is in
// that region's Certificate.
func TestMemberReachability(t *testing.T) {
	for _, name := range sortedCases() {
		t.Run(name, func(t *testing.T) {
			topo := load(t, cases[name])
			files := generate(t, topo)
			type svc struct{ region, pod string }
			byHost := map[string][]svc{}
			certNames := map[string][]string{}
			for _, r := range topo.Regions {
				for _, o := range objectsIn(t, files, r.Name) {
					switch o.node.GetKind() {
					case "Service":
						h := o.node.GetAnnotations()[annDNSHostname]
						if h == "" {
							continue
						}
						if got := mustString(t, o.node, "spec", "type"); got != "LoadBalancer" {
							t.Errorf("%s: type %s", o.path, got)
						}
						if got := mustString(t, o.node, "spec", "publishNotReadyAddresses"); got != "true" {
							t.Errorf("%s: publishNotReadyAddresses %s", o.path, got)
						}
						ann := o.node.GetAnnotations()
						if ann[annLBScheme] != "internal" || ann[annLBType] != "external" || ann[annLBTargetType] != "ip" {
							t.Errorf("%s: not an internal NLB: %v", o.path, ann)
						}
						byHost[h] = append(byHost[h], svc{r.Name, mustString(t, o.node, "spec", "selector", podNameLabel)})
					case "Certificate":
						if o.node.GetName() == names.CABootstrap {
							continue // the CA names no host
						}
						v, err := o.node.Pipe(kyaml.Lookup("spec", "dnsNames"))
						if err != nil || v == nil {
							t.Fatalf("%s: no dnsNames", o.path)
						}
						els, _ := v.Elements()
						for _, e := range els {
							certNames[r.Name] = append(certNames[r.Name], kyaml.GetValue(e))
						}
					}
				}
			}
			cfg := replset.InitiateConfig(topo)
			if len(byHost) != len(cfg.Members) {
				t.Errorf("%d per-pod Services, %d members", len(byHost), len(cfg.Members))
			}
			for _, m := range cfg.Members {
				host := strings.TrimSuffix(m.Host, fmt.Sprintf(":%d", topo.MongoDB.Port))
				var member model.Member
				for _, mm := range topo.Members {
					if mm.Host == host {
						member = mm
					}
				}
				got := byHost[host]
				if len(got) != 1 {
					t.Errorf("%s: %d per-pod Services, want 1", host, len(got))
					continue
				}
				if got[0].region != member.Region || got[0].pod != member.Pod {
					t.Errorf("%s: Service in %s selecting %s, want %s selecting %s", host, got[0].region, got[0].pod, member.Region, member.Pod)
				}
				if !slices.Contains(certNames[member.Region], host) {
					t.Errorf("%s: not in region %s's Certificate dnsNames", host, member.Region)
				}
			}
		})
	}
}

var clusterLocal = regexp.MustCompile(`[a-z0-9][a-z0-9.-]*\.svc(\.cluster\.local)?\b`)

// TestNoForeignClusterLocalNames: a region's tree names only its own
// in-cluster hosts; other clusters' svc.cluster.local names resolve
// nowhere (mongodb-facts.md Errors 6).
func TestNoForeignClusterLocalNames(t *testing.T) {
	for _, name := range sortedCases() {
		t.Run(name, func(t *testing.T) {
			topo := load(t, cases[name])
			files := generate(t, topo)
			for _, f := range files {
				region := strings.Split(f.Path, "/")[1]
				r, _ := topo.Region(region)
				own := names.StatefulSet(topo, r)
				for _, h := range clusterLocal.FindAllString(string(f.Data), -1) {
					if !strings.HasPrefix(h, own+"-") {
						t.Errorf("%s: in-cluster name %s is not region %s's", f.Path, h, region)
					}
				}
				for _, m := range topo.Members {
					if strings.Contains(string(f.Data), m.Pod+"."+names.HeadlessService(topo, model.Region{Name: m.Region})) && m.Region != region {
						t.Errorf("%s names %s's in-cluster host of %s", f.Path, m.Pod, m.Region)
					}
				}
			}
		})
	}
}

// TestSizingChangeIsLocal: changing one region's sizing changes only that
// region's files.
func TestSizingChangeIsLocal(t *testing.T) {
	topo := load(t, cases["default"])
	before := generate(t, topo)
	changed := loadFresh(t, cases["default"])
	for i := range changed.Regions {
		if changed.Regions[i].Name == "eu" {
			s := &changed.Regions[i].Sizing
			s.CPU, s.CPULimit, s.Memory, s.MemoryLimit, s.MemoryLimitBytes = "4", "", "16Gi", "24Gi", 24<<30
			s.StorageSize = "2Ti"
		}
	}
	after := generate(t, changed)
	if len(before) != len(after) {
		t.Fatalf("%d files, then %d", len(before), len(after))
	}
	diffs := 0
	for i := range before {
		if bytes.Equal(before[i].Data, after[i].Data) {
			continue
		}
		diffs++
		if !strings.HasPrefix(before[i].Path, "kubernetes/eu/") {
			t.Errorf("%s changed with eu's sizing", before[i].Path)
		}
	}
	if diffs == 0 {
		t.Error("changing eu's sizing changed nothing")
	}
}

func TestInitJobOnlyInPreferredRegion(t *testing.T) {
	for _, name := range sortedCases() {
		t.Run(name, func(t *testing.T) {
			topo := load(t, cases[name])
			files := generate(t, topo)
			for _, r := range topo.Regions {
				job := find(objectsIn(t, files, r.Name), "Job", names.InitJob)
				if (job != nil) != (r.Name == topo.Preferred().Name) {
					t.Errorf("region %s: init Job present %v, preferred %s", r.Name, job != nil, topo.Preferred().Name)
				}
				if job == nil {
					continue
				}
				ann := job.GetAnnotations()
				if ann[annHook] != "PostSync" || ann[annHookDelete] != "BeforeHookCreation" {
					t.Errorf("init Job annotations %v", ann)
				}
				cm := find(objectsIn(t, files, r.Name), "ConfigMap", initScriptsName)
				if cm == nil || mustString(t, cm, "data", initScriptKey) != string(replset.InitScript(topo)) {
					t.Error("the init scripts ConfigMap does not ship replset.InitScript")
				}
			}
		})
	}
}

func TestConnectionURI(t *testing.T) {
	topo := load(t, cases["default"])
	r, _ := topo.Region("eu")
	want := "mongodb://" +
		"global-rs-eu-0.eu.db.myapp.internal:27017,global-rs-eu-1.eu.db.myapp.internal:27017,global-rs-eu-2.eu.db.myapp.internal:27017," +
		"global-rs-us-0.us.db.myapp.internal:27017,global-rs-us-1.us.db.myapp.internal:27017,global-rs-us-2.us.db.myapp.internal:27017," +
		"global-rs-apac-0.apac.db.myapp.internal:27017,global-rs-apac-1.apac.db.myapp.internal:27017,global-rs-apac-2.apac.db.myapp.internal:27017" +
		"/?replicaSet=global-rs&tls=true&authSource=admin&readPreference=nearest&readPreferenceTags=region:eu&readPreferenceTags=" +
		"&w=majority&retryWrites=true&retryReads=true&compressors=snappy,zstd"
	got := ConnectionURI(topo, r)
	// Members come in _id order after the own region; compare as sets of
	// hosts plus the exact query.
	gh, gq, _ := strings.Cut(strings.TrimPrefix(got, "mongodb://"), "/?")
	wh, wq, _ := strings.Cut(strings.TrimPrefix(want, "mongodb://"), "/?")
	if gq != wq {
		t.Errorf("query\n got %s\nwant %s", gq, wq)
	}
	if !strings.HasPrefix(gh, "global-rs-eu-0.") {
		t.Errorf("own region's members must come first: %s", gh)
	}
	if diff := cmp.Diff(slices.Sorted(slices.Values(strings.Split(wh, ","))), slices.Sorted(slices.Values(strings.Split(gh, ",")))); diff != "" {
		t.Errorf("hosts (-want +got):\n%s", diff)
	}
}

func TestNetworkPolicyAdmitsEveryVPC(t *testing.T) {
	topo := load(t, cases["five-regions"])
	files := generate(t, topo)
	for _, r := range topo.Regions {
		np := find(objectsIn(t, files, r.Name), "NetworkPolicy", names.StatefulSet(topo, r))
		if np == nil {
			t.Fatalf("%s: no mongod NetworkPolicy", r.Name)
		}
		s, _ := np.String()
		for _, o := range topo.Regions {
			if !strings.Contains(s, "cidr: "+o.CIDR.String()) {
				t.Errorf("%s: NetworkPolicy does not admit %s's VPC %s", r.Name, o.Name, o.CIDR)
			}
		}
		for _, ns := range []string{topo.Kubernetes.AppNamespace, topo.Kubernetes.MonitoringNamespace} {
			if !strings.Contains(s, "kubernetes.io/metadata.name: "+ns) {
				t.Errorf("%s: NetworkPolicy does not admit namespace %s", r.Name, ns)
			}
		}
		if deny := find(objectsIn(t, files, r.Name), "NetworkPolicy", "default-deny"); deny == nil {
			t.Errorf("%s: no default-deny NetworkPolicy", r.Name)
		}
	}
}

func TestServiceMonitorAddsRegion(t *testing.T) {
	topo := load(t, cases["default"])
	files := generate(t, topo)
	for _, r := range topo.Regions {
		sm := find(objectsIn(t, files, r.Name), "ServiceMonitor", names.ExporterService)
		if sm == nil {
			t.Fatalf("%s: no ServiceMonitor", r.Name)
		}
		rel, err := sm.Pipe(kyaml.Lookup("spec", "endpoints", "0", "relabelings", "0"))
		if err != nil || rel == nil {
			t.Fatalf("%s: no relabeling", r.Name)
		}
		if mustString(t, rel, "targetLabel") != names.SeriesRegionLabel || mustString(t, rel, "replacement") != r.Name {
			s, _ := rel.String()
			t.Errorf("%s: relabeling %s", r.Name, s)
		}
		svc := find(objectsIn(t, files, r.Name), "Service", names.ExporterService)
		if svc == nil {
			t.Fatalf("%s: no exporter Service", r.Name)
		}
		for k, v := range map[string]string{labelName: appName, labelComponent: componentMetrics} {
			if svc.GetLabels()[k] != v {
				t.Errorf("%s: the ServiceMonitor's selector %s=%s does not match the exporter Service", r.Name, k, v)
			}
		}
	}
}

func TestExternalSecrets(t *testing.T) {
	topo := withExternalSecrets(t, cases["default"])
	files := generate(t, topo)
	objs := objectsIn(t, files, "us")
	for _, s := range secrets() {
		es := find(objs, "ExternalSecret", s)
		if es == nil {
			t.Errorf("no ExternalSecret %s", s)
			continue
		}
		if got := mustString(t, es, "spec", "secretStoreRef", "name"); got != topo.Kubernetes.ExternalSecrets.Store {
			t.Errorf("%s: store %s", s, got)
		}
		if got := mustString(t, es, "spec", "target", "name"); got != s {
			t.Errorf("%s: target %s", s, got)
		}
	}
	// Always on, from the Secrets Manager name Terraform creates.
	for _, s := range secrets() {
		es := find(objectsIn(t, generate(t, load(t, cases["default"])), "eu"), "ExternalSecret", s)
		if es == nil {
			t.Fatalf("eu: no ExternalSecret %s without externalSecrets set", s)
		}
		v, err := es.Pipe(kyaml.Lookup("spec", "data", "0", "remoteRef", "key"))
		if err != nil || v == nil || kyaml.GetValue(v) != topo.Name+"/"+s {
			t.Errorf("%s: remoteRef.key %v, want %s/%s", s, v, topo.Name, s)
		}
	}
}

// uriCredentials: a connection string with a user and password in it;
// Kubernetes references to the environment, $(PBM_PASSWORD), are not values.
var (
	uriCredentials = regexp.MustCompile(`mongodb(\+srv)?://[^/@\s"'$]+:[^/@\s"'$]+@`)
	literalFlag    = regexp.MustCompile(`--password[= ]+[^"$\s]`)
)

// TestNoSecretValues: out/ references Secrets, it never holds one.
func TestNoSecretValues(t *testing.T) {
	for _, name := range sortedCases() {
		t.Run(name, func(t *testing.T) {
			topo := withExternalSecrets(t, cases[name])
			files := generate(t, topo)
			for _, f := range files {
				s := string(f.Data)
				if strings.Contains(s, "\nkind: Secret\n") || strings.HasPrefix(s, "kind: Secret\n") {
					t.Errorf("%s: a Secret object", f.Path)
				}
				if uriCredentials.MatchString(s) {
					t.Errorf("%s: a connection string with credentials", f.Path)
				}
				if literalFlag.MatchString(s) {
					t.Errorf("%s: a literal --password", f.Path)
				}
			}
			for _, r := range topo.Regions {
				for _, o := range objectsIn(t, files, r.Name) {
					checkEnv(t, o)
				}
			}
		})
	}
}

// checkEnv: an environment variable named like a credential takes its
// value from a Secret.
func checkEnv(t *testing.T, o parsed) {
	t.Helper()
	var walk func(n *kyaml.RNode)
	walk = func(n *kyaml.RNode) {
		switch n.YNode().Kind {
		case kyaml.MappingNode:
			if name := n.Field("name"); name != nil && n.Field("value") != nil {
				v := strings.ToUpper(kyaml.GetValue(name.Value))
				if strings.Contains(v, "PASSWORD") || strings.Contains(v, "SECRET") || strings.Contains(v, "TOKEN") {
					t.Errorf("%s: env %s has a literal value", o.path, v)
				}
			}
			_ = n.VisitFields(func(f *kyaml.MapNode) error { walk(f.Value); return nil })
		case kyaml.SequenceNode:
			els, _ := n.Elements()
			for _, e := range els {
				walk(e)
			}
		}
	}
	walk(o.node)
}
