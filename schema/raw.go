package schema

import "github.com/topogen/topogen/model"

// raw* mirror the CUE schema one to one; they are what cue.Value.Decode
// fills before the semantic checks turn them into the model.

type rawTopology struct {
	Name       string               `json:"name"`
	ReplicaSet rawReplicaSet        `json:"replicaSet"`
	MongoDB    rawMongoDB           `json:"mongodb"`
	DNS        rawDNS               `json:"dns"`
	Regions    map[string]rawRegion `json:"regions"`
	SLO        rawSLO               `json:"slo"`
	Backup     rawBackup            `json:"backup"`
	Kubernetes rawKubernetes        `json:"kubernetes"`
	Terraform  rawTerraform         `json:"terraform"`
	Monitoring rawMonitoring        `json:"monitoring"`
	Delivery   rawDelivery          `json:"delivery"`
	Analysis   rawAnalysis          `json:"analysis"`
	Addons     model.Addons         `json:"addons"`
	Sharding   *rawSharding         `json:"sharding"`
}

type rawSizing struct {
	CPU             string `json:"cpu"`
	CPULimit        string `json:"cpuLimit"`
	Memory          string `json:"memory"`
	MemoryLimit     string `json:"memoryLimit"`
	StorageSize     string `json:"storageSize"`
	StorageClass    string `json:"storageClass"`
	InstanceType    string `json:"instanceType"`
	AppInstanceType string `json:"appInstanceType"`
	IOPS            int    `json:"iops"`
	Throughput      int    `json:"throughput"`
	Instance        *struct {
		VCPU      int `json:"vCPU"`
		MemoryGiB int `json:"memoryGiB"`
		MaxPods   int `json:"maxPods"`
	} `json:"instance"`
}

type rawSharding struct {
	LocationField string                   `json:"locationField"`
	Zones         map[string]rawZone       `json:"zones"`
	Collections   map[string]rawCollection `json:"collections"`
	ConfigServers rawSet                   `json:"configServers"`
	Mongos        struct {
		Replicas       int            `json:"replicas"`
		RegionReplicas map[string]int `json:"regionReplicas"`
		Port           int            `json:"port"`
		CPU            string         `json:"cpu"`
		Memory         string         `json:"memory"`
		InstanceType   string         `json:"instanceType"`
	} `json:"mongos"`
}

type rawZone struct {
	Jurisdiction string   `json:"jurisdiction"`
	Default      bool     `json:"default"`
	Regions      []string `json:"regions"`
	Values       []string `json:"values"`
	Ranges       []struct {
		Min string `json:"min"`
		Max string `json:"max"`
	} `json:"ranges"`
	Shard rawSet `json:"shard"`
}

// rawSet is a shard's or the config servers' replica set.
type rawSet struct {
	Name    string         `json:"name"`
	Members map[string]int `json:"members"`
	Voters  map[string]int `json:"voters"`
	Sizing  rawSizing      `json:"sizing"`
}

type rawCollection struct {
	// Key: one {field: 1 | "hashed"} per element, in order.
	Key []map[string]any `json:"key"`
}

type rawReplicaSet struct {
	Name     string `json:"name"`
	Settings struct {
		ElectionTimeoutMillis   int  `json:"electionTimeoutMillis"`
		HeartbeatIntervalMillis int  `json:"heartbeatIntervalMillis"`
		HeartbeatTimeoutSecs    int  `json:"heartbeatTimeoutSecs"`
		CatchUpTimeoutMillis    int  `json:"catchUpTimeoutMillis"`
		ChainingAllowed         bool `json:"chainingAllowed"`
	} `json:"settings"`
}

type rawMongoDB struct {
	Version       string `json:"version"`
	Image         string `json:"image"`
	ImageDigest   string `json:"imageDigest"`
	ExporterImage string `json:"exporterImage"`
	Port          int    `json:"port"`
	OplogSizeMB   int    `json:"oplogSizeMB"`
}

type rawDNS struct {
	Domain           string `json:"domain"`
	PublicZone       string `json:"publicZone"`
	APIRecord        string `json:"apiRecord"`
	HealthCheckPath  string `json:"healthCheckPath"`
	CreatePublicZone bool   `json:"createPublicZone"`
}

