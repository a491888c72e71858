package prometheus

import (
	"fmt"
	"strings"
	"time"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// Alerts on what surrounds the members: the exporters answering, the member
// certificates, the data volumes, and the alerting pipeline itself.

// Series outside the exporter that these alerts read, federated from each
// region (config.go federationMatch).
const (
	// cert-manager's controller metric: the certificate's NotAfter as a Unix
	// time, labels name and namespace of the Certificate
	// (pkg/metrics/certificates.go). Scraped with honor_labels false, the
	// Certificate's namespace becomes exported_namespace, so the rules
	// select on name only.
	certExpiryMetric = "certmanager_certificate_expiration_timestamp_seconds"
	// kubelet volume stats (pkg/kubelet/metrics/collectors/volume_stats.go),
	// labels namespace and persistentvolumeclaim (kube-prometheus-stack's
	// kubelet ServiceMonitor honours them).
	volumeUsedMetric     = "kubelet_volume_stats_used_bytes"
	volumeCapacityMetric = "kubelet_volume_stats_capacity_bytes"
)

// Documented constants.
const (
	// exportersMissingFor: a rolling restart takes one pod at a time, each
	// back within a couple of minutes.
	exportersMissingFor = 5 * time.Minute
	// certCriticalLeft: with a week left a human still has time to repair
	// the issuer; once a member certificate expires, its peers reject it
	// (x509 member authentication) and it drops out of the set.
	certCriticalLeft = 7 * 24 * time.Hour
	// diskWarnRatio / diskCriticalRatio of the data volume: mongod needs
	// free space for WiredTiger checkpoints, index builds and compact, and
	// stops accepting writes when the disk is full; 80 % leaves time to
	// grow the volume (storageSize), 90 % is close to that.
	diskWarnRatio     = 0.80
	diskCriticalRatio = 0.90
	diskFor           = 10 * time.Minute
)

func mustDuration(s string) time.Duration {
	d, err := time.ParseDuration(s)
	if err != nil {
		panic("names: bad duration " + s)
	}
	return d
}

// certWarnLeft: cert-manager renews at renewBefore; with half of it left,
// renewal has been failing for renewBefore/2.
func certWarnLeft() time.Duration { return mustDuration(names.CertificateRenewBefore) / 2 }

// exportersMissing: per region, fewer exporter targets answer (up == 1 on
// the exporter job, federated) than the region has members. It covers a
// scrape failing (up 0) and targets gone (a ServiceMonitor not selected, the
// pods gone), which no other rule sees while the region's federation is up:
// the other regions' exporters still report its members.
func (g *gen) exportersMissing() ([]rule, []testCase) {
	mk := func(r model.Region) alert {
		n := len(g.t.RegionMembers(r.Name))
		return alert{
			name:     "MongoDBExportersMissing",
			severity: warning,
			forDur:   exportersMissingFor,
			labels:   labelSet{{names.SeriesRegionLabel, r.Name}},
			expr: fmt.Sprintf("(\n  count(up{job=%q,%s=%q} == 1)\n  or\n  vector(0)\n) < %d",
				names.ExporterJob, names.SeriesRegionLabel, r.Name, n),
			summary: fmt.Sprintf("Only {{ $value }} of %d MongoDB exporters answer in region %s", n, r.Name),
			description: fmt.Sprintf("{{ $value }} exporter targets of job %s answer in region %s, which has %d members, for %s: "+
				"the members' own views are missing, so a partition of this region or its members' own metrics go unseen.",
				names.ExporterJob, r.Name, n, promDuration(exportersMissingFor)),
		}
	}
	var rules []rule
	for _, r := range g.t.Regions {
		rules = append(rules, g.rule(mk(r)))
	}
	f := g.failingRegion()
	var in []inputSeries
	for _, m := range g.t.Members {
		v := "1x10"
		if m.Region == f.Name {
			v = "_x10"
		}
		in = append(in, inputSeries{Series: series("up", g.exporterLabels(m)), Values: v})
	}
	a := mk(f)
	return rules, []testCase{{
		Name:        fmt.Sprintf("region %s's exporters are gone, the others answer", f.Name),
		Interval:    at(step),
		InputSeries: in,
		AlertRuleTests: []alertTest{
			{EvalTime: at(exportersMissingFor - step), Alertname: a.name},
			{EvalTime: at(exportersMissingFor), Alertname: a.name, ExpAlerts: []expAlert{g.expect(a, labelSet{{names.SeriesRegionLabel, f.Name}}, 0)}},
		},
	}}
}

// certNames matches the regions' member Certificates.
func (g *gen) certNames() string {
	var ns []string
	for _, r := range g.t.Regions {
		ns = append(ns, names.StatefulSet(g.t, r))
	}
	return strings.Join(ns, "|")
}

func (g *gen) certSel() string { return fmt.Sprintf("%s{name=~%q}", certExpiryMetric, g.certNames()) }

func (g *gen) certAlerts() ([]rule, []testCase) {
	left := fmt.Sprintf("min by (%s, name) (%s) - time()", names.SeriesRegionLabel, g.certSel())
	mk := func(name, sev string, thr time.Duration, why string) alert {
		return alert{
			name:     name,
			severity: sev,
			forDur:   15 * time.Minute,
			expr:     fmt.Sprintf("%s < %s", left, seconds(thr)),
			summary:  "MongoDB member certificate {{ $labels.name }} in region {{ $labels.region }} expires soon",
			description: fmt.Sprintf("Certificate {{ $labels.name }} expires in {{ printf \"%%.1f\" $value }} s; cert-manager renews it %s before "+
				"expiry (duration %s), so renewal has failed. %s", names.CertificateRenewBefore, names.CertificateDuration, why),
		}
	}
	warn := mk("MongoDBCertificateRenewalOverdue", warning, certWarnLeft(),
		"Check the Certificate's and CertificateRequest's conditions and the issuer.")
	crit := mk("MongoDBCertificateExpiring", critical, certCriticalLeft,
		"When it expires the members of this region fail x509 authentication with their peers and drop out of the set.")

	f := g.failingRegion()
	expiry := func(r model.Region, left time.Duration) inputSeries {
		return inputSeries{
			Series: series(certExpiryMetric, labelSet{{"job", "cert-manager"}, {"namespace", "cert-manager"}, {"exported_namespace", g.t.Kubernetes.Namespace},
				{"name", names.StatefulSet(g.t, r)}, {names.SeriesRegionLabel, r.Name}}),
			Values: constant(left.Seconds(), 20),
		}
	}
	// Test time 0 is the Unix epoch, so the expiry timestamp is the time
	// left at 0.
	l := labelSet{{names.SeriesRegionLabel, f.Name}, {"name", names.StatefulSet(g.t, f)}}
	evalAt := 15 * time.Minute
	tc := func(days int, fires alert, silent []alert) testCase {
		left := time.Duration(days) * 24 * time.Hour
		var in []inputSeries
		for _, r := range g.t.Regions {
			if r.Name == f.Name {
				in = append(in, expiry(r, left))
			} else {
				in = append(in, expiry(r, 60*24*time.Hour))
			}
		}
		ts := []alertTest{
			{EvalTime: at(evalAt - step), Alertname: fires.name},
			{EvalTime: at(evalAt), Alertname: fires.name, ExpAlerts: []expAlert{g.expect(fires, l, (left - evalAt).Seconds())}},
		}
		for _, a := range silent {
			ts = append(ts, alertTest{EvalTime: at(evalAt), Alertname: a.name})
		}
		return testCase{
			Name:           fmt.Sprintf("the certificate of %s expires in %d days, the others in 60", f.Name, days),
			Interval:       at(step),
			InputSeries:    in,
			AlertRuleTests: ts,
		}
	}
	return []rule{g.rule(warn), g.rule(crit)}, []testCase{tc(10, warn, []alert{crit}), tc(5, crit, nil)}
}

// pvcRe matches the data volumes of every region's members.
func (g *gen) pvcRe() string {
	return fmt.Sprintf("%s-%s-.+", names.DataVolume, g.t.ReplicaSet.Name)
}

func (g *gen) diskAlerts() ([]rule, []testCase) {
	sel := func(m string) string {
		return fmt.Sprintf("max by (%s, namespace, persistentvolumeclaim) (%s{namespace=%q,persistentvolumeclaim=~%q})",
			names.SeriesRegionLabel, m, g.t.Kubernetes.Namespace, g.pvcRe())
	}
	ratio := sel(volumeUsedMetric) + "\n/\n" + sel(volumeCapacityMetric)
	mk := func(name, sev string, thr float64) alert {
		return alert{
			name:     name,
			severity: sev,
			forDur:   diskFor,
			expr:     fmt.Sprintf("%s\n> %s", ratio, fmtFloat(thr)),
			summary:  "MongoDB data volume {{ $labels.persistentvolumeclaim }} in region {{ $labels.region }} is filling up",
			description: fmt.Sprintf("{{ $labels.persistentvolumeclaim }} is {{ printf \"%%.2f\" $value }} full (threshold %s) for %s. "+
				"mongod stops accepting writes on a full disk; grow the volume (regions.<name>.sizing.storageSize) or free space.",
				fmtFloat(thr), promDuration(diskFor)),
		}
	}
	warn := mk("MongoDBDiskUsageHigh", warning, diskWarnRatio)
	crit := mk("MongoDBDiskAlmostFull", critical, diskCriticalRatio)
	obs := g.observer()
	pvc := fmt.Sprintf("%s-%s", names.DataVolume, obs.Pod)
	kl := labelSet{{"job", "kubelet"}, {"namespace", g.t.Kubernetes.Namespace}, {"persistentvolumeclaim", pvc}, {names.SeriesRegionLabel, obs.Region}}
	const capacity = 1 << 40
	l := labelSet{{names.SeriesRegionLabel, obs.Region}, {"namespace", g.t.Kubernetes.Namespace}, {"persistentvolumeclaim", pvc}}
	tc := func(used float64, fires alert, silent []alert) testCase {
		ts := []alertTest{
			{EvalTime: at(diskFor - step), Alertname: fires.name},
			{EvalTime: at(diskFor), Alertname: fires.name, ExpAlerts: []expAlert{g.expect(fires, l, used)}},
		}
		for _, a := range silent {
			ts = append(ts, alertTest{EvalTime: at(diskFor), Alertname: a.name})
		}
		return testCase{
			Name:     fmt.Sprintf("%s is %s%% full", pvc, fmtFloat(used*100)),
			Interval: at(step),
			InputSeries: []inputSeries{
				{Series: series(volumeCapacityMetric, kl), Values: constant(capacity, 15)},
				{Series: series(volumeUsedMetric, kl), Values: constant(used*capacity, 15)},
			},
			AlertRuleTests: ts,
		}
	}
	return []rule{g.rule(warn), g.rule(crit)}, []testCase{tc(0.85, warn, []alert{crit}), tc(0.95, crit, nil)}
}

// watchdog always fires: Alertmanager (or a dead man's switch behind it)
// notices when the global Prometheus or its alert delivery stops.
func (g *gen) watchdog() ([]rule, []testCase) {
	a := alert{
		name:        "Watchdog",
		severity:    "none",
		expr:        "vector(1)",
		summary:     "The global Prometheus's alerting pipeline works",
		description: "Always firing. Route it to a dead man's switch: when it stops arriving, the global Prometheus or its alert delivery is down.",
	}
	return []rule{g.rule(a)}, []testCase{{
		Name:        "Watchdog fires from the first evaluation",
		Interval:    at(step),
		InputSeries: []inputSeries{{Series: `up{job="prometheus"}`, Values: constant(1, 2)}},
		AlertRuleTests: []alertTest{
			{EvalTime: at(step), Alertname: a.name, ExpAlerts: []expAlert{g.expect(a, nil, 1)}},
		},
	}}
}
