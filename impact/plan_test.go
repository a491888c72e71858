package impact

import (
	"slices"
	"strings"
	"testing"

	"github.com/topogen/topogen/model"
)

// planFor plans old → new the way `topogen diff` does: old decoded from its
// topology.json, the reconfig files ReconfigSteps writes.
func planFor(t *testing.T, old, new *model.Topology) *Plan {
	t.Helper()
	prev := roundTrip(t, old)
	return BuildPlan(prev, new, Compare(prev, new), ReconfigSteps(prev, new))
}

func defaultTopo(t *testing.T) *model.Topology { return edit(t, "../regions", nil, nil) }

// TestPlanImageChange: the scenario of the issue. An image change restarts
// all 9 members of the default topology (us 7, eu 6, apac 5; 3 members
// each; voters 3/2/2 = 7, majority 4), regions apac → eu → us, from the
// largest ordinal down, us-0 (the primary) last. A non-voter down leaves
// 7 voters up, a voter 6; one more failure leaves 6 or 5, at least 4.
func TestPlanImageChange(t *testing.T) {
	old := defaultTopo(t)
	new := edit(t, "../regions", map[string][]string{"global.cue": {`mongodb: version: "7.0"`, `mongodb: {version: "7.0", image: "mongo:7.0.14"}`}}, nil)
	p := planFor(t, old, new)
	want := []struct {
		pod string
		up  int
	}{
		{"global-rs-apac-2", 7}, {"global-rs-apac-1", 6}, {"global-rs-apac-0", 6},
		{"global-rs-eu-2", 7}, {"global-rs-eu-1", 6}, {"global-rs-eu-0", 6},
		{"global-rs-us-2", 6}, {"global-rs-us-1", 6}, {"global-rs-us-0", 6},
	}
	if !slices.Equal(p.Order, []string{"apac", "eu", "us"}) || p.Voters != 7 || p.Majority != 4 {
		t.Fatalf("order %v, %d voters, majority %d", p.Order, p.Voters, p.Majority)
	}
	if len(p.Steps) != len(want) {
		t.Fatalf("%d steps, want %d: %+v", len(p.Steps), len(want), p.Steps)
	}
	for i, w := range want {
		s := p.Steps[i]
		if s.Stage != StageSync || !slices.Equal(s.Members, []string{w.pod}) || s.VotersUp != w.up || s.Voters != 7 || !s.NPlus1 {
			t.Errorf("step %d: %+v, want sync restarting %s with %d of 7 up, N+1", i+1, s, w.pod, w.up)
		}
	}
	if last := p.Steps[8].What; !strings.Contains(last, "primary") || !strings.Contains(last, "steps it down") {
		t.Errorf("last step %q does not say the primary steps down", last)
	}
	if p.MinVotersUp != 6 || len(p.Warnings) != 0 {
		t.Errorf("min %d warnings %v, want 6 and none", p.MinVotersUp, p.Warnings)
	}
	if len(p.Changes) != 1 || !slices.Equal(p.Changes[0].Steps, []int{1, 2, 3, 4, 5, 6, 7, 8, 9}) || !strings.HasPrefix(p.Changes[0].Effect, "restarts every member") {
		t.Errorf("changes %+v", p.Changes)
	}
}

// TestPlanRestartsNothing: an SLO threshold changes no member.
func TestPlanRestartsNothing(t *testing.T) {
	p := planFor(t, defaultTopo(t), edit(t, "../regions", map[string][]string{"global.cue": {"availability: 99.999", "availability: 99.99"}}, nil))
	if len(p.Steps) != 0 || len(p.Changes) != 1 || p.Changes[0].Effect != "restarts nothing" || p.MinVotersUp != 7 {
		t.Errorf("plan %+v, want no step and \"restarts nothing\"", p)
	}
	if !strings.Contains(p.Text(), "restarts nothing") || !strings.Contains(p.Text(), "No member restarts") {
		t.Errorf("text:\n%s", p.Text())
	}
}

