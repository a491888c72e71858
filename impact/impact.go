// Package impact classifies what a topology change means for the running
// deployment: safe, rolling restart, replica-set reconfig or destructive.
// `topogen diff` and the GitOps markdown diff compare the committed
// out/topology.json (decoded with generators/snapshot.Decode) with the
// topology being compiled.
package impact

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/topogen/topogen/model"
)

// Class of a change, from harmless to destructive.
type Class string

const (
	Safe        Class = "safe"        // labels, annotations, monitoring: no restart
	Rolling     Class = "rolling"     // mongod.conf, image, sizing: rolling restart
	Reconfig    Class = "reconfig"    // priorities, votes, members: replica-set reconfig
	Destructive Class = "destructive" // CIDR change (VPC replacement), region removal (data loss)
)

// Change is one topology-level change in plain language.
type Change struct {
	Class Class
	// Region the change is about, empty for global ones.
	Region string
	// Path is the topology field path, e.g. "regions.eu.priority".
	Path string
	// Summary is one plain-language line, e.g.
	// "eu: member priority 6 → 5 (replica-set reconfig)".
	Summary string
	// Pos, when set, is where the change is (a user patch file); otherwise
	// the position of Path in the topology.
	Pos model.Pos
}

// Compare lists the changes from old to new in a stable order: global
// fields in the schema's order (name, replicaSet, mongodb, dns), then each
// region by name (added, removed, changed), then slo, backup, kubernetes,
// terraform (EKS access, alarm subscriptions, then the cluster add-on
// charts), monitoring and delivery, then the user's patches. Analysis
// inputs (rttMillis, accept, acknowledge) change nothing that runs and are
// not reported; TestCompareCoversEveryField lists what else is left out.
func Compare(old, new *model.Topology) []Change {
	c := &comparer{}
	c.global(old, new)
	c.regions(old, new)
	c.sharding(old, new)
	c.rest(old, new)
	c.patches(old, new)
	return c.out
}

type comparer struct{ out []Change }

func (c *comparer) add(class Class, region, path, format string, args ...any) {
	c.out = append(c.out, Change{Class: class, Region: region, Path: path, Summary: fmt.Sprintf(format, args...)})
}

// field reports one global scalar field.
func field[T comparable](c *comparer, class Class, path string, old, new T, why string) {
	if old == new {
		return
	}
	c.add(class, "", path, "%s %v → %v (%s)", path, show(old), show(new), why)
}