type rawRegion struct {
	ID          *int     `json:"id"`
	CloudRegion string   `json:"cloudRegion"`
	CIDR        string   `json:"cidr"`
	Zones       []string `json:"zones"`
	Priority    int      `json:"priority"`
	Members     int      `json:"members"`
	Voters      *int     `json:"voters"`
	// Sizing is nil only in the sharded mode (the replica-set mode
	// requires it).
	Sizing *rawSizing `json:"sizing"`
	Serves struct {
		Continents []string `json:"continents"`
		Countries  []string `json:"countries"`
	} `json:"serves"`
	Jurisdiction string `json:"jurisdiction"`
	Cluster      struct {
		ArgoCDCluster    string `json:"argocdCluster"`
		Server           string `json:"server"`
		KubeConfigSecret string `json:"kubeConfigSecret"`
	} `json:"cluster"`
	Prometheus string `json:"prometheus"`
}

type rawSLO struct {
	Availability float64 `json:"availability"`
	Period       string  `json:"period"`
	RPO          string  `json:"rpo"`
	RTO          string  `json:"rto"`
	Latency      struct {
		LocalRead       string `json:"localRead"`
		CrossRegionRead string `json:"crossRegionRead"`
		PrimaryWrite    string `json:"primaryWrite"`
	} `json:"latency"`
}

type rawBackup struct {
	Every         string `json:"every"`
	Minute        int    `json:"minute"`
	RetentionDays int    `json:"retentionDays"`
	PITR          bool   `json:"pitr"`
	Type          string `json:"type"`
	Compression   string `json:"compression"`
	Image         string `json:"image"`
	StorageRegion string `json:"storageRegion"`
}

type rawKubernetes struct {
	Namespace           string   `json:"namespace"`
	AppNamespace        string   `json:"appNamespace"`
	MonitoringNamespace string   `json:"monitoringNamespace"`
	ClusterDomain       string   `json:"clusterDomain"`
	ClientCIDRs         []string `json:"clientCIDRs"`
	TLSIssuer           struct {
		Name string `json:"name"`
		Kind string `json:"kind"`
	} `json:"tlsIssuer"`
	ExternalSecrets struct {
		Enabled   bool   `json:"enabled"`
		Store     string `json:"store"`
		StoreKind string `json:"storeKind"`
	} `json:"externalSecrets"`
}

type rawDelivery struct {
	RepoURL         string `json:"repoURL"`
	Revision        string `json:"revision"`
	Path            string `json:"path"`
	ArgoCDNamespace string `json:"argocdNamespace"`
	GitSecret       string `json:"gitSecret"`
	Management      *struct {
		EKSCluster string `json:"eksCluster"`
		Region     string `json:"region"`
		Engine     string `json:"engine"`
	} `json:"management"`
}

type rawTerraform struct {
	AccountID  string `json:"accountId"`
	EKSVersion string `json:"eksVersion"`
	State      struct {
		Bucket string `json:"bucket"`
		Key    string `json:"key"`
		Region string `json:"region"`
	} `json:"state"`
	BackupBucketPrefix   string `json:"backupBucketPrefix"`
	FlowLogRetentionDays int    `json:"flowLogRetentionDays"`
	SecretsRegion        string `json:"secretsRegion"`
	EKS                  struct {
		AdminPrincipals   []string          `json:"adminPrincipals"`
		GitOpsPrincipal   string            `json:"gitopsPrincipal"`
		PublicAccessCIDRs []string          `json:"publicAccessCIDRs"`
		LogRetentionDays  int               `json:"logRetentionDays"`
		AddonVersions     map[string]string `json:"addonVersions"`
	} `json:"eks"`
	AlarmSubscriptions []model.AlarmSubscription `json:"alarmSubscriptions"`
}

type rawMonitoring struct {
	RunbookBaseURL string            `json:"runbookBaseURL"`
	Alertmanagers  []string          `json:"alertmanagers"`
	ScrapeInterval string            `json:"scrapeInterval"`
	SelectorLabels map[string]string `json:"selectorLabels"`
}

type rawAnalysis struct {
	RTTMillis   map[string]map[string]float64 `json:"rttMillis"`
	Accept      map[string]rawReason          `json:"accept"`
	Acknowledge map[string]rawReason          `json:"acknowledge"`
}

type rawReason struct {
	Reason string `json:"reason"`
}
