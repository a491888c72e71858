package gitops

import (
	"path"
	"strings"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// Flux side of the add-ons. The HelmReleases of region r live in
// out/gitops/flux/addons/<r>/, applied in the management cluster by the
// Kustomization AddonsKustomization(r) with wait: it is Ready only when
// every HelmRelease is, and the region's MongoDB Kustomization dependsOn it.

// Flux APIs at the pinned controllers (shared/crds/README.md).
const (
	fluxHelmAPIVersion = "helm.toolkit.fluxcd.io/v2"
)

// FluxAddonsDir holds region r's HelmReleases.
func FluxAddonsDir(r model.Region) string { return FluxDir + "/addons/" + r.Name }

// AddonsKustomization names the Kustomization applying region r's
// HelmReleases.
func AddonsKustomization(t *model.Topology, r model.Region) string {
	return AppName(t, r.Name) + "-addons"
}

// HelmRepositoryName is the HelmRepository of add-on key.
func HelmRepositoryName(t *model.Topology, key string) string { return t.Name + "-" + key }

// ClusterConfigMap is the ConfigMap through which Flux reaches region r's
// cluster (kubeConfig.configMapRef).
func ClusterConfigMap(t *model.Topology, r model.Region) string {
	return AppName(t, r.Name) + "-cluster"
}

// fluxKubeConfig is how Flux objects reach region r's cluster: the user's
// kubeconfig Secret when the topology names one, else the generated
// ConfigMap.
func fluxKubeConfig(t *model.Topology, r model.Region) kubeConfig {
	if r.Cluster.KubeConfigSecret != "" {
		return kubeConfig{SecretRef: &secretRef{Name: r.Cluster.KubeConfigSecret}}
	}
	return kubeConfig{ConfigMapRef: &secretRef{Name: ClusterConfigMap(t, r)}}
}

type helmRepositorySpec struct {
	Interval string `json:"interval"`
	URL      string `json:"url"`
	Type     string `json:"type,omitempty"`
}

type helmReleaseSpec struct {
	Interval         string                `json:"interval"`
	ReleaseName      string                `json:"releaseName"`
	TargetNamespace  string                `json:"targetNamespace"`
	StorageNamespace string                `json:"storageNamespace"`
	Chart            hrChart               `json:"chart"`
	KubeConfig       kubeConfig            `json:"kubeConfig"`
	DependsOn        []DependencyReference `json:"dependsOn,omitempty"`
	Install          hrInstall             `json:"install"`
	Upgrade          hrUpgrade             `json:"upgrade"`
	Values           map[string]any        `json:"values"`
}

type hrChart struct {
	Spec hrChartSpec `json:"spec"`
}

type hrChartSpec struct {
	Chart     string    `json:"chart"`
	Version   string    `json:"version"`
	SourceRef sourceRef `json:"sourceRef"`
	Interval  string    `json:"interval"`
}

type hrInstall struct {
	CreateNamespace bool          `json:"createNamespace"`
	CRDs            string        `json:"crds"`
	Remediation     hrRemediation `json:"remediation"`
}

type hrUpgrade struct {
	CRDs        string        `json:"crds"`
	Remediation hrRemediation `json:"remediation"`
}

type hrRemediation struct {
	Retries int `json:"retries"`
}

// fluxAddonRootObjects go into out/gitops/flux itself: a HelmRepository
// per add-on, each region's cluster ConfigMap and add-ons Kustomization.
func fluxAddonRootObjects(t *model.Topology) []commented {
	var objs []commented
	for _, a := range Addons(t) {
		spec := helmRepositorySpec{Interval: "1h", URL: a.Chart.RepoURL}
		if strings.HasPrefix(a.Chart.RepoURL, "oci://") {
			spec.Type = "oci"
		}
		objs = append(objs, commented{
			comment: "Chart repository of the " + a.Key + " add-on.",
			obj: object{APIVersion: fluxSourceAPIVersion, Kind: "HelmRepository",
				Metadata: meta{Name: HelmRepositoryName(t, a.Key), Namespace: FluxNamespace}, Spec: spec},
		})
	}
	for _, r := range t.Regions {
		if r.Cluster.KubeConfigSecret == "" {
			objs = append(objs, clusterConfigMap(t, r))
		}
		objs = append(objs, addonsKustomization(t, r))
	}
	return objs
}

// clusterConfigMap lets kustomize-controller and helm-controller reach
// region r's EKS cluster with their own AWS identity (kubeConfig.configMapRef,
// provider aws: the endpoint and CA come from eks:DescribeCluster on the
// cluster's ARN when address and ca.crt are not set; without
// serviceAccountName the controller's ServiceAccount is used; kustomize-
// controller v1.9 CRD). That identity needs an EKS access entry on the
// cluster: the topology's GitOps principal.
func clusterConfigMap(t *model.Topology, r model.Region) commented {
	return commented{
		comment: `How Flux reaches region ` + r.Name + `'s cluster: no kubeconfig and no token, only the
cluster's ARN; the controllers authenticate with their own AWS identity.`,
		obj: object{APIVersion: "v1", Kind: "ConfigMap",
			Metadata: meta{Name: ClusterConfigMap(t, r), Namespace: FluxNamespace, Labels: names.RegionLabels(r.Name)},
			Data:     map[string]string{"provider": "aws", "cluster": names.EKSClusterARN(t, r)}},
	}
}

func addonsKustomization(t *model.Topology, r model.Region) commented {
	return commented{
		comment: `Applies region ` + r.Name + `'s add-on HelmReleases (` + FluxAddonsDir(r) + `) in this
management cluster; each HelmRelease installs into the region's cluster.
wait: Ready only once every HelmRelease is, which the region's MongoDB
Kustomization dependsOn.`,
		obj: object{
			APIVersion: fluxKustomizeAPIVersion,
			Kind:       "Kustomization",
			Metadata:   meta{Name: AddonsKustomization(t, r), Namespace: FluxNamespace, Labels: names.RegionLabels(r.Name)},
			Spec: kustomizationSpec{
				Interval:       "10m",
				RetryInterval:  "2m",
				Timeout:        "15m",
				SourceRef:      sourceRef{Kind: "GitRepository", Name: t.Name},
				Path:           "./" + path.Join(t.Delivery.Path, FluxAddonsDir(r)),
				Prune:          true,
				DeletionPolicy: "Orphan",
				Wait:           true,
			},
		},
	}
}

// fluxAddonObjects are region r's HelmReleases.
func fluxAddonObjects(t *model.Topology, r model.Region) []commented {
	var objs []commented
	for _, a := range Addons(t) {
		var deps []DependencyReference
		if a.After != "" {
			deps = []DependencyReference{{Name: AddonName(t, r, a.After), Namespace: FluxNamespace}}
		}
		labels := names.RegionLabels(r.Name)
		labels[AddonLabel] = a.Key
		objs = append(objs, commented{
			comment: `Add-on ` + a.Key + ` ` + a.Chart.Version + ` in region ` + r.Name + `'s cluster. CRDs are
created and updated with the chart (CreateReplace); a failed install is
retried without limit (the cluster may still be coming up).`,
			obj: object{
				APIVersion: fluxHelmAPIVersion,
				Kind:       "HelmRelease",
				Metadata:   meta{Name: AddonName(t, r, a.Key), Namespace: FluxNamespace, Labels: labels},
				Spec: helmReleaseSpec{
					Interval:         "1h",
					ReleaseName:      a.Key,
					TargetNamespace:  a.Namespace,
					StorageNamespace: a.Namespace,
					Chart: hrChart{Spec: hrChartSpec{
						Chart:     a.Chart.Chart,
						Version:   a.Chart.Version,
						SourceRef: sourceRef{Kind: "HelmRepository", Name: HelmRepositoryName(t, a.Key)},
						Interval:  "1h",
					}},
					KubeConfig: fluxKubeConfig(t, r),
					DependsOn:  deps,
					Install:    hrInstall{CreateNamespace: true, CRDs: "CreateReplace", Remediation: hrRemediation{Retries: -1}},
					Upgrade:    hrUpgrade{CRDs: "CreateReplace", Remediation: hrRemediation{Retries: 3}},
					Values:     a.Values(t, r),
				},
			},
		})
	}
	return objs
}

func ptr[T any](v T) *T { return &v }

// fluxReach says in a comment how Flux reaches region r's cluster.
func fluxReach(t *model.Topology, r model.Region) string {
	if r.Cluster.KubeConfigSecret != "" {
		return " through the kubeconfig in\nSecret " + FluxNamespace + "/" + r.Cluster.KubeConfigSecret
	}
	return " through ConfigMap\n" + FluxNamespace + "/" + ClusterConfigMap(t, r) + " (EKS, the controllers' own AWS identity)"
}
