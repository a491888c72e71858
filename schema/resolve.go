package schema

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"cuelang.org/go/cue"

	"github.com/topogen/topogen/model"
)

// resolve decodes the validated value, runs the semantic checks and builds
// the model.
func resolve(v cue.Value, dir string, userFiles map[string]bool) (*model.Topology, model.Diagnostics) {
	var raw rawTopology
	if err := v.Decode(&raw); err != nil {
		return nil, model.Diagnostics{{Pos: model.Pos{File: filepath.ToSlash(dir)}, Summary: "cannot decode topology: " + err.Error()}}
	}
	c := &checker{v: v, dir: dir, userFiles: userFiles}
	return c.resolveRaw(raw)
}

// resolveRaw checks the decoded topology and builds the model.
func (c *checker) resolveRaw(raw rawTopology) (*model.Topology, model.Diagnostics) {
	t := &model.Topology{
		Name: raw.Name,
		ReplicaSet: model.ReplicaSet{
			Name:     raw.ReplicaSet.Name,
			Settings: model.ReplicaSetSettings(raw.ReplicaSet.Settings),
		},
		MongoDB: resolveMongoDB(raw.MongoDB),
		DNS:     model.DNS(raw.DNS),
		Kubernetes: model.Kubernetes{
			Namespace:           raw.Kubernetes.Namespace,
			AppNamespace:        raw.Kubernetes.AppNamespace,
			MonitoringNamespace: raw.Kubernetes.MonitoringNamespace,
			ClusterDomain:       raw.Kubernetes.ClusterDomain,
			ClientCIDRs:         c.clientCIDRs(raw.Kubernetes.ClientCIDRs),
			TLSIssuerName:       raw.Kubernetes.TLSIssuer.Name,
			TLSIssuerKind:       raw.Kubernetes.TLSIssuer.Kind,
			ExternalSecrets:     model.ExternalSecrets(raw.Kubernetes.ExternalSecrets),
		},
		Terraform: model.Terraform{
			AccountID:            raw.Terraform.AccountID,
			EKSVersion:           raw.Terraform.EKSVersion,
			StateBucket:          raw.Terraform.State.Bucket,
			StateKey:             raw.Terraform.State.Key,
			StateRegion:          raw.Terraform.State.Region,
			BackupBucketPrefix:   raw.Terraform.BackupBucketPrefix,
			FlowLogRetentionDays: raw.Terraform.FlowLogRetentionDays,
			SecretsRegion:        raw.Terraform.SecretsRegion,
			EKS: model.EKS{
				AdminPrincipals:   raw.Terraform.EKS.AdminPrincipals,
				GitOpsPrincipal:   raw.Terraform.EKS.GitOpsPrincipal,
				PublicAccessCIDRs: raw.Terraform.EKS.PublicAccessCIDRs,
				LogRetentionDays:  raw.Terraform.EKS.LogRetentionDays,
				AddonVersions:     raw.Terraform.EKS.AddonVersions,
			},
			AlarmSubscriptions: raw.Terraform.AlarmSubscriptions,
		},
		Monitoring: model.Monitoring{
			RunbookBaseURL: strings.TrimSuffix(raw.Monitoring.RunbookBaseURL, "/"),
			Alertmanagers:  raw.Monitoring.Alertmanagers,
			SelectorLabels: raw.Monitoring.SelectorLabels,
		},
		Delivery: model.Delivery{
			RepoURL:         raw.Delivery.RepoURL,
			Revision:        raw.Delivery.Revision,
			Path:            raw.Delivery.Path,
			ArgoCDNamespace: raw.Delivery.ArgoCDNamespace,
			GitSecret:       raw.Delivery.GitSecret,
		},
		Addons: raw.Addons,
	}
	if m := raw.Delivery.Management; m != nil {
		t.Delivery.Management = &model.Management{EKSCluster: m.EKSCluster, Region: m.Region, Engine: m.Engine}
		if raw.Terraform.EKS.GitOpsPrincipal != "" {
			c.errorf([]string{"terraform", "eks", "gitopsPrincipal"}, "remove terraform.eks.gitopsPrincipal (topogen creates the controllers' role for delivery.management), or remove delivery.management to keep your own principal",
				"terraform.eks.gitopsPrincipal and delivery.management both name the GitOps controllers' identity")
		}
	}
	t.Monitoring.ScrapeInterval = c.duration(raw.Monitoring.ScrapeInterval, "monitoring", "scrapeInterval")
	c.checkSelectorLabels(raw.Monitoring.SelectorLabels)
	if u := raw.Delivery.RepoURL; (strings.HasPrefix(u, "ssh://") || strings.HasPrefix(u, "git@")) && raw.Delivery.GitSecret == "" {
		c.errorf([]string{"delivery", "repoURL"}, `set delivery.gitSecret to the flux-system Secret holding the deploy key ("identity", "known_hosts"), or use an https URL`,
			"Flux cannot clone the ssh repository %q without credentials", u)
	}
	t.SLO = model.SLO{
		Availability:    raw.SLO.Availability,
		Period:          c.duration(raw.SLO.Period, "slo", "period"),
		RPO:             c.duration(raw.SLO.RPO, "slo", "rpo"),
		RTO:             c.duration(raw.SLO.RTO, "slo", "rto"),
		LocalRead:       c.duration(raw.SLO.Latency.LocalRead, "slo", "latency", "localRead"),
		CrossRegionRead: c.duration(raw.SLO.Latency.CrossRegionRead, "slo", "latency", "crossRegionRead"),
		PrimaryWrite:    c.duration(raw.SLO.Latency.PrimaryWrite, "slo", "latency", "primaryWrite"),
	}
	t.Backup = resolveBackup(raw.Backup)
	t.Analysis = resolveAnalysis(raw.Analysis)

	c.resolveRegions(t, raw)
	if raw.Sharding != nil {
		c.resolveSharding(t, raw)
	}
	// issue 16: checks in files of their own (check_*.go).
	c.checkRegionNames(t)
	c.checkURLs(t)
	c.checkServiceCIDRs(t)
	c.checkStorage(t)
	c.checkSizing(t)
	c.checkImages(t)
	c.checkIssuer(t)
	if c.partial {
		return nil, c.diags
	}
	switch {
	case c.diags.HasErrors():
	case t.Sharding != nil:
		c.shardingMembers(t, raw)
		c.checkShardedNodes(t)
	default:
		c.assignVotes(t, raw)
		t.Members = buildMembers(t)
		c.checkVotes(t, raw)
	}
	if len(t.Regions) >= 2 && t.Sharding == nil {
		// getLastErrorModes "multiRegion": acknowledged in 2 distinct regions.
		t.ReplicaSet.MultiRegionAckRegions = 2
	}
	c.checkBackup(t)
	c.checkSecretsRegion(t)
	c.checkClusterDomain(t)
	if c.diags.HasErrors() {
		return nil, c.diags.Sort()
	}
	t.PosOf = c.pos
	return t, c.diags.Sort()
}

