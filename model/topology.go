package model

import (
	"net/netip"
	"time"

	"github.com/topogen/topogen/sizing"
)

// Topology is the resolved, validated model every generator reads. It holds no
// CUE values: generators import this package for its types only.
type Topology struct {
	Name       string
	ReplicaSet ReplicaSet
	MongoDB    MongoDB
	DNS        DNS
	// Regions in lexical order of their names, the order every per-region
	// list in the output follows so that adding a region is a local diff.
	Regions []Region
	// Members in _id order.
	Members    []Member
	SLO        SLO
	Backup     Backup
	Kubernetes Kubernetes
	Terraform  Terraform
	Monitoring Monitoring
	Delivery   Delivery
	Analysis   Analysis
	// Addons pins the cluster add-ons' charts.
	Addons Addons
	// Patches are the user's kustomize patches (patches/<region|all>/*.yaml
	// beside the topology), applied by the Kubernetes target.
	Patches []Patch `json:",omitempty"`
	// Sharding is the zone-sharded cluster mode (sharding.go); nil: one
	// replica set.
	Sharding *Sharding `json:",omitempty"`

	// PosOf returns the source position of a topology field, e.g.
	// PosOf("slo", "latency", "primaryWrite"), for diagnostics raised after
	// loading (SLO feasibility, change impact). Nil for a topology decoded
	// from out/topology.json.
	PosOf func(path ...string) Pos `json:"-"`
}

// ReplicaSet is the replica set's name and settings.
type ReplicaSet struct {
	Name     string
	Settings ReplicaSetSettings
	// MultiRegionAckRegions is how many distinct regions the "multiRegion"
	// write-concern mode requires (getLastErrorModes); 0 when the topology has
	// one region and the mode is not emitted.
	MultiRegionAckRegions int
}

// ReplicaSetSettings are the rs.initiate() settings keys (mongodb-facts.md §1.2).
type ReplicaSetSettings struct {
	ElectionTimeoutMillis   int
	HeartbeatIntervalMillis int
	HeartbeatTimeoutSecs    int
	CatchUpTimeoutMillis    int
	ChainingAllowed         bool
}

// MongoDB selects images and server options.
type MongoDB struct {
	Version       string
	Image         string
	ExporterImage string
	Port          int
	OplogSizeMB   int
}

// DNS names the zones.
type DNS struct {
	Domain          string
	PublicZone      string
	APIRecord       string
	HealthCheckPath string
	// CreatePublicZone: the global stack creates PublicZone (and outputs
	// its name servers to delegate to); false uses the existing zone of
	// that name.
	CreatePublicZone bool
}

// Region is one cloud region holding part of the replica set.
type Region struct {
	Name string
	// ID numbers the region's members: member _id = 100*ID + ordinal. Stable
	// when other regions are added or reordered (mongod rejects a reconfig
	// that gives a host a new _id, mongodb-facts.md §1.8).
	ID          int
	CloudRegion string
	CIDR        netip.Prefix
	Zones       []string
	// Priority is the region's primary preference (0: never primary).
	Priority int
	Members  int
	// Voters is how many of the region's members vote.
	Voters int
	// Sizing of each member.
	Sizing Sizing
	// Continents and Countries routed here by geolocation DNS, sorted.
	Continents   []string
	Countries    []string
	Jurisdiction string
	Cluster      Cluster
	// Prometheus is host:port of the regional Prometheus.
	Prometheus string
	// DNSZone is the private hosted zone holding this region's member hosts,
	// "<region>.<domain>".
	DNSZone string
	// Subnets: one private and one public subnet per zone, carved from CIDR
	// (see subnets.go for the scheme).
	Subnets []Subnet
}

// Sizing of a member; quantities in Kubernetes notation.
type Sizing struct {
	// CPU and Memory are mongod's requests and its limits (Guaranteed
	// QoS); CPULimit and MemoryLimit are what the topology wrote, equal to
	// them when set (checked).
	CPU              string
	CPULimit         string
	Memory           string
	MemoryLimit      string
	MemoryLimitBytes int64
	StorageSize      string
	StorageClass     string
	InstanceType     string
	AppInstanceType  string
	// Instance is the topology's declaration of an instance type
	// topogen's table lacks (sizing.instance); zero: the table's entry.
	Instance sizing.InstanceType `json:",omitzero"`
	// IOPS and Throughput (MiB/s) provisioned on each gp3 data volume.
	IOPS       int
	Throughput int
}

// Cluster names a region's Kubernetes cluster for GitOps tools.
type Cluster struct {
	ArgoCDName       string
	Server           string // empty: use ArgoCDName
	KubeConfigSecret string
}

// SubnetTier tells private from public subnets.
type SubnetTier string

const (
	Private SubnetTier = "private"
	Public  SubnetTier = "public"
)

// Subnet is one subnet of a region's VPC.
type Subnet struct {
	Zone string
	Tier SubnetTier
	CIDR netip.Prefix
}

