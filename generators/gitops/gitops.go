// Package gitops renders the objects that connect out/ to the clusters:
// out/gitops/argocd/ (an AppProject and an ApplicationSet) and
// out/gitops/flux/ (a GitRepository and one Kustomization per region). Each
// region's Kubernetes tree, out/<names.KubernetesDir>, is applied to that
// region's cluster and nothing else. A platform team uses one of the two
// directories, applied once to its management cluster
// (`kubectl apply -k out/gitops/argocd`); after that, merges to the delivery
// revision are the only way changes reach the clusters.
package gitops

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// Directories of the two delivery flavours in the output directory.
const (
	Dir       = "gitops"
	ArgoCDDir = Dir + "/argocd"
	FluxDir   = Dir + "/flux"
)

// FluxNamespace is where Flux's controllers, and so the GitRepository, the
// Kustomizations and the kubeconfig Secrets they reference, live.
const FluxNamespace = names.FluxNamespace

const header = generators.YAMLHeader

// object is the part of every Kubernetes object this package writes; spec
// is a typed struct per kind, so field names are checked by the compiler and
// the serialisation is the json tags' (sigs.k8s.io/yaml sorts the keys, so
// the bytes do not depend on declaration order).
type object struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   meta   `json:"metadata"`
	Spec       any    `json:"spec,omitempty"`
	// Data is a ConfigMap's (which has no spec).
	Data map[string]string `json:"data,omitempty"`
}

type meta struct {
	Name        string            `json:"name"`
	Namespace   string            `json:"namespace,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// Generate renders out/gitops/.
func Generate(t *model.Topology) ([]generators.File, error) {
	argo, err := render(ArgoCDDir, argoObjects(t))
	if err != nil {
		return nil, err
	}
	if managedArgoCD(t) {
		mg, err := render(ManagementDir, registrationObjects(t))
		if err != nil {
			return nil, err
		}
		argo = append(argo, mg...)
	}
	flux, err := render(FluxDir, fluxObjects(t))
	if err != nil {
		return nil, err
	}
	out := append(argo, flux...)
	for _, r := range t.Regions {
		hr, err := render(FluxAddonsDir(r), fluxAddonObjects(t, r))
		if err != nil {
			return nil, err
		}
		out = append(out, hr...)
	}
	return out, nil
}

// commented is an object with a comment block written above it: the why of
// its settings travels with the file a reviewer or an operator opens.
type commented struct {
	obj     object
	comment string
}

// render writes one file per object, named the way `kustomize build -o dir`
// names them (<group>_<version>_<kind>_<name>.yaml, lower case;
// style-anchors.md §3), plus a kustomization.yaml listing them, so the
// directory applies with `kubectl apply -k`.
func render(dir string, objs []commented) ([]generators.File, error) {
	var files []generators.File
	var resources []string
	for _, o := range objs {
		body, err := generators.YAML(o.obj)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", o.obj.Kind, o.obj.Metadata.Name, err)
		}
		name := names.ObjectFile(o.obj.Kind, o.obj.Metadata.Name)
		var b strings.Builder
		b.WriteString(header)
		b.WriteString(commentLines(o.comment))
		b.Write(body)
		files = append(files, generators.File{Path: path.Join(dir, name), Data: []byte(b.String())})
		resources = append(resources, name)
	}
	slices.Sort(resources)
	files = append(files, generators.File{Path: path.Join(dir, generators.KustomizationFile), Data: generators.Kustomization(resources, false)})
	slices.SortFunc(files, func(a, b generators.File) int { return strings.Compare(a.Path, b.Path) })
	return files, nil
}

// commentLines is an object's comment as a YAML comment block; none for
// an empty comment.
func commentLines(s string) string {
	if s == "" {
		return ""
	}
	return generators.CommentLines(strings.TrimRight(s, "\n"))
}

// AppName is the Argo CD Application and the Flux Kustomization delivering
// a region (for Argo CD, the ApplicationSet's template expression for it):
// one name for both, so an operator switching tools finds it.
func AppName(t *model.Topology, region string) string { return model.RegionalName(t.Name, region) }

// RegionPath is region r's tree relative to the repository root, the path
// both tools read: "<delivery.path>/kubernetes/<region>".
func RegionPath(t *model.Topology, r model.Region) string {
	return path.Join(t.Delivery.Path, names.KubernetesDir(r))
}

// Namespaces are the namespaces each region's tree puts objects in, sorted:
// the AppProject allows exactly these. The Kubernetes target puts the
// MongoDB objects, including its PrometheusRule and ServiceMonitor, in
// kubernetes.namespace, the shared CA's bootstrap objects in
// cert-manager's, and the connection ConfigMap and the CA certificate
// applications trust in kubernetes.appNamespace.
func Namespaces(t *model.Topology) []string {
	ns := []string{t.Kubernetes.Namespace, names.CertManagerNamespace, t.Kubernetes.AppNamespace}
	slices.Sort(ns)
	return slices.Compact(ns)
}

// ClusterKinds are the cluster-scoped kinds each region's tree holds: its
// Namespace, StorageClass, ClusterSecretStore and (with the default
// tlsIssuer.kind) the CA's ClusterIssuer.
func ClusterKinds(t *model.Topology) []groupKind {
	k := []groupKind{
		{Group: "", Kind: "Namespace"},
		{Group: "storage.k8s.io", Kind: "StorageClass"},
		{Group: "external-secrets.io", Kind: t.Kubernetes.ExternalSecrets.StoreKind},
	}
	if t.Kubernetes.TLSIssuerKind == "ClusterIssuer" {
		k = append(k, groupKind{Group: "cert-manager.io", Kind: "ClusterIssuer"})
	}
	return k
}
