package gitops

import (
	"path"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// The management cluster's own objects (delivery.management with Argo CD):
// Argo CD installs external-secrets on the cluster it runs on, then the
// cluster registrations that need it, so `kubectl apply -k` of
// out/gitops/argocd needs nothing on the cluster but Argo CD.
//
// One Application with two sources, the pinned external-secrets chart and
// ManagementDir (the ClusterSecretStore and the regions' cluster
// ExternalSecrets), so sync waves order them: Argo CD applies wave 1 only
// once wave 0 (the chart: its CRDs, its controller and webhook) is healthy
// (Argo CD docs, "Sync Phases and Waves"). Applied with kubectl instead,
// the registrations would fail until the CRDs exist.

// ManagementDir holds the objects the management Application syncs.
const ManagementDir = ArgoCDDir + "/management"

// inCluster is the cluster Argo CD runs in (its built-in "in-cluster").
const inCluster = "https://kubernetes.default.svc"

// ManagementProject is the AppProject of the management Application.
func ManagementProject(t *model.Topology) string { return t.Name + "-management" }

// ManagementApp is the Application installing external-secrets and the
// registrations on the management cluster.
func ManagementApp(t *model.Topology) string { return t.Name + "-management" }

// managedArgoCD: the management cluster runs Argo CD and topogen provides
// its external-secrets.
func managedArgoCD(t *model.Topology) bool {
	return t.Delivery.Management != nil && t.Delivery.Management.Engine == model.EngineArgoCD
}

// registrationObjects are the management store and the regions' cluster
// ExternalSecrets; with managedArgoCD they go to ManagementDir in wave 1.
func registrationObjects(t *model.Topology) []commented {
	objs := []commented{managementStore(t, t.Delivery.ArgoCDNamespace)}
	for _, r := range t.Regions {
		objs = append(objs, argoClusterSecret(t, r))
	}
	if managedArgoCD(t) {
		for i := range objs {
			objs[i].obj.Metadata.Annotations = map[string]string{syncWaveAnnotation: "1"}
		}
	}
	return objs
}

const syncWaveAnnotation = "argocd.argoproj.io/sync-wave"

type multiSourceAppSpec struct {
	Project     string        `json:"project"`
	Sources     []any         `json:"sources"`
	Destination destination   `json:"destination"`
	SyncPolicy  appSyncPolicy `json:"syncPolicy"`
}

type chartSource struct {
	RepoURL        string     `json:"repoURL"`
	Chart          string     `json:"chart"`
	TargetRevision string     `json:"targetRevision"`
	Helm           helmValues `json:"helm"`
}

func managementObjects(t *model.Topology) []commented {
	ns := t.Delivery.ArgoCDNamespace
	eso := t.Addons.ExternalSecrets
	project := commented{
		comment: `The management Application's project: the pinned external-secrets chart and
this repository, only the cluster Argo CD runs in, only external-secrets'
namespace and ` + ns + ` (the registrations). The chart installs CRDs,
ClusterRoles and webhooks, and the store is cluster-scoped.`,
		obj: object{
			APIVersion: argoAPIVersion,
			Kind:       "AppProject",
			Metadata:   meta{Name: ManagementProject(t), Namespace: ns},
			Spec: appProjectSpec{
				Description: "topogen: external-secrets and the cluster registrations of " + t.Name + " on the management cluster",
				SourceRepos: []string{eso.RepoURL, t.Delivery.RepoURL},
				Destinations: []destination{
					{Server: inCluster, Namespace: names.ExternalSecretsNamespace},
					{Server: inCluster, Namespace: ns},
				},
				ClusterResourceWhitelist: []groupKind{{Group: "*", Kind: "*"}},
			},
		},
	}
	app := commented{
		comment: `external-secrets ` + eso.Version + ` on the management cluster (wave 0), then the
regions' cluster registrations that use it (` + path.Base(ManagementDir) + `/, wave 1).

Its ServiceAccount runs as ` + names.ManagementExternalSecretsRole(t) + ` by EKS Pod
Identity (the bootstrap stack's association: no annotation), which may read
only the regions' cluster entries. Unlimited retries: the first sync may run
before the association or the webhook is ready.`,
		obj: object{
			APIVersion: argoAPIVersion,
			Kind:       "Application",
			Metadata:   meta{Name: ManagementApp(t), Namespace: ns},
			Spec: multiSourceAppSpec{
				Project: ManagementProject(t),
				Sources: []any{
					chartSource{
						RepoURL: eso.RepoURL, Chart: eso.Chart, TargetRevision: eso.Version,
						Helm: helmValues{ReleaseName: AddonExternalSecrets, ValuesObject: map[string]any{
							"installCRDs":    true,
							"serviceAccount": map[string]any{"create": true, "name": names.ExternalSecretsServiceAccount},
						}},
					},
					appSource{RepoURL: t.Delivery.RepoURL, TargetRevision: t.Delivery.Revision, Path: path.Join(t.Delivery.Path, ManagementDir)},
				},
				Destination: destination{Server: inCluster, Namespace: names.ExternalSecretsNamespace},
				SyncPolicy: appSyncPolicy{
					Automated:   automated{Prune: true, SelfHeal: true},
					SyncOptions: []string{"CreateNamespace=true", "ServerSideApply=true"},
					Retry:       retry{Limit: -1, Backoff: backoff{Duration: "10s", Factor: 2, MaxDuration: "5m"}},
				},
			},
		},
	}
	return []commented{project, app}
}
