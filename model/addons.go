package model

// Addons pins the Helm charts of the cluster add-ons every regional cluster
// runs before its MongoDB tree (schema/topology.cue #Addons).
type Addons struct {
	AWSLoadBalancerController Chart `json:"awsLoadBalancerController"`
	ExternalDNS               Chart `json:"externalDNS"`
	CertManager               Chart `json:"certManager"`
	ExternalSecrets           Chart `json:"externalSecrets"`
	PrometheusOperatorCRDs    Chart `json:"prometheusOperatorCRDs"`
	KubePrometheusStack       Chart `json:"kubePrometheusStack"`
}

// Chart is one pinned Helm chart. Enabled is meaningful only for optional
// add-ons (kube-prometheus-stack); the others are always installed.
type Chart struct {
	RepoURL string `json:"repoURL"`
	Chart   string `json:"chart"`
	Version string `json:"version"`
	Enabled bool   `json:"enabled,omitempty"`
}