func resolveBackup(raw rawBackup) model.Backup {
	every, _ := model.ParseDuration(raw.Every)
	b := model.Backup{Every: every, Minute: raw.Minute, RetentionDays: raw.RetentionDays,
		PITR: raw.PITR, Type: raw.Type, Compression: raw.Compression, Image: raw.Image, StorageRegion: raw.StorageRegion}
	hours := int(every / time.Hour)
	if hours >= 24 {
		b.Schedule = fmt.Sprintf("%d 0 * * *", raw.Minute)
	} else {
		b.Schedule = fmt.Sprintf("%d */%d * * *", raw.Minute, hours)
	}
	return b
}

func resolveAnalysis(raw rawAnalysis) model.Analysis {
	a := model.Analysis{RTTMillis: map[string]map[string]float64{}, Accept: map[string]string{}, Acknowledge: map[string]string{}}
	for from, row := range raw.RTTMillis {
		for to, ms := range row {
			for _, p := range [][2]string{{from, to}, {to, from}} {
				if a.RTTMillis[p[0]] == nil {
					a.RTTMillis[p[0]] = map[string]float64{}
				}
				a.RTTMillis[p[0]][p[1]] = ms
			}
		}
	}
	for k, r := range raw.Accept {
		a.Accept[k] = r.Reason
	}
	for k, r := range raw.Acknowledge {
		a.Acknowledge[k] = r.Reason
	}
	return a
}

// resolveMongoDB: the image with its optional digest appended, so every
// container running it (mongod, the init container, the tls-reloader)
// pulls the same bytes.
func resolveMongoDB(raw rawMongoDB) model.MongoDB {
	img := raw.Image
	if raw.ImageDigest != "" && !strings.Contains(img, "@") {
		img += "@" + raw.ImageDigest
	}
	return model.MongoDB{Version: raw.Version, Image: img, ExporterImage: raw.ExporterImage, Port: raw.Port, OplogSizeMB: raw.OplogSizeMB}
}
