package gitops

import (
	"strings"

	"github.com/topogen/topogen/analysis"
	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

const argoAPIVersion = "argoproj.io/v1alpha1"

type appProjectSpec struct {
	Description              string        `json:"description"`
	SourceRepos              []string      `json:"sourceRepos"`
	Destinations             []destination `json:"destinations"`
	ClusterResourceWhitelist []groupKind   `json:"clusterResourceWhitelist"`
}

type destination struct {
	Name      string `json:"name,omitempty"`
	Server    string `json:"server,omitempty"`
	Namespace string `json:"namespace,omitempty"`
}

type groupKind struct {
	Group string `json:"group"`
	Kind  string `json:"kind"`
}

type applicationSetSpec struct {
	GoTemplate        bool                `json:"goTemplate"`
	GoTemplateOptions []string            `json:"goTemplateOptions"`
	Generators        []appSetGenerator   `json:"generators"`
	Strategy          appSetStrategy      `json:"strategy"`
	SyncPolicy        appSetSyncPolicy    `json:"syncPolicy"`
	Template          applicationTemplate `json:"template"`
}

// appSetStrategy is the ApplicationSet's progressive sync strategy
// (applicationset-crd.yaml at v3.5.1: spec.strategy.type,
// rollingSync.steps[].matchExpressions[] {key, operator, values},
// maxUpdate int-or-string).
type appSetStrategy struct {
	Type        string      `json:"type"`
	RollingSync rollingSync `json:"rollingSync"`
}

type rollingSync struct {
	Steps []RollingSyncStep `json:"steps"`
}

// RollingSyncStep is one step of the RollingSync strategy: the Applications
// whose labels match, at most MaxUpdate of them syncing at once.
type RollingSyncStep struct {
	MatchExpressions []MatchExpression `json:"matchExpressions"`
	MaxUpdate        int               `json:"maxUpdate"`
}

// MatchExpression selects Applications by label.
type MatchExpression struct {
	Key      string   `json:"key"`
	Operator string   `json:"operator"`
	Values   []string `json:"values"`
}

type appSetGenerator struct {
	List listGenerator `json:"list"`
}

type listGenerator struct {
	Elements []ListElement `json:"elements"`
}

// ListElement is one region in the ApplicationSet's list generator; its
// json keys are the template's parameters.
type ListElement struct {
	Region string `json:"region"`
	// Cluster is the region's Argo CD cluster name.
	Cluster string `json:"cluster"`
	// Server is the API server URL, empty when Argo CD finds the cluster by
	// name; the template sets exactly one of destination name and server,
	// as Argo CD rejects a destination with both.
	Server string `json:"server"`
	// Path of the region's tree in the repository.
	Path string `json:"path"`
}

type appSetSyncPolicy struct {
	PreserveResourcesOnDeletion bool `json:"preserveResourcesOnDeletion"`
}

type applicationTemplate struct {
	Metadata meta            `json:"metadata"`
	Spec     applicationSpec `json:"spec"`
}

type applicationSpec struct {
	Project           string             `json:"project"`
	Source            appSource          `json:"source"`
	Destination       destination        `json:"destination"`
	SyncPolicy        appSyncPolicy      `json:"syncPolicy"`
	IgnoreDifferences []ignoreDifference `json:"ignoreDifferences"`
}

type appSource struct {
	RepoURL        string `json:"repoURL"`
	TargetRevision string `json:"targetRevision"`
	Path           string `json:"path"`
}

type appSyncPolicy struct {
	Automated   automated `json:"automated"`
	SyncOptions []string  `json:"syncOptions"`
	Retry       retry     `json:"retry"`
}

type automated struct {
	Prune    bool `json:"prune"`
	SelfHeal bool `json:"selfHeal"`
}

type retry struct {
	Limit   int     `json:"limit"`
	Backoff backoff `json:"backoff"`
}

type backoff struct {
	Duration    string `json:"duration"`
	Factor      int    `json:"factor"`
	MaxDuration string `json:"maxDuration"`
}

type ignoreDifference struct {
	Group             string   `json:"group"`
	Kind              string   `json:"kind"`
	JQPathExpressions []string `json:"jqPathExpressions"`
}

// Template expressions of the ApplicationSet (goTemplate: true). A region
// whose element has a server URL gets destination.server; one without gets
// destination.name.
const (
	tmplPath       = "{{ .path }}"
	tmplRegion     = "{{ .region }}"
	tmplDestName   = `{{ if eq .server "" }}{{ .cluster }}{{ end }}`
	tmplDestServer = "{{ .server }}"
)

func argoObjects(t *model.Topology) []commented {
	return append([]commented{appProject(t), applicationSet(t)}, argoAddonObjects(t)...)
}

// ClusterDestination is region r's cluster as an Argo CD destination: by
// server URL when the topology gives one, else by cluster name.
func ClusterDestination(r model.Region) destination {
	if r.Cluster.Server != "" {
		return destination{Server: r.Cluster.Server}
	}
	return destination{Name: r.Cluster.ArgoCDName}
}

func appProject(t *model.Topology) commented {
	var dests []destination
	for _, r := range t.Regions {
		for _, ns := range Namespaces(t) {
			d := ClusterDestination(r)
			d.Namespace = ns
			dests = append(dests, d)
		}
	}
	return commented{
		comment: `The project confines what the ApplicationSet's Applications may do: read
this repository only, deploy only to the regions' clusters and namespaces,
and create no cluster-scoped object but the region's Namespace, its
StorageClass, ClusterSecretStore and CA ClusterIssuer. A hand-edited
Application pointing elsewhere fails instead of syncing.`,
		obj: object{
			APIVersion: argoAPIVersion,
			Kind:       "AppProject",
			Metadata:   meta{Name: t.Name, Namespace: t.Delivery.ArgoCDNamespace},
			Spec: appProjectSpec{
				Description:              clusterDescription(t),
				SourceRepos:              []string{t.Delivery.RepoURL},
				Destinations:             dests,
				ClusterResourceWhitelist: ClusterKinds(t),
			},
		},
	}
}

// Elements are the list generator's elements, one per region in the
// model's region order.
func Elements(t *model.Topology) []ListElement {
	var els []ListElement
	for _, r := range t.Regions {
		els = append(els, ListElement{
			Region:  r.Name,
			Cluster: r.Cluster.ArgoCDName,
			Server:  r.Cluster.Server,
			Path:    RegionPath(t, r),
		})
	}
	return els
}

// RollingSyncSteps are the ApplicationSet's steps: one per region, in the
// rollout order analysis derives (analysis.RolloutRegions), each matching
// that region's Application by its region label, one Application at a time.
func RollingSyncSteps(t *model.Topology) []RollingSyncStep {
	var steps []RollingSyncStep
	for _, r := range analysis.RolloutRegions(t) {
		steps = append(steps, RollingSyncStep{
			MatchExpressions: []MatchExpression{{Key: names.RegionLabel, Operator: "In", Values: []string{r.Name}}},
			MaxUpdate:        1,
		})
	}
	return steps
}

func applicationSet(t *model.Topology) commented {
	var order []string
	for _, r := range analysis.RolloutRegions(t) {
		order = append(order, r.Name)
	}
	return commented{
		comment: `One Application per region: the list generator has one element per region,
each pointing at that region's tree and cluster.

strategy RollingSync: a change reaches the regions one at a time, in the
order topogen derives and proves quorum-safe (topogen explain, "Rollout"):
` + strings.Join(order, " → ") + `. Regions without the primary go first, lowest priority
first; the preferred primary's region goes last. Each step waits until its
Application is Healthy: its StatefulSet has rolled out (every pod updated
and ready; a member is ready only as PRIMARY or SECONDARY) before the next
region starts, so at most one member of the whole set restarts at a time.
Progressive syncs must be enabled on the ApplicationSet controller
(argocd-cmd-params-cm: applicationsetcontroller.enable.progressive.syncs:
"true", see the README); without it the strategy is ignored and every
region syncs at once. With it, the controller disables the Applications'
automated sync and starts each step's sync itself, with the template's
prune, retry and sync options; drift (what selfHeal would repair) makes an
Application OutOfSync, and the controller syncs it again in step order.

Ordering inside a region comes from argocd.argoproj.io/sync-wave annotations
the Kubernetes target puts on the objects of the tree:
  -2  Namespace
  -1  ConfigMaps, Secrets / ExternalSecrets, cert-manager Certificate,
      ServiceAccount: what the pods mount
   0  StatefulSet (the members), Services, PodDisruptionBudget,
      NetworkPolicies
   1  backup CronJob, ServiceMonitor, PrometheusRule
and the replica-set init Job is a PostSync hook: it runs once every wave is
synced and healthy, and fails, to be retried, until the other regions'
members answer rs.initiate()'s quorum check.

preserveResourcesOnDeletion: removing a region from the topology (or this
ApplicationSet) deletes its Application but leaves the StatefulSet, volumes
and Namespace running; deleting a region's data is a deliberate step, never
a side effect of a merge. Inside a region, prune removes objects the tree
no longer has, last (PruneLast).

ServerSideApply: the StatefulSet and CRD objects are large and other
controllers own some of their fields; CreateNamespace=false because the tree
carries its own Namespace object (wave -2). RespectIgnoreDifferences keeps
syncs from fighting the controllers over the ignored fields:
volumeClaimTemplates gain apiVersion, kind and status from the API server
(argoproj/argo-cd#11143), and the AWS Load Balancer Controller's webhook
sets loadBalancerClass on LoadBalancer Services.`,
		obj: object{
			APIVersion: argoAPIVersion,
			Kind:       "ApplicationSet",
			Metadata:   meta{Name: t.Name, Namespace: t.Delivery.ArgoCDNamespace},
			Spec: applicationSetSpec{
				GoTemplate:        true,
				GoTemplateOptions: []string{"missingkey=error"},
				Generators:        []appSetGenerator{{List: listGenerator{Elements: Elements(t)}}},
				Strategy:          appSetStrategy{Type: "RollingSync", RollingSync: rollingSync{Steps: RollingSyncSteps(t)}},
				SyncPolicy:        appSetSyncPolicy{PreserveResourcesOnDeletion: true},
				Template: applicationTemplate{
					Metadata: meta{
						Name:   AppName(t, tmplRegion),
						Labels: names.RegionLabels(tmplRegion),
					},
					Spec: applicationSpec{
						Project: t.Name,
						Source: appSource{
							RepoURL:        t.Delivery.RepoURL,
							TargetRevision: t.Delivery.Revision,
							Path:           tmplPath,
						},
						Destination: destination{
							Name:      tmplDestName,
							Server:    tmplDestServer,
							Namespace: t.Kubernetes.Namespace,
						},
						SyncPolicy: appSyncPolicy{
							Automated: automated{Prune: true, SelfHeal: true},
							SyncOptions: []string{
								"CreateNamespace=false",
								"PruneLast=true",
								"RespectIgnoreDifferences=true",
								"ServerSideApply=true",
							},
							// Unlimited (limit < 0): the first sync fails until the
							// region's add-ons have installed their CRDs.
							Retry: retry{Limit: -1, Backoff: backoff{Duration: "10s", Factor: 2, MaxDuration: "5m"}},
						},
						IgnoreDifferences: []ignoreDifference{
							{Group: "apps", Kind: "StatefulSet", JQPathExpressions: []string{
								".spec.volumeClaimTemplates[]?.apiVersion",
								".spec.volumeClaimTemplates[]?.kind",
								".spec.volumeClaimTemplates[]?.status",
							}},
							{Group: "", Kind: "Service", JQPathExpressions: []string{
								".spec.loadBalancerClass",
							}},
						},
					},
				},
			},
		},
	}
}
