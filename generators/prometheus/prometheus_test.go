package prometheus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/topogen/topogen/internal/testtopo"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"go.yaml.in/yaml/v3"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/schema"
)

// exporterMetrics are the Percona mongodb_exporter series the rules and
// the dashboard may read: native names of the current exporter
// (mongodb-facts.md §5, exporter/metrics.go naming: serverStatus → ss_,
// replSetGetStatus → rs_), with the collector that emits each.
var exporterMetrics = map[string]string{
	"mongodb_rs_members_health":                         "--collector.diagnosticdata (replSetGetStatus.members[].health)",
	"mongodb_rs_members_state":                          "--collector.diagnosticdata (members[].state, member_state label)",
	"mongodb_rs_members_optimeDate":                     "--collector.diagnosticdata (members[].optimeDate, ms)",
	"mongodb_rs_myState":                                "--collector.diagnosticdata (replSetGetStatus.myState)",
	"mongodb_rs_date":                                   "--collector.diagnosticdata (replSetGetStatus.date, ms)",
	"mongodb_rs_optimes_lastCommittedWallTime":          "--collector.diagnosticdata (replSetGetStatus.optimes.lastCommittedWallTime, ms)",
	"mongodb_ss_connections":                            "--collector.diagnosticdata (serverStatus.connections, conn_type label)",
	"mongodb_ss_network_bytesIn":                        "--collector.diagnosticdata (serverStatus.network.bytesIn)",
	"mongodb_ss_network_bytesOut":                       "--collector.diagnosticdata (serverStatus.network.bytesOut)",
	"mongodb_ss_metrics_repl_network_bytes":             "--collector.diagnosticdata (serverStatus.metrics.repl.network.bytes)",
	"mongodb_dbstats_dataSize":                          "--collector.dbstats (dbStats.dataSize, database label)",
	"mongodb_up":                                        "always (general collector: ping)",
	"mongodb_ss_opcounters":                             "--collector.diagnosticdata (serverStatus.opcounters, legacy_op_type label)",
	"mongodb_ss_wt_cache_bytes_currently_in_the_cache":  "--collector.diagnosticdata (serverStatus.wiredTiger.cache)",
	"mongodb_ss_wt_cache_maximum_bytes_configured":      "--collector.diagnosticdata (serverStatus.wiredTiger.cache)",
	"mongodb_ss_wt_concurrentTransactions_out":          "--collector.diagnosticdata (queues.execution.<rw>.out, txn_rw label by specialConversions)",
	"mongodb_ss_wt_concurrentTransactions_totalTickets": "--collector.diagnosticdata (queues.execution.<rw>.totalTickets, txn_rw label)",
	"mongodb_ss_globalLock_currentQueue":                "--collector.diagnosticdata (serverStatus.globalLock.currentQueue, count_type label)",
	"mongodb_rs_term":                                   "--collector.diagnosticdata (replSetGetStatus.term)",
	"mongodb_rs_members_pingMs":                         "--collector.diagnosticdata (members[].pingMs, absent for self)",
	"mongodb_ss_opLatencies_latency":                    "--collector.diagnosticdata (serverStatus.opLatencies.<op>.latency µs, op_type label by specialConversions)",
	"mongodb_ss_opLatencies_ops":                        "--collector.diagnosticdata (serverStatus.opLatencies.<op>.ops, op_type label by specialConversions)",
	// A mongos's diagnosticdata collector (v0.53.0 exporter/v1_compatibility.go mongosMetrics).
	"mongodb_mongos_sharding_balancer_enabled":      "--collector.diagnosticdata on a mongos (balancerStatus mode \"full\")",
	"mongodb_mongos_sharding_shards_total":          "--collector.diagnosticdata on a mongos (config.shards count)",
	"mongodb_mongos_sharding_shards_draining_total": "--collector.diagnosticdata on a mongos (config.shards draining: true)",
}

