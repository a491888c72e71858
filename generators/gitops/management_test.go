package gitops

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/topogen/topogen/generators/terraform"
	"github.com/topogen/topogen/model"
)

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
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			topo := load(t, c.dir)
			tf, err := terraform.Generate(topo)
			if err != nil {
				t.Fatal(err)
			}
			var mgmtTF string
			for _, f := range tf {
				if f.Path == terraform.Dir+"/"+terraform.BootstrapStack+"/management.tf" {
					mgmtTF = string(f.Data)
				}
			}
			assoc := map[string]bool{} // "cluster ns/sa"
			for _, m := range associationRE.FindAllStringSubmatch(mgmtTF, -1) {
				assoc[m[1]+" "+m[2]+"/"+m[3]] = true
			}
			files := generate(t, topo)
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
			app := files[ArgoCDDir+"/application-"+ManagementApp(topo)+".yaml"]
			if m.Engine == model.EngineArgoCD {
				_, spec := decode[multiSourceAppSpec](t, files, ArgoCDDir+"/application-"+ManagementApp(topo)+".yaml")
				chart := spec.Sources[0].(map[string]any)
				sa := chart["helm"].(map[string]any)["valuesObject"].(map[string]any)["serviceAccount"].(map[string]any)
				if _, annotated := sa["annotations"]; annotated {
					t.Errorf("the management external-secrets ServiceAccount is annotated (IRSA); Pod Identity needs none: %v", sa)
				}
				want = append(want, spec.Destination.Namespace+"/"+sa["name"].(string))

				_, store := decode[secretStoreSpec](t, files, ManagementDir+"/clustersecretstore-"+ClusterStore(topo)+".yaml")
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
			} else if app != nil {
				t.Errorf("engine %s, yet %s is generated", m.Engine, ManagementApp(topo))
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