func show(v any) string {
	switch x := v.(type) {
	case string:
		if x == "" {
			return `""`
		}
		return x
	case time.Duration:
		return model.FormatDuration(x)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

func (c *comparer) global(old, new *model.Topology) {
	field(c, Destructive, "name", old.Name, new.Name,
		"destructive: cloud resources named after the topology, such as backup buckets and IAM roles, are replaced")
	field(c, Destructive, "replicaSet.name", old.ReplicaSet.Name, new.ReplicaSet.Name,
		"destructive: a different replica set; pods, volumes and members are re-created and the new set is initiated empty")
	so, sn := old.ReplicaSet.Settings, new.ReplicaSet.Settings
	const rc = "replica-set reconfig"
	field(c, Reconfig, "replicaSet.settings.electionTimeoutMillis", so.ElectionTimeoutMillis, sn.ElectionTimeoutMillis, rc)
	field(c, Reconfig, "replicaSet.settings.heartbeatIntervalMillis", so.HeartbeatIntervalMillis, sn.HeartbeatIntervalMillis, rc)
	field(c, Reconfig, "replicaSet.settings.heartbeatTimeoutSecs", so.HeartbeatTimeoutSecs, sn.HeartbeatTimeoutSecs, rc)
	field(c, Reconfig, "replicaSet.settings.catchUpTimeoutMillis", so.CatchUpTimeoutMillis, sn.CatchUpTimeoutMillis, rc)
	field(c, Reconfig, "replicaSet.settings.chainingAllowed", so.ChainingAllowed, sn.ChainingAllowed, rc)

	mo, mn := old.MongoDB, new.MongoDB
	why := "rolling restart"
	if major(mo.Version) != major(mn.Version) {
		why = "rolling restart, one member at a time; after every member runs " + major(mn.Version) +
			", run setFeatureCompatibilityVersion; downgrades need the reverse order"
	}
	field(c, Rolling, "mongodb.version", mo.Version, mn.Version, why)
	if !(mo.Image == "mongo:"+mo.Version && mn.Image == "mongo:"+mn.Version) {
		// An image that merely follows the version is reported once, above.
		field(c, Rolling, "mongodb.image", mo.Image, mn.Image, "rolling restart")
	}
	field(c, Rolling, "mongodb.exporterImage", mo.ExporterImage, mn.ExporterImage, "rolling restart of the exporter sidecars")
	field(c, Reconfig, "mongodb.port", mo.Port, mn.Port, "rolling restart and replica-set reconfig: every member's host:port changes")
	field(c, Rolling, "mongodb.oplogSizeMB", mo.OplogSizeMB, mn.OplogSizeMB, "rolling restart (or replSetResizeOplog on each member)")

	field(c, Reconfig, "dns.domain", old.DNS.Domain, new.DNS.Domain,
		"replica-set reconfig: every member's host name changes; new private zones are created")
	field(c, Safe, "dns.publicZone", old.DNS.PublicZone, new.DNS.PublicZone, "safe: public DNS records move")
	field(c, Safe, "dns.apiRecord", old.DNS.APIRecord, new.DNS.APIRecord, "safe: public DNS records move")
	field(c, Safe, "dns.healthCheckPath", old.DNS.HealthCheckPath, new.DNS.HealthCheckPath, "safe: health checks change")
	// Not Destructive: a tree generated before the field existed reads as
	// false, and the records (not members or data) are what moves.
	field(c, Safe, "dns.createPublicZone", old.DNS.CreatePublicZone, new.DNS.CreatePublicZone,
		"review: the global stack deletes the public zone it created, or creates a second zone of that name; the API records move to a zone the domain must be delegated to")
}

func major(v string) string {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return v
	}
	return parts[0] + "." + parts[1]
}

func (c *comparer) rest(old, new *model.Topology) {
	so, sn := old.SLO, new.SLO
	const safe = "safe: SLO target"
	field(c, Safe, "slo.availability", so.Availability, sn.Availability, safe)
	field(c, Safe, "slo.period", so.Period, sn.Period, safe)
	field(c, Safe, "slo.rpo", so.RPO, sn.RPO, safe)
	field(c, Safe, "slo.rto", so.RTO, sn.RTO, safe)
	field(c, Safe, "slo.latency.localRead", so.LocalRead, sn.LocalRead, safe)
	field(c, Safe, "slo.latency.crossRegionRead", so.CrossRegionRead, sn.CrossRegionRead, safe)
	field(c, Safe, "slo.latency.primaryWrite", so.PrimaryWrite, sn.PrimaryWrite, safe)

	field(c, Safe, "backup.schedule", old.Backup.Schedule, new.Backup.Schedule, "safe: CronJob schedule")
	field(c, Safe, "backup.retentionDays", old.Backup.RetentionDays, new.Backup.RetentionDays, "safe: bucket lifecycle rule")
	c.backup(old, new)

	ko, kn := old.Kubernetes, new.Kubernetes
	field(c, Destructive, "kubernetes.namespace", ko.Namespace, kn.Namespace,
		"destructive: the StatefulSets and their volumes are re-created in the new namespace in every region at once")
	field(c, Safe, "kubernetes.appNamespace", ko.AppNamespace, kn.AppNamespace, "safe: network policy, the connection ConfigMap and CA certificate move")
	field(c, Safe, "kubernetes.clientCIDRs", prefixes(ko.ClientCIDRs), prefixes(kn.ClientCIDRs), "safe: the member load balancers' security group rules change")
	field(c, Safe, "kubernetes.clusterDomain", ko.ClusterDomain, kn.ClusterDomain, "safe: the member certificates are re-issued with the new in-cluster names and reloaded without a restart")
	field(c, Safe, "kubernetes.monitoringNamespace", ko.MonitoringNamespace, kn.MonitoringNamespace, "safe: network policy and monitors")
	field(c, Rolling, "kubernetes.tlsIssuer.name", ko.TLSIssuerName, kn.TLSIssuerName, "rolling: certificates are re-issued and members restart")
	field(c, Rolling, "kubernetes.tlsIssuer.kind", ko.TLSIssuerKind, kn.TLSIssuerKind, "rolling: certificates are re-issued and members restart")
	if ko.ExternalSecrets != kn.ExternalSecrets {
		c.add(Safe, "", "kubernetes.externalSecrets", "kubernetes.externalSecrets changed (safe: where credentials come from; check the secret store holds them first)")
	}

	to, tn := old.Terraform, new.Terraform
	field(c, Destructive, "terraform.accountId", to.AccountID, tn.AccountID, "destructive: every cloud resource moves to another account")
	field(c, Rolling, "terraform.eksVersion", to.EKSVersion, tn.EKSVersion, "rolling: control plane upgrade, then node groups are replaced")
	// The bootstrap stack's buckets carry prevent_destroy: a new bucket
	// name or region plans the old buckets' destruction, which Terraform
	// refuses until they leave its state (they and their states stay).
	const moveState = "safe: terraform state rm the old buckets from the bootstrap stack, apply it (the new buckets), then terraform init -migrate-state in every stack"
	field(c, Safe, "terraform.state.bucket", to.StateBucket, tn.StateBucket, moveState)
	field(c, Safe, "terraform.state.key", to.StateKey, tn.StateKey, "safe: run terraform init -migrate-state in every stack")
	field(c, Safe, "terraform.state.region", to.StateRegion, tn.StateRegion, moveState)
	field(c, Destructive, "terraform.backupBucketPrefix", to.BackupBucketPrefix, tn.BackupBucketPrefix, "destructive: backup buckets are replaced and old backups dropped")
	// An old tree without the field (generated before it existed) has no
	// secrets to move.
	if to.SecretsRegion != "" {
		field(c, Destructive, "terraform.secretsRegion", to.SecretsRegion, tn.SecretsRegion,
			"destructive: the shared secrets are re-created in the new region with new passwords, and the CA secret empty; pin terraform.secretsRegion to the old region instead")
	}
	field(c, Safe, "terraform.flowLogRetentionDays", to.FlowLogRetentionDays, tn.FlowLogRetentionDays, "safe: flow-log retention")
	c.platform(old, new)

	mo, mn := old.Monitoring, new.Monitoring
	field(c, Safe, "monitoring.runbookBaseURL", mo.RunbookBaseURL, mn.RunbookBaseURL, "safe: alert annotations")
	if !slices.Equal(mo.Alertmanagers, mn.Alertmanagers) {
		c.add(Safe, "", "monitoring.alertmanagers", "monitoring.alertmanagers %s → %s (safe: Prometheus configuration)",
			strings.Join(mo.Alertmanagers, ","), strings.Join(mn.Alertmanagers, ","))
	}
	field(c, Safe, "monitoring.scrapeInterval", mo.ScrapeInterval, mn.ScrapeInterval, "safe: Prometheus configuration")
	if !maps.Equal(mo.SelectorLabels, mn.SelectorLabels) {
		c.add(Safe, "", "monitoring.selectorLabels", "monitoring.selectorLabels changed (safe: ServiceMonitor and PrometheusRule labels)")
	}

	do, dn := old.Delivery, new.Delivery
	field(c, Safe, "delivery.repoURL", do.RepoURL, dn.RepoURL, "safe: GitOps source")
	field(c, Safe, "delivery.gitSecret", do.GitSecret, dn.GitSecret, "safe: GitOps source credentials")
	field(c, Safe, "delivery.revision", do.Revision, dn.Revision, "safe: GitOps source")
	field(c, Safe, "delivery.path", do.Path, dn.Path, "safe: GitOps source")
	field(c, Safe, "delivery.argocdNamespace", do.ArgoCDNamespace, dn.ArgoCDNamespace, "safe: GitOps objects move")
	var mgo, mgn model.Management
	if do.Management != nil {
		mgo = *do.Management
	}
	if dn.Management != nil {
		mgn = *dn.Management
	}
	const mgmt = "safe: apply the bootstrap stack (the controllers' roles and Pod Identity associations), then the regional stacks (their access entries and GitOps roles' trust)"
	switch {
	case do.Management == nil && dn.Management != nil:
		c.add(Safe, "", "delivery.management", "delivery.management set: %s on %s (%s)", mgn.Engine, mgn.EKSCluster, mgmt)
	case do.Management != nil && dn.Management == nil:
		c.add(Safe, "", "delivery.management", "delivery.management removed (safe: the controllers' roles go; set terraform.eks.gitopsPrincipal for the identity they run as instead)")
	default:
		field(c, Safe, "delivery.management.eksCluster", mgo.EKSCluster, mgn.EKSCluster, mgmt)
		field(c, Safe, "delivery.management.region", mgo.Region, mgn.Region, mgmt)
		field(c, Safe, "delivery.management.engine", mgo.Engine, mgn.Engine, mgmt)
	}
}

// prefixes renders CIDR blocks for a change summary.
func prefixes(ps []netip.Prefix) string {
	var s []string
	for _, p := range ps {
		s = append(s, p.String())
	}
	return strings.Join(s, ",")
}