// kubeStateMetrics are the kube-state-metrics series the backup alerts
// read (docs/job-metrics.md, docs/cronjob-metrics.md).
var kubeStateMetrics = []string{
	"kube_cronjob_created", "kube_cronjob_status_last_successful_time", "kube_job_failed", "kube_job_status_start_time",
	// kube-state-metrics docs/pod-metrics.md (STABLE): the PBM status checks.
	"kube_pod_container_status_terminated_reason", "kube_pod_init_container_status_terminated_reason",
	// docs/deployment-metrics.md (STABLE): the routers' Deployments.
	"kube_deployment_spec_replicas", "kube_deployment_status_replicas_available",
}

var promql = parser.NewParser(parser.Options{})

func fileMap(files []generators.File) map[string][]byte {
	m := map[string][]byte{}
	for _, f := range files {
		m[f.Path] = f.Data
	}
	return m
}

func ruleFilePaths(m map[string][]byte) []string {
	var ps []string
	for p := range m {
		if strings.HasPrefix(p, Dir+"/"+RulesDir+"/") {
			ps = append(ps, p)
		}
	}
	slices.Sort(ps)
	return ps
}

func parseRules(t *testing.T, name string, data []byte) *rulefmt.RuleGroups {
	t.Helper()
	rgs, errs := rulefmt.Parse(data, false, model.UTF8Validation, promql, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if len(errs) > 0 {
		t.Fatalf("%s: %v", name, errs)
	}
	return rgs
}

// metricNames lists the metric names an expression selects.
func metricNames(t *testing.T, expr string) []string {
	t.Helper()
	e, err := promql.ParseExpr(expr)
	if err != nil {
		t.Fatalf("parse %q: %v", expr, err)
	}
	var out []string
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok {
			out = append(out, selectorNames(vs.Name, vs.LabelMatchers)...)
		}
		return nil
	})
	return out
}

func selectorNames(name string, ms []*labels.Matcher) []string {
	if name != "" {
		return []string{name}
	}
	var out []string
	for _, m := range ms {
		if m.Name != labels.MetricName {
			continue
		}
		if m.Type == labels.MatchEqual {
			out = append(out, m.Value)
		} else if m.Type == labels.MatchRegexp {
			out = append(out, strings.Split(m.Value, "|")...)
		}
	}
	return out
}

func TestRuleFilesParse(t *testing.T) {
	for _, c := range testtopo.Cases(t) {
		t.Run(c.Name, func(t *testing.T) {
			m := fileMap(renderTopo(t, load(t, c.Dir)))
			paths := ruleFilePaths(m)
			want := 3
			if topo := load(t, c.Dir); topo.Sharding != nil {
				want += len(topo.Sharding.Sets()) // a rule file per set
			}
			if len(paths) != want {
				t.Fatalf("rule files = %v, want alerts, recording and SLO", paths)
			}
			for _, p := range paths {
				rgs := parseRules(t, p, m[p])
				for _, g := range rgs.Groups {
					for _, r := range g.Rules {
						if _, err := promql.ParseExpr(r.Expr); err != nil {
							t.Errorf("%s %s%s: %v", p, r.Alert, r.Record, err)
						}
					}
				}
			}
		})
	}
}

