package names

import "github.com/topogen/topogen/model"

// Percona Backup for MongoDB (PBM): the names the Kubernetes, Terraform and
// Prometheus targets share.
const (
	// SecretPBM holds the pbm user's credentials (username, password); the
	// users script creates the user, the pbm-agent sidecars and the pbm
	// Jobs log in with it.
	SecretPBM = "mongodb-pbm"
	// PBMAgentContainer is the pbm-agent sidecar next to every mongod.
	PBMAgentContainer = "pbm-agent"
	// PBMConfigMap holds the PBM configuration files and the Jobs' scripts.
	PBMConfigMap = "mongodb-pbm"
	// PBMConfigJob applies the PBM configuration (pbm config --file).
	PBMConfigJob = "mongodb-pbm-config"
	// PBMRestoreCronJob is the suspended template of a point-in-time
	// restore (kubectl create job --from=cronjob/...).
	PBMRestoreCronJob = "mongodb-pbm-restore"
	// PBMFailoverCronJob is the suspended template that points PBM at the
	// replica bucket when the storage region is lost.
	PBMFailoverCronJob = "mongodb-pbm-storage-failover"
	// PBMStatusCronJob checks pbm status every minute; kube-state-metrics
	// reports its last success.
	PBMStatusCronJob = "mongodb-pbm-status"
	// PBMStatusInit is the status CronJob's init container (pbm status);
	// PBMCheck* are its check containers, one condition each, whose
	// termination reason kube-state-metrics reports to the alerts.
	PBMStatusInit   = "pbm-status"
	PBMCheckPITR    = "check-pitr"
	PBMCheckAgents  = "check-agents"
	PBMCheckBackup  = "check-backup"
	PBMCheckRestore = "check-restore"
	// PBMPrefix is the key prefix of everything PBM writes in a bucket.
	PBMPrefix = "pbm"
)

// BackupKeyAlias is the KMS alias of region r's backup key
// ("alias/<bucket>"), created by the Terraform target.
func BackupKeyAlias(t *model.Topology, r model.Region) string {
	return "alias/" + BackupBucket(t, r)
}

// BackupKeyAliasARN is BackupKeyAlias as an ARN: S3's SSE-KMS key id
// accepts a key id, key ARN or alias ARN.
func BackupKeyAliasARN(t *model.Topology, r model.Region) string {
	return "arn:aws:kms:" + r.CloudRegion + ":" + t.Terraform.AccountID + ":" + BackupKeyAlias(t, r)
}

// BackupReplicaRegion is the region whose bucket receives the replica of
// region r's bucket: the next region in lexical order, wrapping. Equal to
// r with a single region (no replication).
func BackupReplicaRegion(t *model.Topology, r model.Region) model.Region {
	for i, x := range t.Regions {
		if x.Name == r.Name {
			return t.Regions[(i+1)%len(t.Regions)]
		}
	}
	return r
}

// PBMStorageRegion is the region whose bucket PBM writes.
func PBMStorageRegion(t *model.Topology) model.Region {
	r, ok := t.Region(t.Backup.StorageRegion)
	if !ok {
		return t.Preferred()
	}
	return r
}
