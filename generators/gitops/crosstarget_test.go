package gitops

import (
	"bytes"
	"path"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/topogen/topogen/generators/kubernetes"
	"github.com/topogen/topogen/generators/names"
)

// TestProjectAdmitsTrees: every object the Kubernetes target puts in a
// region's tree is one the AppProject lets that region's Application
// create — a namespaced object in an allowed namespace, a cluster-scoped
// one of a whitelisted kind — and every region the ApplicationSet points at
// has a tree at that path. A new namespace or cluster-scoped kind in the
// trees fails here instead of at the first sync.
func TestProjectAdmitsTrees(t *testing.T) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			topo := load(t, c.dir)
			files, err := kubernetes.Generate(topo)
			if err != nil {
				t.Fatal(err)
			}
			_, proj := decode[appProjectSpec](t, generate(t, topo), ArgoCDDir+"/appproject-"+topo.Name+".yaml")
			allowedNS := map[string][]string{} // destination → namespaces
			for _, d := range proj.Destinations {
				key := d.Name + d.Server
				allowedNS[key] = append(allowedNS[key], d.Namespace)
			}
			for _, r := range topo.Regions {
				dest := ClusterDestination(r)
				nss := allowedNS[dest.Name+dest.Server]
				n, namespaced := 0, 0
				for _, f := range files {
					if path.Dir(f.Path) != names.KubernetesDir(r) || path.Base(f.Path) == "kustomization.yaml" {
						continue
					}
					n++
					for _, doc := range bytes.Split(f.Data, []byte("\n---\n")) {
						var o struct {
							APIVersion string `json:"apiVersion"`
							Kind       string `json:"kind"`
							Metadata   struct {
								Name      string `json:"name"`
								Namespace string `json:"namespace"`
							} `json:"metadata"`
						}
						if err := yaml.Unmarshal(doc, &o); err != nil {
							t.Fatalf("%s: %v", f.Path, err)
						}
						if o.Kind == "" {
							continue
						}
						switch {
						case o.Kind == "Namespace":
							if !slices.Contains(proj.ClusterResourceWhitelist, groupKind{Kind: "Namespace"}) || !slices.Contains(nss, o.Metadata.Name) {
								t.Errorf("%s: Namespace %s is not in the project's destinations %v", f.Path, o.Metadata.Name, nss)
							}
						case o.Metadata.Namespace == "":
							group, _, _ := strings.Cut(o.APIVersion, "/")
							if !strings.Contains(o.APIVersion, "/") {
								group = ""
							}
							if !slices.Contains(proj.ClusterResourceWhitelist, groupKind{Group: group, Kind: o.Kind}) {
								t.Errorf("%s: %s %s has no namespace; if it is cluster-scoped, whitelist its kind in the AppProject", f.Path, o.Kind, o.Metadata.Name)
							}
						default:
							namespaced++
							if !slices.Contains(nss, o.Metadata.Namespace) {
								t.Errorf("%s: %s %s is in namespace %s, not in the project's destinations %v for %s",
									f.Path, o.Kind, o.Metadata.Name, o.Metadata.Namespace, nss, strings.TrimSpace(dest.Name+" "+dest.Server))
							}
						}
					}
				}
				if n == 0 || namespaced == 0 {
					t.Errorf("region %s: no Kubernetes tree at %s (%d files, %d namespaced objects)", r.Name, names.KubernetesDir(r), n, namespaced)
				}
			}
		})
	}
}
