package gitops

import (
	"encoding/json"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// Argo CD side of the add-ons and of cluster registration, applied to the
// management cluster with the rest of out/gitops/argocd.

type addonAppSpec struct {
	Project     string        `json:"project"`
	Source      helmSource    `json:"source"`
	Destination destination   `json:"destination"`
	SyncPolicy  appSyncPolicy `json:"syncPolicy"`
}

type helmSource struct {
	RepoURL        string     `json:"repoURL"`
	Chart          string     `json:"chart"`
	TargetRevision string     `json:"targetRevision"`
	Helm           helmValues `json:"helm"`
}

type helmValues struct {
	ReleaseName  string         `json:"releaseName"`
	ValuesObject map[string]any `json:"valuesObject"`
}

// AddonsProject is the AppProject of the add-on Applications.
func AddonsProject(t *model.Topology) string { return t.Name + "-addons" }

// ClusterStore is the management cluster's ClusterSecretStore reading the
// regions' names.ClusterSecret entries.
func ClusterStore(t *model.Topology) string { return t.Name + "-clusters" }

// ClusterSecretName is the Argo CD cluster Secret of region r.
func ClusterSecretName(t *model.Topology, r model.Region) string {
	return AppName(t, r.Name) + "-cluster"
}

func argoAddonObjects(t *model.Topology) []commented {
	objs := []commented{addonsProject(t)}
	if managedArgoCD(t) {
		objs = append(objs, managementObjects(t)...)
	} else {
		objs = append(objs, registrationObjects(t)...)
	}
	for _, r := range t.Regions {
		for _, a := range Addons(t) {
			objs = append(objs, addonApplication(t, r, a))
		}
	}
	return objs
}

func addonsProject(t *model.Topology) commented {
	repos := map[string]bool{}
	var sources []string
	for _, a := range Addons(t) {
		if !repos[a.Chart.RepoURL] {
			repos[a.Chart.RepoURL] = true
			sources = append(sources, a.Chart.RepoURL)
		}
	}
	var dests []destination
	for _, r := range t.Regions {
		for _, ns := range AddonNamespaces(t) {
			d := ClusterDestination(r)
			d.Namespace = ns
			dests = append(dests, d)
		}
	}
	return commented{
		comment: `The add-ons' project: only the pinned charts' repositories, only the
regions' clusters and the add-ons' namespaces. Charts install CRDs,
ClusterRoles and webhooks, so every cluster-scoped kind is allowed here;
the MongoDB project stays narrow.`,
		obj: object{
			APIVersion: argoAPIVersion,
			Kind:       "AppProject",
			Metadata:   meta{Name: AddonsProject(t), Namespace: t.Delivery.ArgoCDNamespace},
			Spec: appProjectSpec{
				Description:              "topogen: cluster add-ons of " + t.Name + "'s regional clusters",
				SourceRepos:              sources,
				Destinations:             dests,
				ClusterResourceWhitelist: []groupKind{{Group: "*", Kind: "*"}},
			},
		},
	}
}

func addonApplication(t *model.Topology, r model.Region, a Addon) commented {
	d := ClusterDestination(r)
	d.Namespace = a.Namespace
	labels := names.RegionLabels(r.Name)
	labels[AddonLabel] = a.Key
	return commented{
		comment: `Add-on ` + a.Key + ` ` + a.Chart.Version + ` in region ` + r.Name + `'s cluster.

Each chart brings its own CRDs (CreateNamespace: the release's namespace is
created with it; ServerSideApply: CRDs exceed the client-side annotation
limit). Unlimited retries with backoff: the first sync may run before the
cluster's nodes are up. The region's MongoDB tree waits for these add-ons
through its first sync waves: its ClusterSecretStore, PushSecret,
ExternalSecrets and issuer are healthy only once external-secrets and
cert-manager run.`,
		obj: object{
			APIVersion: argoAPIVersion,
			Kind:       "Application",
			Metadata:   meta{Name: AddonName(t, r, a.Key), Namespace: t.Delivery.ArgoCDNamespace, Labels: labels},
			Spec: addonAppSpec{
				Project: AddonsProject(t),
				Source: helmSource{
					RepoURL:        a.Chart.RepoURL,
					Chart:          a.Chart.Chart,
					TargetRevision: a.Chart.Version,
					Helm:           helmValues{ReleaseName: a.Key, ValuesObject: a.Values(t, r)},
				},
				Destination: d,
				SyncPolicy: appSyncPolicy{
					Automated:   automated{Prune: true, SelfHeal: true},
					SyncOptions: []string{"CreateNamespace=true", "ServerSideApply=true"},
					Retry:       retry{Limit: -1, Backoff: backoff{Duration: "10s", Factor: 2, MaxDuration: "5m"}},
				},
			},
		},
	}
}

// AddonLabel marks each add-on Application and HelmRelease with its key.
const AddonLabel = "topogen.io/addon"

type secretStoreSpec struct {
	Conditions []storeCondition `json:"conditions"`
	Provider   storeProvider    `json:"provider"`
}

type storeCondition struct {
	Namespaces []string `json:"namespaces"`
}

type storeProvider struct {
	AWS awsProvider `json:"aws"`
}

type awsProvider struct {
	Service string `json:"service"`
	Region  string `json:"region"`
}

// managementStore reads the clusters' registration entries in the
// management cluster, usable only from namespace ns. No auth block:
// external-secrets uses its own AWS identity there: with
// delivery.management, names.ManagementExternalSecretsRole by Pod Identity
// (the bootstrap stack); else whatever the one bootstrap step grants
// secretsmanager:GetSecretValue on "<topology>/clusters/*". It reads the
// replica in names.ClusterSecretsRegion; Terraform replicates each entry
// to every region.
func managementStore(t *model.Topology, ns string) commented {
	return commented{
		comment: `The management cluster's view of Secrets Manager: only the regional
stacks' cluster entries (endpoint and CA, names.ClusterSecret), only from
the ` + ns + ` namespace.`,
		obj: object{
			APIVersion: "external-secrets.io/v1",
			Kind:       "ClusterSecretStore",
			Metadata:   meta{Name: ClusterStore(t)},
			Spec: secretStoreSpec{
				Conditions: []storeCondition{{Namespaces: []string{ns}}},
				Provider:   storeProvider{AWS: awsProvider{Service: "SecretsManager", Region: names.ClusterSecretsRegion(t)}},
			},
		},
	}
}

type externalSecretSpec struct {
	RefreshInterval string       `json:"refreshInterval"`
	SecretStoreRef  storeRef     `json:"secretStoreRef"`
	Target          esTarget     `json:"target"`
	DataFrom        []esDataFrom `json:"dataFrom"`
}

type storeRef struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
}