// TestMetricNames: no expression reads a series the current exporter or
// kube-state-metrics does not emit, unless a rule records it.
func TestMetricNames(t *testing.T) {
	for _, c := range testtopo.Cases(t) {
		t.Run(c.Name, func(t *testing.T) {
			topo := load(t, c.Dir)
			m := fileMap(renderTopo(t, topo))
			recorded := map[string]bool{}
			var exprs [][2]string // where, expr
			globalRaw := map[string]bool{}
			for _, p := range ruleFilePaths(m) {
				for _, g := range parseRules(t, p, m[p]).Groups {
					for _, r := range g.Rules {
						if r.Record != "" {
							recorded[r.Record] = true
						}
						exprs = append(exprs, [2]string{p, r.Expr})
						if !strings.HasSuffix(p, RecordingFile) {
							for _, n := range metricNames(t, r.Expr) {
								globalRaw[n] = true
							}
						}
					}
				}
			}
			var d dashboard
			if err := json.Unmarshal(m[DashboardPath], &d); err != nil {
				t.Fatal(err)
			}
			for _, p := range d.Panels {
				for _, tg := range p.Targets {
					e := grafanaVars.Replace(tg.Expr)
					exprs = append(exprs, [2]string{fmt.Sprintf("dashboard panel %d", p.ID), e})
					// The dashboard reads the global Prometheus: raw
					// exporter series must be federated.
					for _, n := range metricNames(t, e) {
						if strings.HasPrefix(n, "mongodb_") && !strings.HasPrefix(n, "mongodb:") && !slices.Contains(GlobalExporterMetrics, n) {
							t.Errorf("dashboard panel %q reads %s, which federation does not bring", p.Title, n)
						}
					}
				}
			}
			allowed := func(n string) bool {
				_, exp := exporterMetrics[n]
				return exp || slices.Contains(kubeStateMetrics, n) || slices.Contains(ClusterMetrics, n) || recorded[n] || n == "up"
			}
			for _, e := range exprs {
				for _, n := range metricNames(t, e[1]) {
					if !allowed(n) {
						t.Errorf("%s: metric %q is neither an exporter/kube-state-metrics series nor recorded", e[0], n)
					}
				}
			}
			// The global Prometheus federates every raw series its rules read.
			federated, federatedKSM, match := GlobalExporterMetrics, KubeStateMetrics, federationMatch(topo)
			if topo.Sharding != nil {
				federated = append(slices.Clone(federated), MongosMetrics...)
				federatedKSM = append(slices.Clone(federatedKSM), MongosKubeStateMetrics...)
				match = shardedFederationMatch(topo)
			}
			for n := range globalRaw {
				if strings.HasPrefix(n, "mongodb_") && !slices.Contains(federated, n) {
					t.Errorf("global rules read %s, which federation does not bring", n)
				}
				if strings.HasPrefix(n, "kube_") && !slices.Contains(federatedKSM, n) {
					t.Errorf("global rules read %s, which federation does not bring", n)
				}
			}
			for _, sel := range match {
				ms, err := promql.ParseMetricSelector(sel)
				if err != nil {
					t.Fatalf("match[] %s: %v", sel, err)
				}
				for _, n := range selectorNames("", ms) {
					if n != "mongodb:.*" && !allowed(n) {
						t.Errorf("match[] %s selects unknown metric %s", sel, n)
					}
				}
			}
		})
	}
}

// TestEveryRuleTested: each alert has a promtool case where it fires and
// one where it stays silent; each recorded series has an expected value.
func TestEveryRuleTested(t *testing.T) {
	for _, c := range testtopo.Cases(t) {
		t.Run(c.Name, func(t *testing.T) {
			m := fileMap(renderTopo(t, load(t, c.Dir)))
			for _, p := range ruleFilePaths(m) {
				testPath := Dir + "/" + TestsDir + "/" + filepath.Base(p)
				var tf testFile
				if err := yaml.Unmarshal(m[testPath], &tf); err != nil {
					t.Fatalf("%s: %v", testPath, err)
				}
				if want := "../" + RulesDir + "/" + filepath.Base(p); len(tf.RuleFiles) != 1 || tf.RuleFiles[0] != want {
					t.Errorf("%s: rule_files = %v, want [%s]", testPath, tf.RuleFiles, want)
				}
				fires, silent := map[string]bool{}, map[string]bool{}
				var exprs []string
				for _, tc := range tf.Tests {
					for _, at := range tc.AlertRuleTests {
						if len(at.ExpAlerts) > 0 {
							fires[at.Alertname] = true
						} else {
							silent[at.Alertname] = true
						}
					}
					for _, et := range tc.PromQLExprTests {
						exprs = append(exprs, et.Expr)
					}
				}
				for _, g := range parseRules(t, p, m[p]).Groups {
					for _, r := range g.Rules {
						switch {
						case r.Alert != "" && !fires[r.Alert]:
							t.Errorf("%s: alert %s has no firing test", p, r.Alert)
						case r.Alert != "" && !silent[r.Alert] && r.Alert != "Watchdog":
							t.Errorf("%s: alert %s has no silent test", p, r.Alert)
						case r.Record != "" && !slices.ContainsFunc(exprs, func(e string) bool { return strings.Contains(e, r.Record) }):
							t.Errorf("%s: recording %s has no expected value", p, r.Record)
						}
					}
				}
			}
		})
	}
}

