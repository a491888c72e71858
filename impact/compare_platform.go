package impact

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/topogen/topogen/model"
)

// backup reports the PBM settings besides the schedule and retention.
func (c *comparer) backup(old, new *model.Topology) {
	bo, bn := old.Backup, new.Backup
	field(c, Safe, "backup.pitr", bo.PITR, bn.PITR, "safe: the mongodb-pbm-config Job applies it; no member restarts")
	field(c, Safe, "backup.type", bo.Type, bn.Type, "safe: from the next base backup")
	field(c, Safe, "backup.compression", bo.Compression, bn.Compression, "safe: from the next base backup and oplog chunk")
	field(c, Rolling, "backup.image", bo.Image, bn.Image, "rolling restart: the pbm-agent sidecar runs in every member's pod")
	field(c, Safe, "backup.storageRegion", bo.StorageRegion, bn.StorageRegion,
		"safe: PBM writes to that region's bucket from now on; backups in the old bucket are not in its list")
}

// volumes reports the gp3 performance of a region's data volumes.
func (c *comparer) volumes(o, n model.Region) {
	so, sn := o.Sizing, n.Sizing
	if so.IOPS == sn.IOPS && so.Throughput == sn.Throughput {
		return
	}
	c.add(Safe, n.Name, "regions."+n.Name+".sizing", "%s: volumes %d IOPS %d MiB/s → %d IOPS %d MiB/s (safe: the StorageClass is replaced, its parameters are immutable; existing volumes keep their performance until modified with aws ec2 modify-volume, new ones get the new values)",
		n.Name, so.IOPS, so.Throughput, sn.IOPS, sn.Throughput)
}

// platform reports the EKS access and add-on settings, the alarm
// subscriptions and the cluster add-on charts: none restarts a member.
func (c *comparer) platform(old, new *model.Topology) {
	eo, en := old.Terraform.EKS, new.Terraform.EKS
	list(c, "terraform.eks.adminPrincipals", eo.AdminPrincipals, en.AdminPrincipals, "safe: EKS access entries")
	field(c, Safe, "terraform.eks.gitopsPrincipal", eo.GitOpsPrincipal, en.GitOpsPrincipal, "safe: EKS access entry of the GitOps controllers")
	list(c, "terraform.eks.publicAccessCIDRs", eo.PublicAccessCIDRs, en.PublicAccessCIDRs, "safe: who reaches the cluster API endpoint")
	field(c, Safe, "terraform.eks.logRetentionDays", eo.LogRetentionDays, en.LogRetentionDays, "safe: control-plane log retention")
	if !maps.Equal(eo.AddonVersions, en.AddonVersions) {
		c.add(Safe, "", "terraform.eks.addonVersions", "terraform.eks.addonVersions %s → %s (safe: terraform apply updates the EKS managed add-ons; no member restarts)",
			versions(eo.AddonVersions), versions(en.AddonVersions))
	}
	if !slices.Equal(old.Terraform.AlarmSubscriptions, new.Terraform.AlarmSubscriptions) {
		c.add(Safe, "", "terraform.alarmSubscriptions", "terraform.alarmSubscriptions changed (safe: who the health-check alarms notify)")
	}
	ao, an := old.Addons, new.Addons
	for _, a := range []struct {
		name string
		o, n model.Chart
	}{
		{"awsLoadBalancerController", ao.AWSLoadBalancerController, an.AWSLoadBalancerController},
		{"externalDNS", ao.ExternalDNS, an.ExternalDNS},
		{"certManager", ao.CertManager, an.CertManager},
		{"externalSecrets", ao.ExternalSecrets, an.ExternalSecrets},
		{"prometheusOperatorCRDs", ao.PrometheusOperatorCRDs, an.PrometheusOperatorCRDs},
		{"kubePrometheusStack", ao.KubePrometheusStack, an.KubePrometheusStack},
	} {
		if a.o != a.n {
			c.add(Safe, "", "addons."+a.name, "addons.%s %s → %s (safe: Helm upgrades the add-on on every cluster; no member restarts)",
				a.name, chartString(a.o), chartString(a.n))
		}
	}
}

// list reports one global list of strings.
func list(c *comparer, path string, old, new []string, why string) {
	if !slices.Equal(old, new) {
		c.add(Safe, "", path, "%s %s → %s (%s)", path, show(strings.Join(old, ",")), show(strings.Join(new, ",")), why)
	}
}

func versions(m map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, k+"="+m[k])
	}
	return show(strings.Join(parts, ","))
}

func chartString(ch model.Chart) string {
	s := fmt.Sprintf("%s %s (%s)", ch.Chart, ch.Version, ch.RepoURL)
	if ch.Enabled {
		s += " enabled"
	}
	return s
}