// TestPlanNodeGroupReplacement: new instance types in eu and us replace
// both regions' MongoDB node groups (hashicorp/aws 5.100.0 plans
// instance_types as "forces replacement"). eu down: 7-2 = 5 up, 4 after one
// more failure, safe; us down: 7-3 = 4 up, 3 after one more, not safe; both
// in one apply: 2 of 7.
func TestPlanNodeGroupReplacement(t *testing.T) {
	p := planFor(t, defaultTopo(t), edit(t, "../regions", map[string][]string{
		"eu.cue": {"m6i.4xlarge", "m6i.8xlarge"},
		"us.cue": {"m6i.4xlarge", "m6i.8xlarge"},
	}, nil))
	if len(p.Steps) != 2 {
		t.Fatalf("steps %+v, want two node-group replacements", p.Steps)
	}
	for i, w := range []struct {
		region string
		up     int
		ok     bool
	}{{"eu", 5, true}, {"us", 4, false}} {
		s := p.Steps[i]
		if s.Stage != StageTerraform || s.Region != w.region || s.VotersUp != w.up || s.NPlus1 != w.ok || !strings.Contains(s.What, "replaces the nodes of region "+w.region) || len(s.Members) != 3 {
			t.Errorf("step %d: %+v, want %s replaced with %d up, N+1 %v", i+1, s, w.region, w.up, w.ok)
		}
	}
	joined := strings.Join(p.Warnings, "\n")
	if !strings.Contains(joined, "regions eu, us at once: 2 of 7 voters") || !strings.Contains(joined, "step 2") {
		t.Errorf("warnings %v", p.Warnings)
	}
	for _, c := range p.Changes {
		if !strings.HasPrefix(c.Effect, "replaces the nodes of region") || strings.Contains(c.Effect, "restarts the members") {
			t.Errorf("%s: %q, want a node replacement only (instanceType is not in the pod spec)", c.Path, c.Effect)
		}
	}
}

// TestPlanMemberRemovalReconfigFirst: apac 3 → 1 member, 7 members left.
// Seven voters still fit with at most (7-1)/2 = 3 per region, round-robin
// us, eu, apac: us 3, eu 3, apac 1. From us 3, eu 2, apac 2: apac-1 leaves
// (7 → 6 voters), then eu-2 gains a vote (→ 7): two reconfig files, which
// must run before the sync stops apac-1 and apac-2.
func TestPlanMemberRemovalReconfigFirst(t *testing.T) {
	p := planFor(t, defaultTopo(t), edit(t, "../regions", map[string][]string{"apac.cue": {"members:  3", "members:  1"}}, nil))
	var stages []string
	for _, s := range p.Steps {
		stages = append(stages, s.Stage)
	}
	if !slices.Equal(stages, []string{StageReconfig, StageReconfig, StageSync}) {
		t.Fatalf("stages %v (%+v), want two reconfigs then the sync", stages, p.Steps)
	}
	if p.Steps[0].Voters != 6 || p.Steps[1].Voters != 7 || !p.Steps[0].NPlus1 || !p.Steps[1].NPlus1 {
		t.Errorf("reconfig voters %d, %d, want 6 then 7, both N+1 (6-1 ≥ 4, 7-1 ≥ 4)", p.Steps[0].Voters, p.Steps[1].Voters)
	}
	if !strings.HasPrefix(p.Steps[0].File, ReconfigDir+"/01-") || !slices.Equal(p.Steps[2].Members, []string{"global-rs-apac-1", "global-rs-apac-2"}) {
		t.Errorf("steps %+v", p.Steps)
	}
}

func TestStepList(t *testing.T) {
	for want, in := range map[string][]int{"": nil, " (step 4)": {4}, " (steps 1–9)": {1, 2, 3, 4, 5, 6, 7, 8, 9}, " (steps 1–3, 7)": {1, 2, 3, 7}} {
		if got := StepList(in); got != want {
			t.Errorf("StepList(%v) = %q, want %q", in, got, want)
		}
	}
}

// TestPlanBackupImage: the pbm-agent sidecar runs in every member's pod, so
// a new backup image restarts every member like a mongod image does.
func TestPlanBackupImage(t *testing.T) {
	old := defaultTopo(t)
	new := edit(t, "../regions", map[string][]string{"global.cue": {`retentionDays: 30`, `retentionDays: 30, image: "percona/percona-backup-mongodb:2.11.0"`}}, nil)
	p := planFor(t, old, new)
	if len(p.Changes) != 1 || len(p.Changes[0].Steps) != 9 || !strings.HasPrefix(p.Changes[0].Effect, "restarts every member") {
		t.Errorf("changes %+v", p.Changes)
	}
}