type esTarget struct {
	Name           string     `json:"name"`
	CreationPolicy string     `json:"creationPolicy"`
	Template       esTemplate `json:"template"`
}

type esTemplate struct {
	EngineVersion string            `json:"engineVersion"`
	Type          string            `json:"type,omitempty"`
	Metadata      esTemplateMeta    `json:"metadata"`
	Data          map[string]string `json:"data"`
}

type esTemplateMeta struct {
	Labels map[string]string `json:"labels"`
}

type esDataFrom struct {
	Extract esExtract `json:"extract"`
}

type esExtract struct {
	Key string `json:"key"`
}

// argoAWSConfig is the cluster Secret's config (Argo CD declarative setup,
// "EKS": awsAuthConfig makes argocd-k8s-auth get a token for clusterName
// as roleARN; tlsClientConfig.caData is the cluster CA, base64 PEM).
type argoAWSConfig struct {
	AWSAuthConfig struct {
		ClusterName string `json:"clusterName"`
		RoleARN     string `json:"roleARN"`
	} `json:"awsAuthConfig"`
	TLSClientConfig struct {
		CAData string `json:"caData"`
	} `json:"tlsClientConfig"`
}

// argoClusterSecret registers region r's cluster with Argo CD: an
// ExternalSecret templates the cluster Secret from the regional stack's
// entry (endpoint, CA) and names.GitOpsRole, which has an EKS access entry.
// Nothing is secret in it; no token or key is ever stored.
func argoClusterSecret(t *model.Topology, r model.Region) commented {
	var cfg argoAWSConfig
	cfg.AWSAuthConfig.ClusterName = names.EKSCluster(t, r)
	cfg.AWSAuthConfig.RoleARN = names.RoleARN(t, names.GitOpsRole(t, r))
	cfg.TLSClientConfig.CAData = "{{ ." + names.ClusterKeyCAData + " }}"
	b, _ := json.Marshal(cfg) // plain strings: cannot fail
	server := "{{ ." + names.ClusterKeyServer + " }}"
	if r.Cluster.Server != "" {
		server = r.Cluster.Server
	}
	return commented{
		comment: `Registers region ` + r.Name + `'s cluster with Argo CD as "` + r.Cluster.ArgoCDName + `": Terraform
writes the endpoint and CA to Secrets Manager (` + names.ClusterSecret(t, r) + `),
this ExternalSecret turns them into the cluster Secret, and Argo CD
authenticates as ` + names.GitOpsRole(t, r) + ` (an EKS access entry), so no
credential is made by hand.`,
		obj: object{
			APIVersion: "external-secrets.io/v1",
			Kind:       "ExternalSecret",
			Metadata:   meta{Name: ClusterSecretName(t, r), Namespace: t.Delivery.ArgoCDNamespace, Labels: names.RegionLabels(r.Name)},
			Spec: externalSecretSpec{
				RefreshInterval: "1h",
				SecretStoreRef:  storeRef{Name: ClusterStore(t), Kind: "ClusterSecretStore"},
				Target: esTarget{
					Name:           ClusterSecretName(t, r),
					CreationPolicy: "Owner",
					Template: esTemplate{
						EngineVersion: "v2",
						Metadata:      esTemplateMeta{Labels: map[string]string{"argocd.argoproj.io/secret-type": "cluster"}},
						Data: map[string]string{
							"name":   r.Cluster.ArgoCDName,
							"server": server,
							"config": string(b),
						},
					},
				},
				DataFrom: []esDataFrom{{Extract: esExtract{Key: names.ClusterSecret(t, r)}}},
			},
		},
	}
}
