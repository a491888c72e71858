// Package names holds the names several targets must agree on: Kubernetes
// object names the GitOps and Prometheus targets refer to, the IAM roles the
// Terraform target creates and the manifests annotate, bucket names, ports.
// One place, so a rename cannot break the link between two targets.
package names

import (
	"strings"

	"github.com/topogen/topogen/model"
)

const (
	// ExporterPort is the Percona mongodb_exporter's metrics port.
	ExporterPort = 9216
	// ExporterService is the Service in front of the exporter sidecars; the
	// ServiceMonitor keeps it as the job label, so series carry
	// job="mongodb-exporter".
	ExporterService = "mongodb-exporter"
	// ExporterJob is the job label of the exporter's series.
	ExporterJob = ExporterService
	// BackupServiceAccount is the identity (IRSA) of the pbm-agent sidecars
	// and the pbm Jobs.
	BackupServiceAccount = "mongodb-backup"
	// BackupCronJob runs the scheduled PBM base backups (pbm backup) and
	// retention (pbm cleanup), in the preferred region only.
	BackupCronJob = "mongodb-backup"
	// InitJob initiates the replica set in the preferred region.
	InitJob = "mongodb-init-replset"
	// ExternalDNSServiceAccount and ExternalDNSNamespace: the external-dns
	// deployment (installed by the platform) whose IAM role may write the
	// region's private zone.
	ExternalDNSServiceAccount = "external-dns"
	ExternalDNSNamespace      = "external-dns"
	// RegionLabel is the label carrying the topology's region name on every
	// Kubernetes object.
	RegionLabel = "topogen.io/region"
	// SeriesRegionLabel is the label carrying the region name on every
	// MongoDB series: added by the ServiceMonitor's relabeling in the region
	// and by the global Prometheus's federation job.
	SeriesRegionLabel = "region"
	// FederationJobPrefix: the global Prometheus's job for region r is
	// FederationJobPrefix + r.
	FederationJobPrefix = "federate-"
)

// RegionLabels mark every object of region's tree, and the Argo CD
// Application or Flux Kustomization that deploys it.
func RegionLabels(region string) map[string]string {
	return map[string]string{RegionLabel: region}
}

// StatefulSet is the region's MongoDB StatefulSet: "<replica set>-<region>".
func StatefulSet(t *model.Topology, r model.Region) string {
	return model.StatefulSetName(t.ReplicaSet.Name, r.Name)
}

// HeadlessService governs the StatefulSet.
func HeadlessService(t *model.Topology, r model.Region) string {
	return StatefulSet(t, r) + "-headless"
}

// ServiceHost is the in-cluster name of a Service of the topology's
// namespace, "<service>.<namespace>.svc.<clusterDomain>" (Kubernetes DNS
// for Services, A/AAAA records); a StatefulSet pod's own record is
// "<pod>." + ServiceHost(<its governing Service>). The certificates, the
// connection strings and the regions' CoreDNS rewrite all use it.
func ServiceHost(t *model.Topology, service string) string {
	return service + "." + t.Kubernetes.Namespace + ".svc." + t.Kubernetes.ClusterDomain
}

// BackupBucket is the region's S3 backup bucket (globally unique names, so
// the topology name is part of it).
func BackupBucket(t *model.Topology, r model.Region) string {
	return t.Terraform.BackupBucketPrefix + "-" + model.RegionalName(t.Name, r.Name)
}

// BackupRole is the IAM role the backup ServiceAccount assumes.
func BackupRole(t *model.Topology, r model.Region) string {
	return model.RegionalName(t.Name, r.Name) + "-mongodb-backup"
}

// BackupRoleARN is BackupRole's ARN, annotated on the ServiceAccount.
func BackupRoleARN(t *model.Topology, r model.Region) string {
	return "arn:aws:iam::" + t.Terraform.AccountID + ":role/" + BackupRole(t, r)
}

// ExternalDNSRole is the IAM role external-dns assumes to write the region's
// private zone.
func ExternalDNSRole(t *model.Topology, r model.Region) string {
	return model.RegionalName(t.Name, r.Name) + "-external-dns"
}

// EKSCluster is the region's EKS cluster name.
func EKSCluster(t *model.Topology, r model.Region) string {
	return model.RegionalName(t.Name, r.Name)
}

// FederationJob is the global Prometheus's scrape job for region r.
func FederationJob(r model.Region) string { return FederationJobPrefix + r.Name }

// ObjectFile is the file one Kubernetes object is written to in every
// generated tree: "<kind>-<name>.yaml" in lower case, e.g.
// "statefulset-global-rs-us.yaml".
func ObjectFile(kind, name string) string {
	return strings.ToLower(kind) + "-" + name + ".yaml"
}

// KubernetesDir is the region's tree under the output directory.
func KubernetesDir(r model.Region) string { return KubernetesRoot + "/" + r.Name }

// KubernetesRoot holds every region's tree under the output directory.
const KubernetesRoot = "kubernetes"

// The member Certificate's lifetime (cert-manager Certificate spec.duration
// and spec.renewBefore, Go duration syntax as cert-manager parses them).
// The certificate-expiry alerts derive their thresholds from them.
const (
	CertificateDuration    = "2160h" // 90 days
	CertificateRenewBefore = "720h"  // 30 days
)

// DataVolume is the StatefulSet's volumeClaimTemplate; its PVCs are
// "<DataVolume>-<StatefulSet>-<ordinal>" (the disk alerts select them).
const DataVolume = "data"

// Alertmanager: the Secret holding the receivers' credentials (never in
// out/), in the namespace of the Alertmanager (plain alertmanager.yml: listed
// in the Alertmanager CR's spec.secrets, which prometheus-operator mounts at
// /etc/alertmanager/secrets/<name>/) or of the AlertmanagerConfig.
const (
	AlertmanagerSecret = "alertmanager-mongodb"
	// AlertmanagerOpsgenieKey holds the Opsgenie API integration key the
	// page/ticket receivers and the Watchdog heartbeat use.
	AlertmanagerOpsgenieKey = "opsgenie-api-key"
	// AlertmanagerSecretsDir is where prometheus-operator mounts
	// spec.secrets in the Alertmanager container.
	AlertmanagerSecretsDir = "/etc/alertmanager/secrets"
)
