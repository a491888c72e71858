package compile

import (
	"bytes"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/topogen/topogen/generators/gitops"
	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/generators/terraform"
	"github.com/topogen/topogen/internal/testtopo"
	"github.com/topogen/topogen/model"
)

// The delivery objects (the gitops target) against what they deliver and
// run as (the kubernetes and terraform targets), read back from one
// rendered tree per topology. They live here, where every target is
// known, so that each generator's tests link that generator only.

// object is what every test here reads of a Kubernetes object.
type object struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
}

// specOf reads the object in file p and its spec into S.
func specOf[S any](t *testing.T, files map[string][]byte, p string) (object, S) {
	t.Helper()
	b, ok := files[p]
	if !ok {
		t.Fatalf("%s not generated", p)
	}
	var o struct {
		object
		Spec S `json:"spec"`
	}
	if err := yaml.Unmarshal(b, &o); err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return o.object, o.Spec
}

type groupKind struct {
	Group string `json:"group"`
	Kind  string `json:"kind"`
}

type destination struct {
	Name      string `json:"name"`
	Server    string `json:"server"`
	Namespace string `json:"namespace"`
}

// TestProjectAdmitsTrees: every object the Kubernetes target puts in a
// region's tree is one the AppProject lets that region's Application
// create — a namespaced object in an allowed namespace, a cluster-scoped
// one of a whitelisted kind — and every region the ApplicationSet points at
// has a tree at that path. A new namespace or cluster-scoped kind in the
// trees fails here instead of at the first sync.
func TestProjectAdmitsTrees(t *testing.T) {
	for _, c := range testtopo.Cases(t) {
		t.Run(c.Name, func(t *testing.T) {
			topo, files := render(t, c.Dir)
			_, proj := specOf[struct {
				Destinations             []destination `json:"destinations"`
				ClusterResourceWhitelist []groupKind   `json:"clusterResourceWhitelist"`
			}](t, files, gitops.ArgoCDDir+"/appproject-"+topo.Name+".yaml")
			allowedNS := map[string][]string{} // destination → namespaces
			for _, d := range proj.Destinations {
				key := d.Name + d.Server
				allowedNS[key] = append(allowedNS[key], d.Namespace)
			}
			for _, r := range topo.Regions {
				dest := gitops.ClusterDestination(r)
				nss := allowedNS[dest.Name+dest.Server]
				n, namespaced := 0, 0
				for _, p := range slices.Sorted(maps.Keys(files)) {
					if path.Dir(p) != names.KubernetesDir(r) || path.Base(p) == "kustomization.yaml" {
						continue
					}
					n++
					for _, doc := range bytes.Split(files[p], []byte("\n---\n")) {
						var o object
						if err := yaml.Unmarshal(doc, &o); err != nil {
							t.Fatalf("%s: %v", p, err)
						}
						if o.Kind == "" {
							continue
						}
						switch {
						case o.Kind == "Namespace":
							if !slices.Contains(proj.ClusterResourceWhitelist, groupKind{Kind: "Namespace"}) || !slices.Contains(nss, o.Metadata.Name) {
								t.Errorf("%s: Namespace %s is not in the project's destinations %v", p, o.Metadata.Name, nss)
							}
						case o.Metadata.Namespace == "":
							group, _, _ := strings.Cut(o.APIVersion, "/")
							if !strings.Contains(o.APIVersion, "/") {
								group = ""
							}
							if !slices.Contains(proj.ClusterResourceWhitelist, groupKind{Group: group, Kind: o.Kind}) {
								t.Errorf("%s: %s %s has no namespace; if it is cluster-scoped, whitelist its kind in the AppProject", p, o.Kind, o.Metadata.Name)
							}
						default:
							namespaced++
							if !slices.Contains(nss, o.Metadata.Namespace) {
								t.Errorf("%s: %s %s is in namespace %s, not in the project's destinations %v for %s",
									p, o.Kind, o.Metadata.Name, o.Metadata.Namespace, nss, strings.TrimSpace(dest.Name+" "+dest.Server))
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

var (
	associationRE = regexp.MustCompile(`(?s)resource "aws_eks_pod_identity_association" "[^"]+" \{.*?cluster_name\s*=\s*"([^"]+)"\s*namespace\s*=\s*"([^"]+)"\s*service_account\s*=\s*"([^"]+)"`)
	secretARNRE   = regexp.MustCompile(`arn:aws:secretsmanager:([a-z0-9-]+):[0-9]+:secret:([^"]+)-\?{6}`)
)

// TestManagementIdentities ties the two targets through their rendered
// files: every ServiceAccount the management cluster's engine and the
// management Application's external-secrets run as has a Pod Identity
// association in the bootstrap stack, on the named cluster; the
// ClusterSecretStore reads Secrets Manager in the region whose entries
// external-secrets' role may read; Flux gets no external-secrets; without
// delivery.management there is no association at all.
func TestManagementIdentities(t *testing.T) {
	for _, c := range testtopo.Cases(t) {
		t.Run(c.Name, func(t *testing.T) {
			topo, files := render(t, c.Dir)
			mgmtTF := string(files[terraform.Dir+"/"+terraform.BootstrapStack+"/management.tf"])
			assoc := map[string]bool{} // "cluster ns/sa"
			for _, m := range associationRE.FindAllStringSubmatch(mgmtTF, -1) {
				assoc[m[1]+" "+m[2]+"/"+m[3]] = true
			}
			m := topo.Delivery.Management
			if m == nil {
				if len(assoc) > 0 || mgmtTF != "" {
					t.Errorf("no delivery.management, yet management.tf has %v", assoc)
				}
				return
			}
			// The engines' own ServiceAccounts, from their install
			// manifests (Argo CD: manifests/install.yaml; Flux: the
			// controllers' Deployments), not from topogen.
			want := map[string][]string{
				model.EngineArgoCD: {topo.Delivery.ArgoCDNamespace + "/argocd-application-controller", topo.Delivery.ArgoCDNamespace + "/argocd-applicationset-controller", topo.Delivery.ArgoCDNamespace + "/argocd-server"},
				model.EngineFlux:   {"flux-system/kustomize-controller", "flux-system/helm-controller"},
			}[m.Engine]
			appFile := gitops.ArgoCDDir + "/application-" + gitops.ManagementApp(topo) + ".yaml"
			if m.Engine == model.EngineArgoCD {
				_, spec := specOf[struct {
					Sources []struct {
						Helm struct {
							ValuesObject struct {
								ServiceAccount map[string]any `json:"serviceAccount"`
							} `json:"valuesObject"`
						} `json:"helm"`
					} `json:"sources"`
					Destination destination `json:"destination"`
				}](t, files, appFile)
				sa := spec.Sources[0].Helm.ValuesObject.ServiceAccount
				if _, annotated := sa["annotations"]; annotated {
					t.Errorf("the management external-secrets ServiceAccount is annotated (IRSA); Pod Identity needs none: %v", sa)
				}
				name, _ := sa["name"].(string)
				want = append(want, spec.Destination.Namespace+"/"+name)

				_, store := specOf[struct {
					Provider struct {
						AWS struct {
							Region string `json:"region"`
						} `json:"aws"`
					} `json:"provider"`
				}](t, files, gitops.ManagementDir+"/clustersecretstore-"+gitops.ClusterStore(topo)+".yaml")
				var regions []string
				for _, a := range secretARNRE.FindAllStringSubmatch(mgmtTF, -1) {
					regions = append(regions, a[1])
					if !strings.Contains(a[2], "/clusters/") {
						t.Errorf("management external-secrets may read %s, not a cluster entry", a[2])
					}
				}
				if len(regions) != len(topo.Regions) || slices.ContainsFunc(regions, func(r string) bool { return r != store.Provider.AWS.Region }) {
					t.Errorf("the store reads %s; the role may read entries in %v", store.Provider.AWS.Region, regions)
				}
			} else if files[appFile] != nil {
				t.Errorf("engine %s, yet %s is generated", m.Engine, gitops.ManagementApp(topo))
			}
			for _, w := range want {
				if !assoc[m.EKSCluster+" "+w] {
					t.Errorf("%s on %s has no Pod Identity association; have %v", w, m.EKSCluster, assoc)
				}
			}
			if len(assoc) != len(want) {
				t.Errorf("associations %v, want exactly %v", assoc, want)
			}
		})
	}
}

// TestRestartBudgetMatchesStatefulSet reads the generated StatefulSet back:
// the Flux timeout's budget (names.Member*) must be what the pods do.
func TestRestartBudgetMatchesStatefulSet(t *testing.T) {
	topo, files := render(t, "../regions")
	r := topo.Regions[0]
	p := names.KubernetesDir(r) + "/" + names.ObjectFile("StatefulSet", names.StatefulSet(topo, r))
	type probe struct {
		PeriodSeconds    int `json:"periodSeconds"`
		FailureThreshold int `json:"failureThreshold"`
	}
	_, sts := specOf[struct {
		Template struct {
			Spec struct {
				TerminationGracePeriodSeconds int `json:"terminationGracePeriodSeconds"`
				Containers                    []struct {
					Name           string `json:"name"`
					StartupProbe   *probe `json:"startupProbe"`
					ReadinessProbe *probe `json:"readinessProbe"`
				} `json:"containers"`
			} `json:"spec"`
		} `json:"template"`
	}](t, files, p)
	ps := sts.Template.Spec
	if ps.TerminationGracePeriodSeconds != names.MemberTerminationGraceSeconds {
		t.Errorf("terminationGracePeriodSeconds %d, want %d", ps.TerminationGracePeriodSeconds, names.MemberTerminationGraceSeconds)
	}
	for _, c := range ps.Containers {
		if c.Name != "mongod" {
			continue
		}
		if c.StartupProbe == nil || c.StartupProbe.PeriodSeconds*c.StartupProbe.FailureThreshold != names.MemberStartupProbePeriodSeconds*names.MemberStartupProbeFailures {
			t.Errorf("mongod startupProbe %+v, want %d s × %d", c.StartupProbe, names.MemberStartupProbePeriodSeconds, names.MemberStartupProbeFailures)
		}
		if c.ReadinessProbe == nil || c.ReadinessProbe.PeriodSeconds != names.MemberReadinessPeriodSeconds {
			t.Errorf("mongod readinessProbe %+v, want period %d s", c.ReadinessProbe, names.MemberReadinessPeriodSeconds)
		}
		return
	}
	t.Fatalf("%s: no mongod container", p)
}