// TestRegionGroups: the groups handed to each region's PrometheusRule are
// exactly those of rules/mongodb-recording.yml, and valid rules.
func TestRegionGroups(t *testing.T) {
	for _, c := range testtopo.Cases(t) {
		t.Run(c.Name, func(t *testing.T) {
			topo := load(t, c.Dir)
			m := fileMap(renderTopo(t, topo))
			var want ruleFile
			if err := yaml.Unmarshal(m[Dir+"/"+RulesDir+"/"+RecordingFile], &want); err != nil {
				t.Fatal(err)
			}
			got, _ := yaml.Marshal(ruleFile{Groups: RegionGroups(topo)})
			exp, _ := yaml.Marshal(want)
			if !bytes.Equal(got, exp) {
				t.Errorf("the PrometheusRule groups differ from %s", RecordingFile)
			}
			parseRules(t, "PrometheusRule", got)
		})
	}
}

func TestConfig(t *testing.T) {
	for _, c := range testtopo.Cases(t) {
		t.Run(c.Name, func(t *testing.T) {
			topo := load(t, c.Dir)
			m := fileMap(renderTopo(t, topo))
			var cfg promConfig
			if err := yaml.Unmarshal(m[ConfigPath], &cfg); err != nil {
				t.Fatal(err)
			}
			if cfg.Global.ScrapeInterval != promDuration(topo.Monitoring.ScrapeInterval) {
				t.Errorf("scrape_interval = %s", cfg.Global.ScrapeInterval)
			}
			if got := cfg.Alerting.Alertmanagers[0].StaticConfigs[0].Targets; !slices.Equal(got, topo.Monitoring.Alertmanagers) {
				t.Errorf("alertmanagers = %v", got)
			}
			for _, rf := range cfg.RuleFiles {
				if _, ok := m[Dir+"/"+rf]; !ok {
					t.Errorf("rule_files names %s, which is not generated", rf)
				}
				if strings.HasSuffix(rf, RecordingFile) {
					t.Errorf("the global Prometheus must not evaluate the regional recordings")
				}
			}
			if len(cfg.ScrapeConfigs) != len(topo.Regions) {
				t.Fatalf("%d scrape configs for %d regions", len(cfg.ScrapeConfigs), len(topo.Regions))
			}
			for i, r := range topo.Regions {
				sc := cfg.ScrapeConfigs[i]
				if sc.JobName != names.FederationJob(r) || !sc.HonorLabels || sc.MetricsPath != "/federate" ||
					!slices.Equal(sc.StaticConfigs[0].Targets, []string{r.Prometheus}) ||
					sc.StaticConfigs[0].Labels[names.SeriesRegionLabel] != r.Name ||
					len(sc.Params["match[]"]) != len(federationMatch(topo)) {
					t.Errorf("scrape config %d = %+v", i, sc)
				}
				if !strings.Contains(string(m[Dir+"/"+RulesDir+"/"+AlertsFile]), fmt.Sprintf(`up{job=%q} == 0`, names.FederationJob(r))) {
					t.Errorf("no federation alert on job %s", names.FederationJob(r))
				}
			}
		})
	}
}

// TestThresholds: thresholds follow the topology (RPO, backup interval,
// availability, period).
func TestThresholds(t *testing.T) {
	for _, c := range testtopo.Cases(t) {
		t.Run(c.Name, func(t *testing.T) {
			topo := load(t, c.Dir)
			m := fileMap(renderTopo(t, topo))
			alerts := string(m[Dir+"/"+RulesDir+"/"+AlertsFile])
			if topo.Sharding != nil {
				// The lag and oplog alerts are each set's.
				for _, set := range topo.Sharding.Sets() {
					alerts += string(m[Dir+"/"+RulesDir+"/"+setFile(set.ReplicaSet.Name)])
				}
			}
			slo := string(m[Dir+"/"+RulesDir+"/"+SLOFile])
			budget := fmtFloat(round12((100 - topo.SLO.Availability) / 100))
			for _, want := range []string{
				"> " + seconds(topo.SLO.RPO/2) + "\n",
				"> " + seconds(topo.SLO.RPO) + "\n",
				") < " + seconds(topo.Backup.Every) + "\n",
				"> " + seconds(2*topo.Backup.Every) + "\n",
			} {
				if !strings.Contains(alerts, want) {
					t.Errorf("alerts lack %q", want)
				}
			}
			for _, want := range []string{"(14.4 * " + budget + ")", "(6 * " + budget + ")", "(3 * " + budget + ")", "(1 * " + budget + ")"} {
				if !strings.Contains(slo, want) {
					t.Errorf("SLO rules lack %q", want)
				}
			}
		})
	}
}

