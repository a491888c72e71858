package gitops

import (
	"strconv"
	"strings"

	"github.com/topogen/topogen/analysis"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// Flux v1 APIs: the CRDs at kustomize-controller v1.9 / source-controller
// v1.9 serve only v1 (shared/crds/README.md).
const (
	fluxSourceAPIVersion    = "source.toolkit.fluxcd.io/v1"
	fluxKustomizeAPIVersion = "kustomize.toolkit.fluxcd.io/v1"
)

type gitRepositorySpec struct {
	Interval string `json:"interval"`
	URL      string `json:"url"`
	Ref      gitRef `json:"ref"`
	// SecretRef holds the repository's credentials; none for a public
	// https repository.
	SecretRef *secretRef `json:"secretRef,omitempty"`
	Ignore    string     `json:"ignore"`
}

type gitRef struct {
	Branch string `json:"branch"`
}

type kustomizationSpec struct {
	Interval       string        `json:"interval"`
	RetryInterval  string        `json:"retryInterval"`
	Timeout        string        `json:"timeout"`
	SourceRef      sourceRef     `json:"sourceRef"`
	Path           string        `json:"path"`
	Prune          bool          `json:"prune"`
	DeletionPolicy string        `json:"deletionPolicy"`
	Wait           bool          `json:"wait"`
	HealthChecks   []healthCheck `json:"healthChecks,omitempty"`
	KubeConfig     *kubeConfig   `json:"kubeConfig,omitempty"`
	// DependsOn names the region's add-ons Kustomization and the
	// Kustomization of the region before this one in the rollout order
	// (none for the first); the add-ons Kustomization has none.
	DependsOn []DependencyReference `json:"dependsOn,omitempty"`
}

// DependencyReference is a Kustomization this one waits for
// (kustomize.toolkit.fluxcd.io/v1 spec.dependsOn[] {name, namespace}).
type DependencyReference struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
}

type sourceRef struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
}

type healthCheck struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	Namespace  string `json:"namespace"`
}

// kubeConfig names exactly one of a kubeconfig Secret or a cloud-provider
// ConfigMap (the CRD's CEL rule).
type kubeConfig struct {
	SecretRef    *secretRef `json:"secretRef,omitempty"`
	ConfigMapRef *secretRef `json:"configMapRef,omitempty"`
}

type secretRef struct {
	Name string `json:"name"`
}

func fluxObjects(t *model.Topology) []commented {
	objs := []commented{gitRepository(t)}
	deps := DependsOn(t)
	for _, r := range t.Regions {
		objs = append(objs, kustomization(t, r, deps[r.Name]))
	}
	return append(objs, fluxAddonRootObjects(t)...)
}

// DependsOn chains the regions' Kustomizations in the rollout order
// analysis derives (analysis.RolloutRegions): each region's depends on the
// one before it. Keyed by region name; the first region has none.
func DependsOn(t *model.Topology) map[string]string {
	deps := map[string]string{}
	prev := ""
	for _, r := range analysis.RolloutRegions(t) {
		if prev != "" {
			deps[r.Name] = AppName(t, prev)
		}
		prev = r.Name
	}
	return deps
}

func itoa(n int) string { return strconv.Itoa(n) }

// FluxURL is the repository URL as Flux accepts it: the CRD allows only
// http(s):// and ssh:// URLs, so the scp-like "git@host:owner/repo.git" the
// topology also accepts becomes "ssh://git@host/owner/repo.git".
func FluxURL(u string) string {
	if strings.HasPrefix(u, "git@") {
		if host, p, ok := strings.Cut(u, ":"); ok && !strings.Contains(host, "/") {
			return "ssh://" + host + "/" + strings.TrimPrefix(p, "/")
		}
	}
	return u
}