// Member is one replica-set member (mongodb-facts.md §1.1).
type Member struct {
	ID      int
	Region  string
	Ordinal int
	// Pod is the StatefulSet pod name, "<replica set>-<region>-<ordinal>".
	Pod string
	// Host is "<pod>.<region>.<domain>": a name every region's cluster
	// resolves through the private hosted zones, never svc.cluster.local.
	Host string
	Port int
	// Zone is the availability zone the member is spread to (ordinal modulo
	// the region's zones).
	Zone     string
	Votes    int
	Priority int
}

// HostPort is the member's "host:port" as written in the replica-set config.
func (m Member) HostPort() string { return m.Host + ":" + itoa(m.Port) }

// SLO holds the objectives.
type SLO struct {
	// Availability in percent, e.g. 99.999.
	Availability    float64
	Period          time.Duration
	RPO             time.Duration
	RTO             time.Duration
	LocalRead       time.Duration
	CrossRegionRead time.Duration
	PrimaryWrite    time.Duration
}

// Backup schedule and retention.
type Backup struct {
	Every         time.Duration
	Minute        int
	RetentionDays int
	// Schedule is the cron expression derived from Every and Minute.
	Schedule string
	// PITR: continuous oplog capture by PBM.
	PITR bool
	// Type of the base backups: "logical" or "physical".
	Type string
	// Compression of base backups and oplog chunks.
	Compression string
	// Image of the pbm-agent sidecar and the pbm Jobs.
	Image string
	// StorageRegion is the region whose bucket PBM writes (the preferred
	// region unless set).
	StorageRegion string
}

// Kubernetes settings shared by every region.
type Kubernetes struct {
	Namespace           string
	AppNamespace        string
	MonitoringNamespace string
	// ClusterDomain is the clusters' DNS domain (kubelet clusterDomain),
	// the suffix of in-cluster Service names (names.ServiceHost) and the
	// zone of the regions' CoreDNS; schema accepts only EKS's.
	ClusterDomain string
	// ClientCIDRs are the blocks outside the VPCs allowed to reach the
	// members' load balancers.
	ClientCIDRs     []netip.Prefix
	TLSIssuerName   string
	TLSIssuerKind   string
	ExternalSecrets ExternalSecrets
}

// ExternalSecrets names the secret store every region's tree reads
// (Enabled is always true).
type ExternalSecrets struct {
	Enabled   bool
	Store     string
	StoreKind string
}

// Terraform settings.
type Terraform struct {
	AccountID          string
	EKSVersion         string
	StateBucket        string
	StateKey           string
	StateRegion        string
	BackupBucketPrefix string
	// FlowLogRetentionDays of every VPC's flow logs.
	FlowLogRetentionDays int
	// SecretsRegion holds the primaries of the shared Secrets Manager
	// secrets (resolved: the preferred region unless set).
	SecretsRegion string
	EKS           EKS
	// AlarmSubscriptions of the alert topic.
	AlarmSubscriptions []AlarmSubscription `json:",omitempty"`
}

// AlarmSubscription is one SNS subscription to the alert topic.
type AlarmSubscription struct {
	Protocol string `json:"protocol"`
	Endpoint string `json:"endpoint"`
}

// EKS is how every region's cluster is reached (generators/terraform).
type EKS struct {
	// AdminPrincipals and GitOpsPrincipal (empty: none) get cluster-admin
	// access entries.
	AdminPrincipals []string
	GitOpsPrincipal string `json:",omitempty"`
	// PublicAccessCIDRs: empty, the API endpoint is private only.
	PublicAccessCIDRs []string `json:",omitempty"`
	LogRetentionDays  int
	// AddonVersions pins EKS managed add-ons by name; absent: EKS's default.
	AddonVersions map[string]string `json:",omitempty"`
}

// Monitoring settings.
type Monitoring struct {
	RunbookBaseURL string
	Alertmanagers  []string
	ScrapeInterval time.Duration
	// SelectorLabels go on every region's ServiceMonitor and PrometheusRule.
	SelectorLabels map[string]string `json:",omitempty"`
}

// Delivery settings for Argo CD and Flux.
type Delivery struct {
	RepoURL         string
	Revision        string
	Path            string
	ArgoCDNamespace string
	// GitSecret is the Flux GitRepository's credentials Secret; empty for
	// a public repository.
	GitSecret string `json:",omitempty"`
	// Management is the EKS cluster running Argo CD or Flux whose
	// controllers' identities topogen provisions; nil: they run as
	// terraform.eks.gitopsPrincipal (any cluster, EKS or not).
	Management *Management `json:",omitempty"`
}

// Management is the management cluster: an EKS cluster of the account.
type Management struct {
	// EKSCluster is its name, Region its AWS region.
	EKSCluster string
	Region     string
	// Engine is "argocd" or "flux": whose controllers get the identity.
	Engine string
}

// Management engines.
const (
	EngineArgoCD = "argocd"
	EngineFlux   = "flux"
)

// Analysis inputs.
type Analysis struct {
	// RTTMillis overrides, by cloud region pair (both directions filled).
	RTTMillis map[string]map[string]float64
	// Accept maps an SLO name to the reason it is knowingly not met.
	Accept map[string]string
	// Acknowledge maps a region name to the reason a destructive change to
	// it is intended.
	Acknowledge map[string]string
}