func TestBurnFactors(t *testing.T) {
	day := 24.0
	for _, c := range []struct {
		days float64
		want []float64
	}{
		{30, []float64{14.4, 6, 3, 1}},
		{28, []float64{13.44, 5.6, 2.8, 0.93}},
		{7, []float64{3.36, 1.4, 0.7, 0.23}},
	} {
		period := durationHours(c.days * day)
		var got []float64
		for _, l := range append(slices.Clone(pageLegs), ticketLegs...) {
			got = append(got, l.factor(period))
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%vd: factors %v, want %v", c.days, got, c.want)
		}
	}
}

func TestDashboard(t *testing.T) {
	for _, c := range testtopo.Cases(t) {
		t.Run(c.Name, func(t *testing.T) {
			m := fileMap(renderTopo(t, load(t, c.Dir)))
			var d dashboard
			if err := json.Unmarshal(m[DashboardPath], &d); err != nil {
				t.Fatal(err)
			}
			var titles []string
			for i, p := range d.Panels {
				if p.ID != i+1 {
					t.Errorf("panel %q id %d, want %d", p.Title, p.ID, i+1)
				}
				titles = append(titles, p.Title)
			}
			for _, want := range []string{"Healthy members by region", "Replication lag by member", "Connection utilisation",
				"Data size by region", "Replication traffic fetched by region", "SLO burn rate (5m)"} {
				if !slices.Contains(titles, want) {
					t.Errorf("no panel %q", want)
				}
			}
		})
	}
}

// TestAvailabilityOnlyChangesSLO: 99.999 → 99.9 touches only SLO lines:
// thresholds, and the page legs' severity (99.9 % leaves a budget longer
// than the RTO, so burn-rate alerts page again).
func TestAvailabilityOnlyChangesSLO(t *testing.T) {
	dir := "../../regions"
	files := testtopo.ReadDir(t, dir)
	before := load(t, dir)
	changed := map[string][]byte{}
	for k, v := range files {
		changed[k] = v
	}
	if !bytes.Contains(changed["global.cue"], []byte("availability: 99.999")) {
		t.Fatal("regions/global.cue no longer sets availability: 99.999")
	}
	changed["global.cue"] = bytes.Replace(changed["global.cue"], []byte("availability: 99.999"), []byte("availability: 99.9"), 1)
	after, diags := schema.LoadFiles(dir, changed)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	a, b := fileMap(renderTopo(t, before)), fileMap(renderTopo(t, after))
	sloLine := regexp.MustCompile(`1e-05|0\.001|0\.99999|0\.999\b|99\.9+%|slo:error_budget:ratio|severity: (warning|critical)|Severity .(warning|critical).|objective(: |=)"99\.9+"|paging[:=]`)
	diffs := 0
	for p := range a {
		la, lb := strings.Split(string(a[p]), "\n"), strings.Split(string(b[p]), "\n")
		if len(la) != len(lb) {
			t.Errorf("%s: line count changed (%d → %d)", p, len(la), len(lb))
			continue
		}
		for i := range la {
			if la[i] == lb[i] {
				continue
			}
			diffs++
			if !strings.Contains(p, "slo-") && p != DashboardPath && p != RunbookPath {
				t.Errorf("%s:%d changed outside the SLO files:\n- %s\n+ %s", p, i+1, la[i], lb[i])
			} else if !sloLine.MatchString(la[i]) || !sloLine.MatchString(lb[i]) {
				t.Errorf("%s:%d changed but is not an SLO threshold line:\n- %s\n+ %s", p, i+1, la[i], lb[i])
			}
		}
	}
	if diffs == 0 {
		t.Error("changing the availability changed nothing")
	}
}

func durationHours(h float64) time.Duration { return time.Duration(h * float64(time.Hour)) }
