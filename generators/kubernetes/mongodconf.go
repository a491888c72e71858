package kubernetes

import (
	"fmt"
	"math"

	"sigs.k8s.io/yaml"

	"github.com/topogen/topogen/model"
)

// Paths inside the mongod container. The cert-manager Secret holds
// tls.crt, tls.key and ca.crt; mongod wants the certificate and its key in
// one PEM file (net.tls.certificateKeyFile), so an init container
// concatenates them into a memory-backed emptyDir.
const (
	confDir     = "/etc/mongodb/config"
	confFile    = confDir + "/mongod.conf"
	tlsDir      = "/etc/mongodb/tls"
	caFile      = tlsDir + "/ca.crt"
	pemDir      = "/etc/mongodb/pem"
	pemFile     = pemDir + "/mongod.pem"
	dataDir     = "/data/db"
	tmpDir      = "/tmp"
	mongodConfK = "mongod.conf"
)

// mongodConf is mongod.conf. Its fields are the only options written, each
// one mongod 7.0/8.0 accepts (mongodb-facts.md §2: an unknown key stops
// mongod with "Unrecognized option"). No setParameter (the seed's names are
// replica-set settings, not parameters), no storage.journal.enabled (removed
// in 6.1), no replication.enableMajorityReadConcern.
type mongodConf struct {
	Net                mongodNet       `json:"net"`
	Replication        mongodRepl      `json:"replication"`
	Security           mongodSecurity  `json:"security"`
	Storage            mongodStorage   `json:"storage"`
	OperationProfiling mongodProfiling `json:"operationProfiling"`
	// Sharding is set in the sharded mode only (sharded.go).
	Sharding *mongodSharding `json:"sharding,omitempty"`
}

// mongodSharding: the member's role in a sharded cluster (MongoDB manual,
// "Configuration File Options": sharding.clusterRole configsvr or
// shardsvr; with it mongod refuses to start without
// replication.replSetName).
type mongodSharding struct {
	ClusterRole string `json:"clusterRole"`
}

type mongodNet struct {
	Port        int  `json:"port"`
	BindIPAll   bool `json:"bindIpAll"`
	Compression struct {
		Compressors string `json:"compressors"`
	} `json:"compression"`
	TLS mongodTLS `json:"tls"`
}

type mongodTLS struct {
	Mode               string `json:"mode"`
	CertificateKeyFile string `json:"certificateKeyFile"`
	CAFile             string `json:"CAFile"`
	// AllowConnectionsWithoutCertificates: with a CAFile mongod otherwise
	// requires every client to present a certificate. Members always
	// present theirs (x509 cluster auth); applications, the exporter and the
	// backup authenticate with SCRAM over TLS and need only the CA.
	AllowConnectionsWithoutCertificates bool `json:"allowConnectionsWithoutCertificates"`
}

type mongodRepl struct {
	ReplSetName string `json:"replSetName"`
	OplogSizeMB int    `json:"oplogSizeMB"`
}

type mongodSecurity struct {
	Authorization string `json:"authorization"`
	// ClusterAuthMode x509: members authenticate each other with the
	// cert-manager certificates they already need for requireTLS, so there
	// is no shared keyFile secret to create, copy to every region and rotate
	// by hand (mongodb-facts.md §2 "Internal (member) authentication"; with
	// authorization and --replSet one of the two is mandatory).
	ClusterAuthMode string `json:"clusterAuthMode"`
}

type mongodStorage struct {
	DBPath     string `json:"dbPath"`
	WiredTiger struct {
		EngineConfig struct {
			CacheSizeGB float64 `json:"cacheSizeGB"`
		} `json:"engineConfig"`
	} `json:"wiredTiger"`
}

type mongodProfiling struct {
	Mode              string `json:"mode"`
	SlowOpThresholdMs int    `json:"slowOpThresholdMs"`
}

const gib = 1 << 30

// CacheSizeGB is the WiredTiger cache for a container memory limit: the
// Percona operator's floor(0.5 × (limit − 1 GiB)), at least 0.25 (mongod's
// minimum), rounded down to 0.01 (mongodb-facts.md §2: mongod may not see the
// cgroup limit, so the cache must be set explicitly and stay below it).
// An error when even the minimum does not fit well below the limit.
func CacheSizeGB(limitBytes int64) (float64, error) {
	c := math.Floor(0.5*float64(limitBytes-gib)) / gib
	c = math.Floor(c*100) / 100
	if c < 0.25 {
		c = 0.25
	}
	// mongod needs memory beyond the cache (connections, aggregation, the
	// OS page cache): refuse limits where the cache would exceed half.
	if c*gib*2 > float64(limitBytes) {
		return 0, fmt.Errorf("memory limit of %d bytes leaves no room beside the minimum WiredTiger cache of 0.25 GB; give each member at least 1Gi", limitBytes)
	}
	return c, nil
}

func buildMongodConf(t *model.Topology, r model.Region) ([]byte, error) {
	c, err := mongodConfFor(t, r)
	if err != nil {
		return nil, err
	}
	return marshalMongodConf(c)
}

func mongodConfFor(t *model.Topology, r model.Region) (mongodConf, error) {
	var c mongodConf
	cache, err := CacheSizeGB(r.Sizing.MemoryLimitBytes)
	if err != nil {
		return c, fmt.Errorf("region %s: sizing.memoryLimit: %w", r.Name, err)
	}
	c.Net.Port = t.MongoDB.Port
	c.Net.BindIPAll = true
	c.Net.Compression.Compressors = "snappy,zstd"
	c.Net.TLS = mongodTLS{
		Mode:                                "requireTLS",
		CertificateKeyFile:                  pemFile,
		CAFile:                              caFile,
		AllowConnectionsWithoutCertificates: true,
	}
	c.Replication = mongodRepl{ReplSetName: t.ReplicaSet.Name, OplogSizeMB: t.MongoDB.OplogSizeMB}
	c.Security = mongodSecurity{Authorization: "enabled", ClusterAuthMode: "x509"}
	c.Storage.DBPath = dataDir
	c.Storage.WiredTiger.EngineConfig.CacheSizeGB = cache
	// Profiler off: mode slowOp writes every slow operation to
	// system.profile too, a capped collection on every member. Slow
	// operations are still logged: mongod writes operations slower than
	// slowOpThresholdMs to its log whatever the profiler's mode (MongoDB
	// manual, "Database Profiler": slowms applies with the profiler off).
	c.OperationProfiling = mongodProfiling{Mode: "off", SlowOpThresholdMs: 100}
	return c, nil
}

func marshalMongodConf(c mongodConf) ([]byte, error) {
	b, err := yaml.Marshal(c)
	if err != nil {
		return nil, err
	}
	return append([]byte("# Generated by topogen; every option is one mongod 7.0/8.0 accepts.\n"), b...), nil
}
