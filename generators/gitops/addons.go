package gitops

import (
	"slices"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// Addon is one cluster add-on every regional cluster runs before its
// MongoDB tree: a pinned Helm chart installed as release Key in Namespace
// with per-region values. The Argo CD and Flux flavours render the same
// list, so the two cannot install different things.
type Addon struct {
	// Key names the add-on: the Helm release, and the suffix of its
	// Application / HelmRelease name.
	Key       string
	Chart     model.Chart
	Namespace string
	// After names the add-on whose CRDs this one's objects use (Flux
	// dependsOn; Argo CD retries until they exist).
	After string
	// Values are the chart's values for region r.
	Values func(t *model.Topology, r model.Region) map[string]any
}

// Add-on keys.
const (
	AddonPrometheusCRDs  = "prometheus-operator-crds"
	AddonCertManager     = "cert-manager"
	AddonExternalSecrets = "external-secrets"
	AddonLBController    = "aws-load-balancer-controller"
	AddonExternalDNS     = "external-dns"
	AddonKubePrometheus  = "kube-prometheus-stack"
)

// irsaAnnotation binds a ServiceAccount to an IAM role (IRSA: the EKS Pod
// Identity webhook reads eks.amazonaws.com/role-arn).
func irsaAnnotation(t *model.Topology, role string) map[string]any {
	return map[string]any{"eks.amazonaws.com/role-arn": names.RoleARN(t, role)}
}

func serviceAccount(t *model.Topology, name, role string) map[string]any {
	return map[string]any{"create": true, "name": name, "annotations": irsaAnnotation(t, role)}
}

// Addons lists the add-ons of the topology in install order.
func Addons(t *model.Topology) []Addon {
	a := t.Addons
	out := []Addon{
		{
			Key: AddonPrometheusCRDs, Chart: a.PrometheusOperatorCRDs, Namespace: t.Kubernetes.MonitoringNamespace,
			// Only the monitoring.coreos.com CRDs: the tree's
			// ServiceMonitor and PrometheusRule need nothing else.
			Values: func(*model.Topology, model.Region) map[string]any { return map[string]any{} },
		},
		{
			Key: AddonCertManager, Chart: a.CertManager, Namespace: names.CertManagerNamespace,
			Values: func(*model.Topology, model.Region) map[string]any {
				// crds.enabled installs the CRDs with the chart; crds.keep
				// keeps them (and so every Certificate) if the release is
				// removed (cert-manager chart values, v1.15+).
				return map[string]any{"crds": map[string]any{"enabled": true, "keep": true}}
			},
		},
		{
			Key: AddonExternalSecrets, Chart: a.ExternalSecrets, Namespace: names.ExternalSecretsNamespace,
			Values: func(t *model.Topology, r model.Region) map[string]any {
				return map[string]any{
					"installCRDs":    true,
					"serviceAccount": serviceAccount(t, names.ExternalSecretsServiceAccount, names.ExternalSecretsRole(t, r)),
				}
			},
		},
		{
			Key: AddonLBController, Chart: a.AWSLoadBalancerController, Namespace: names.LBControllerNamespace,
			Values: func(t *model.Topology, r model.Region) map[string]any {
				return map[string]any{
					"clusterName": names.EKSCluster(t, r),
					"region":      r.CloudRegion,
					// The nodes' launch template requires IMDSv2 with a hop
					// limit of 1, so pods cannot ask the metadata service
					// for the VPC: the controller looks it up by tag
					// (chart values vpcTags, v3.5.0).
					"vpcTags":        map[string]any{"Name": names.VPC(t, r)},
					"replicaCount":   2,
					"serviceAccount": serviceAccount(t, names.LBControllerServiceAccount, names.LBControllerRole(t, r)),
				}
			},
		},
		{
			Key: AddonExternalDNS, Chart: a.ExternalDNS, Namespace: names.ExternalDNSNamespace,
			Values: func(t *model.Topology, r model.Region) map[string]any {
				return map[string]any{
					"provider": map[string]any{"name": "aws"},
					"env":      []any{map[string]any{"name": "AWS_DEFAULT_REGION", "value": r.CloudRegion}},
					// Only the region's private zone and its own public api
					// record: a filter naming a record inside a zone also
					// selects the zone (external-dns v0.21.0
					// provider/aws/aws.go, domainFilter.MatchParent), and
					// records outside the filters are never written. The IAM
					// role grants no more than that.
					"domainFilters": []any{r.DNSZone, names.PublicAPIRecord(t, r)},
					"sources":       []any{"service"},
					// sync deletes the records it created once their Service
					// is gone; the TXT registry, owned per region, keeps it
					// from touching another region's or anyone else's.
					"policy":         "sync",
					"registry":       "txt",
					"txtOwnerId":     model.RegionalName(t.Name, r.Name),
					"serviceAccount": serviceAccount(t, names.ExternalDNSServiceAccount, names.ExternalDNSRole(t, r)),
				}
			},
		},
	}
	if a.KubePrometheusStack.Enabled {
		out = append(out, Addon{
			Key: AddonKubePrometheus, Chart: a.KubePrometheusStack, Namespace: t.Kubernetes.MonitoringNamespace,
			After: AddonPrometheusCRDs,
			Values: func(t *model.Topology, r model.Region) map[string]any {
				sel := map[string]any{}
				for k, v := range t.Monitoring.SelectorLabels {
					sel[k] = v
				}
				// The regional Prometheus selects exactly the tree's
				// ServiceMonitor and PrometheusRule labels
				// (monitoring.selectorLabels); the CRDs come from the
				// prometheus-operator-crds release.
				return map[string]any{
					"crds": map[string]any{"enabled": false},
					"prometheus": map[string]any{"prometheusSpec": map[string]any{
						"serviceMonitorSelectorNilUsesHelmValues": false,
						"ruleSelectorNilUsesHelmValues":           false,
						"serviceMonitorSelector":                  map[string]any{"matchLabels": sel},
						"ruleSelector":                            map[string]any{"matchLabels": sel},
						"externalLabels":                          map[string]any{names.SeriesRegionLabel: r.Name},
					}},
				}
			},
		})
	}
	return out
}

// AddonName is the Argo CD Application and the Flux HelmRelease installing
// add-on key in region r: "<topology>-<region>-<key>".
func AddonName(t *model.Topology, r model.Region, key string) string {
	return AppName(t, r.Name) + "-" + key
}

// AddonNamespaces are the namespaces the add-ons install into, sorted.
func AddonNamespaces(t *model.Topology) []string {
	seen := map[string]bool{}
	var ns []string
	for _, a := range Addons(t) {
		if !seen[a.Namespace] {
			seen[a.Namespace] = true
			ns = append(ns, a.Namespace)
		}
	}
	slices.Sort(ns)
	return ns
}
