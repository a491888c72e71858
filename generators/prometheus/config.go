package prometheus

import (
	"fmt"
	"strings"
	"time"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// The global Prometheus configuration (prometheus.yml).
type promConfig struct {
	Global        promGlobal     `yaml:"global"`
	RuleFiles     []string       `yaml:"rule_files"`
	Alerting      promAlerting   `yaml:"alerting"`
	ScrapeConfigs []scrapeConfig `yaml:"scrape_configs"`
}

type promGlobal struct {
	ScrapeInterval     string            `yaml:"scrape_interval"`
	EvaluationInterval string            `yaml:"evaluation_interval"`
	ExternalLabels     map[string]string `yaml:"external_labels"`
}

type promAlerting struct {
	Alertmanagers []alertmanagerConfig `yaml:"alertmanagers"`
}

type alertmanagerConfig struct {
	StaticConfigs []staticConfig `yaml:"static_configs"`
}

type staticConfig struct {
	Targets []string          `yaml:"targets"`
	Labels  map[string]string `yaml:"labels,omitempty"`
}

type scrapeConfig struct {
	JobName              string              `yaml:"job_name"`
	HonorLabels          bool                `yaml:"honor_labels"`
	MetricsPath          string              `yaml:"metrics_path"`
	Params               map[string][]string `yaml:"params"`
	StaticConfigs        []staticConfig      `yaml:"static_configs"`
	MetricRelabelConfigs []relabelConfig     `yaml:"metric_relabel_configs"`
}

type relabelConfig struct {
	Action string `yaml:"action"`
	Regex  string `yaml:"regex"`
}

// replicaLabels are the external labels that tell the replicas of a
// regional Prometheus HA pair apart: prometheus-operator's
// replicaExternalLabelName (default prometheus_replica, what
// kube-prometheus-stack runs) and Thanos's usual "replica". /federate adds
// the source's external labels to every series, so a federation target
// that alternates between the replicas (a Service in front of both) would
// flip them each scrape: every series would end and restart, and every
// alert's for: would reset. They are dropped; the replicas' series are the
// same data and merge into one.
var replicaLabels = []string{"prometheus_replica", "replica"}

// GlobalExporterMetrics are the raw exporter series the global Prometheus
// federates: those its rules read. Everything else reaches it as the
// regional recordings.
var GlobalExporterMetrics = append([]string{
	"mongodb_rs_date",
	"mongodb_rs_members_health",
	"mongodb_rs_members_optimeDate",
	"mongodb_rs_members_pingMs",
	"mongodb_rs_members_state",
	"mongodb_rs_myState",
	"mongodb_rs_optimes_lastCommittedWallTime",
	"mongodb_rs_term",
	"mongodb_ss_connections",
	"mongodb_ss_metrics_repl_network_bytes",
	"mongodb_ss_opLatencies_latency",
	"mongodb_ss_opLatencies_ops",
	"mongodb_up",
	// The exporter targets' scrape health (MongoDBExportersMissing).
	"up",
}, dashboardExporterMetrics...)

// ClusterMetrics are the cert-manager and kubelet series the
// certificate and disk alerts read (infra.go).
var ClusterMetrics = []string{certExpiryMetric, volumeCapacityMetric, volumeUsedMetric}

// KubeStateMetrics are the kube-state-metrics series the backup alerts read
// (and the PBM alerts', backup_alerts.go).
var KubeStateMetrics = append([]string{
	"kube_cronjob_created",
	"kube_cronjob_status_last_successful_time",
	"kube_job_failed",
	"kube_job_status_start_time",
}, pbmKubeStateMetrics...)

// federationMatch is the match[] list of every federation job: the
// exporter series the global rules read, the MongoDB namespace's backup
// CronJob/Job series from kube-state-metrics, and the regional recordings.
func federationMatch(t *model.Topology) []string {
	return []string{
		fmt.Sprintf(`{job=%q,__name__=~%q}`, names.ExporterJob, strings.Join(GlobalExporterMetrics, "|")),
		fmt.Sprintf(`{job=%q,namespace=%q,__name__=~%q}`, KubeStateMetricsJob, t.Kubernetes.Namespace, strings.Join(KubeStateMetrics, "|")),
		fmt.Sprintf(`{__name__=%q,name=~%q}`, certExpiryMetric, newGen(t).certNames()),
		fmt.Sprintf(`{__name__=~%q,namespace=%q}`, volumeCapacityMetric+"|"+volumeUsedMetric, t.Kubernetes.Namespace),
		`{__name__=~"mongodb:.*"}`,
	}
}

// globalRuleFiles are the rule files the global Prometheus loads, relative
// to prometheus.yml. mongodb-recording.yml is not among them: the regional
// Prometheus evaluates it and the global one federates the results.
func globalRuleFiles() []string {
	return []string{RulesDir + "/" + AlertsFile, RulesDir + "/" + SLOFile}
}

func (g *gen) config() ([]byte, error) {
	t := g.t
	c := promConfig{
		Global: promGlobal{
			ScrapeInterval:     promDuration(t.Monitoring.ScrapeInterval),
			EvaluationInterval: promDuration(t.Monitoring.ScrapeInterval),
			// No region label here: series keep the region they come from.
			ExternalLabels: map[string]string{"topology": t.Name, "prometheus": "global"},
		},
		RuleFiles: append(globalRuleFiles(), g.setFiles...),
		Alerting: promAlerting{Alertmanagers: []alertmanagerConfig{{
			StaticConfigs: []staticConfig{{Targets: t.Monitoring.Alertmanagers}},
		}}},
	}
	match := federationMatch(t)
	if g.sharded != nil {
		match = shardedFederationMatch(g.sharded)
	}
	for _, sel := range match {
		if err := checkSelector("federation match[]", sel); err != nil {
			return nil, err
		}
	}
	for _, r := range t.Regions {
		c.ScrapeConfigs = append(c.ScrapeConfigs, scrapeConfig{
			JobName: names.FederationJob(r),
			// honor_labels keeps the regional job/instance/region labels;
			// the target's region label fills it in for series that lack
			// it (kube-state-metrics).
			HonorLabels: true,
			MetricsPath: "/federate",
			Params:      map[string][]string{"match[]": match},
			StaticConfigs: []staticConfig{{
				Targets: []string{r.Prometheus},
				Labels:  map[string]string{names.SeriesRegionLabel: r.Name},
			}},
			MetricRelabelConfigs: []relabelConfig{{Action: "labeldrop", Regex: strings.Join(replicaLabels, "|")}},
		})
	}
	return marshalYAML(comment(
		generators.Notice,
		"The global Prometheus: federates every region's Prometheus (job federate-<region>),",
		"evaluates the alerting and SLO rules and sends alerts to the topology's Alertmanagers.",
		"Each regional Prometheus must evaluate rules/mongodb-recording.yml (the PrometheusRule",
		"in out/kubernetes/<region>/ carries it) and scrape the exporters with the collectors",
		"--collector.diagnosticdata --collector.dbstats.",
		"Run it with the flags in "+ArgsFile+" (the TSDB retention the rules need: "+promDuration(g.retention())+").",
	), c)
}

// ArgsFile lists the command-line flags the global Prometheus needs.
const ArgsFile = "prometheus.args"

// retention is the global Prometheus's TSDB retention: the longest range
// its rules read (the SLO period's ratio_rate<period>) plus a margin of a
// tenth of it, at least a day, in whole days. Prometheus's default is 15d
// (--storage.tsdb.retention.time), half the default 30-day SLO window; the
// margin covers the newest samples of a window still being read while the
// oldest block is deleted, and a replacement server backfilled from a
// snapshot a day late.
func (g *gen) retention() time.Duration {
	const day = 24 * time.Hour
	margin := max(day, g.lookback/10)
	d := g.lookback + margin
	return (d + day - 1) / day * day
}

// args renders prometheus.args: one flag a line, as the Debian package's
// /etc/default/prometheus ARGS or a container's args take them.
func (g *gen) args() []byte {
	return []byte(strings.Join([]string{
		"--config.file=prometheus.yml",
		"--storage.tsdb.retention.time=" + promDuration(g.retention()),
	}, "\n") + "\n")
}