func gitRepository(t *model.Topology) commented {
	return commented{
		comment: `The repository and branch holding the generated tree. Only the regions'
Kubernetes trees go into the artifact the Kustomizations read.`,
		obj: object{
			APIVersion: fluxSourceAPIVersion,
			Kind:       "GitRepository",
			Metadata:   meta{Name: t.Name, Namespace: FluxNamespace},
			Spec: gitRepositorySpec{
				Interval: "1m",
				URL:      FluxURL(t.Delivery.RepoURL),
				Ref:      gitRef{Branch: t.Delivery.Revision},
				SecretRef: func() *secretRef {
					if t.Delivery.GitSecret == "" {
						return nil
					}
					return &secretRef{Name: t.Delivery.GitSecret}
				}(),
				Ignore: "/*\n!/" + strings.Trim(t.Delivery.Path, "/") + "/" + names.KubernetesRoot + "/\n" +
					"!/" + strings.Trim(t.Delivery.Path, "/") + "/" + FluxDir + "/addons/\n",
			},
		},
	}
}

// KustomizationPath is region r's tree as a Flux path: relative to the
// repository root, written with a leading "./".
func KustomizationPath(t *model.Topology, r model.Region) string {
	return "./" + RegionPath(t, r)
}

func kustomization(t *model.Topology, r model.Region, after string) commented {
	deps := []DependencyReference{{Name: AddonsKustomization(t, r), Namespace: FluxNamespace}}
	order := "This region is the first of the order: nothing gates it."
	if after != "" {
		deps = append(deps, DependencyReference{Name: after, Namespace: FluxNamespace})
		order = "This region waits for " + after + ", the one before it."
	}
	members, checks := regionWorkloads(t, r)
	timeout := names.RegionRolloutTimeout(members)
	return commented{
		comment: `Applies region ` + r.Name + `'s tree to its cluster` + fluxReach(t, r) + `.

wait: Flux checks the health of every object it applied (the StatefulSet's
rollout, Certificates, the init Job's completion) before reporting Ready;
while wait is true kustomize-controller ignores healthChecks, which names the
StatefulSet so the check stays if wait is ever turned off.

dependsOn: a change reaches the regions one at a time, in the order topogen
derives and proves quorum-safe (topogen explain, "Rollout"): regions without
the primary first, lowest priority first, the preferred primary's last.
` + order + `
kustomize-controller reconciles a Kustomization only once its dependency is
Ready at the same source revision (checkDependencies: "dependency ...
revision is not up to date"), and with wait: true Ready means every
member's pod rolled out and is ready (PRIMARY or SECONDARY). The price:
while a region is failing, the regions after it do not receive changes;
that is intended, as rolling them would take members down while the set is
already short of one region.

timeout ` + timeout + `: ` + itoa(members) + ` member(s) restarted one at a time, each within
` + names.MemberRestartBudget.String() + ` (termination grace, startup probe budget and
readiness period), plus 5m for the rest of the tree.
The region's add-ons (` + AddonsKustomization(t, r) + `) come first in
dependsOn: its tree uses their CRDs, webhooks and controllers.

deletionPolicy Orphan: deleting this Kustomization (a region removed from
the topology) leaves the members and their volumes running; prune still
removes objects the tree no longer has.`,
		obj: object{
			APIVersion: fluxKustomizeAPIVersion,
			Kind:       "Kustomization",
			Metadata:   meta{Name: AppName(t, r.Name), Namespace: FluxNamespace, Labels: names.RegionLabels(r.Name)},
			Spec: kustomizationSpec{
				Interval:       "10m",
				RetryInterval:  "2m",
				Timeout:        timeout,
				SourceRef:      sourceRef{Kind: "GitRepository", Name: t.Name},
				Path:           KustomizationPath(t, r),
				Prune:          true,
				DeletionPolicy: "Orphan",
				Wait:           true,
				HealthChecks:   checks,
				KubeConfig:     ptr(fluxKubeConfig(t, r)),
				DependsOn:      deps,
			},
		},
	}
}
