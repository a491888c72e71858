package prometheus

import (
	"fmt"
	"time"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// KubeStateMetricsJob is the job label of kube-state-metrics series in each
// regional Prometheus (the name the kube-prometheus-stack and the upstream
// manifests give its Service). The backup alerts and the federation match[]
// select on it.
const KubeStateMetricsJob = "kube-state-metrics"

// memberRegionRe captures the region from an exporter's member_idx label,
// the member's "host:port" (mongodb-facts.md §5), in the host format
// model.MemberHost writes.
const memberRegionRe = model.MemberHostRegionRe

// gen holds what every rule builder derives from the topology.
type gen struct {
	t *model.Topology
	// exporter is the label matcher of the exporter's series.
	exporter string
	// ksm is the label matcher of the MongoDB namespace's
	// kube-state-metrics series.
	ksm string
	// lookback is the longest range the global rules read (checkGroups),
	// set once the rule files are rendered; the retention follows from it.
	lookback time.Duration
	// sharded is the whole topology in the sharded mode (t is then one
	// set, or the cluster as one view: sharded.go); nil in the replica-set
	// mode.
	sharded *model.Topology
	// setFiles are the sets' rule files the global Prometheus loads too
	// (the sharded mode).
	setFiles []string
	// set is the set whose series the exporter matcher selects (rs_nm, a
	// sharded set's rules); "" selects every exporter series.
	set string
}

// absentLabels are the labels absent() of an exporter selector yields: its
// equality matchers.
func (g *gen) absentLabels() labelSet {
	ls := labelSet{{"job", names.ExporterJob}}
	if g.set != "" {
		ls = append(ls, [2]string{"rs_nm", g.set})
	}
	return ls
}

func newGen(t *model.Topology) *gen {
	return &gen{
		t:        t,
		exporter: fmt.Sprintf(`job=%q`, names.ExporterJob),
		ksm:      fmt.Sprintf(`job=%q,namespace=%q`, KubeStateMetricsJob, t.Kubernetes.Namespace),
	}
}

// withMemberRegion wraps expr, whose result carries member_idx, with a
// member_region label derived from the member's host name.
func withMemberRegion(expr string) string {
	return fmt.Sprintf(`label_replace(%s, "member_region", "$1", "member_idx", %q)`, expr, memberRegionRe)
}

// regionHostRe matches member_idx values of one region's members.
func regionHostRe(region string) string { return `[^.]+[.]` + region + `[.].+` }

func seconds(d time.Duration) string { return fmtFloat(d.Seconds()) }

// instance is the synthetic instance label of a member's exporter sidecar
// in tests.
func instance(m model.Member) string {
	return fmt.Sprintf("%s:%d", m.Pod, names.ExporterPort)
}

// observer returns the member whose exporter reports replica-set status in
// the tests: the first member of the preferred region.
func (g *gen) observer() model.Member {
	return g.t.RegionMembers(g.t.Preferred().Name)[0]
}

// exporterLabels are the labels a member's exporter series carry in the
// global Prometheus: job (ServiceMonitor), region (ServiceMonitor
// relabeling, names.SeriesRegionLabel), instance, rs_nm (exporter topology
// label, mongodb-facts.md §5).
func (g *gen) exporterLabels(m model.Member) labelSet {
	return labelSet{
		{"job", names.ExporterJob},
		{names.SeriesRegionLabel, m.Region},
		{"instance", instance(m)},
		{"rs_nm", g.t.ReplicaSet.Name},
	}
}

// failingRegion is the region the tests take down: the last one in
// preference order, so the primary survives when there are several.
func (g *gen) failingRegion() model.Region {
	rs := g.t.PreferredRegions()
	return rs[len(rs)-1]
}
