package impact

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/topogen/topogen/analysis"
	"github.com/topogen/topogen/model"
)

// The rollout plan `topogen diff` shows reviewers: for the changes of one
// pull request, what happens to the running members, step by step, in the
// order analysis derives (analysis.RolloutPlan), with the voters up at each
// step and whether one more voter failing would stop writes (N+1).
//
// Stages, in the order they run:
//  1. terraform: the infrastructure pipeline's apply. A node-group
//     replacement (an instance type change: the real hashicorp/aws 5.100.0
//     plans aws_eks_node_group.instance_types as "forces replacement", and
//     the node group has a fixed name, so Terraform destroys it before
//     creating the new one) takes every member of the region off its nodes
//     at once; one apply replaces every region's node groups in parallel.
//  2. reconfig before the sync, when members are removed: the sync deletes
//     their pods, so the reconfigs that drop them run first.
//  3. sync: the GitOps delivery, one region at a time in rollout order
//     (RollingSync steps, dependsOn chain); each region's StatefulSet
//     restarts its members one at a time, largest ordinal first, and starts
//     new members as non-voters.
//  4. reconfig after the sync, when members are added: they must run before
//     a reconfig can give them a vote (out/replset/reconfig/NN-*.json, one
//     voter per reconfig, each new member SECONDARY before the next step).

// Stages of a plan step.
const (
	StageTerraform = "terraform"
	StageSync      = "sync"
	StageReconfig  = "reconfig"
)

// Plan is the rollout plan of a set of changes.
type Plan struct {
	// Order is the rollout order of the regions (the new topology's).
	Order []string `json:"order"`
	// PreviousOrder is the order before the change, when it differs (a
	// priority change reorders the RollingSync steps and dependsOn chain).
	PreviousOrder []string `json:"previousOrder,omitempty"`
	Voters        int      `json:"voters"`
	Majority      int      `json:"majority"`
	// Changes say, for each topology change in Compare's order, what it
	// does to the members and which steps carry it out.
	Changes []ChangePlan `json:"changes"`
	Steps   []PlanStep   `json:"steps"`
	// MinVotersUp is the fewest voters up at any step (Voters when nothing
	// restarts).
	MinVotersUp int `json:"minVotersUp"`
	// Warnings: steps that break N+1, several regions hit in one apply.
	Warnings []string `json:"warnings"`
}

// ChangePlan is one change's effect.
type ChangePlan struct {
	Path    string `json:"path"`
	Summary string `json:"summary"`
	// Effect in words, e.g. "restarts every member, one at a time" or
	// "restarts nothing".
	Effect string `json:"effect"`
	// Steps are the plan's step numbers carrying the change out.
	Steps []int `json:"steps"`
}

// PlanStep is one step.
type PlanStep struct {
	Step   int    `json:"step"`
	Stage  string `json:"stage"`
	Region string `json:"region,omitempty"`
	// What happens, in words.
	What string `json:"what"`
	// Members restarted, started or reconfigured (pod names); File is the
	// reconfig step's file under the output directory.
	Members []string `json:"members,omitempty"`
	File    string   `json:"file,omitempty"`
	// VotersUp during the step, of Voters configured; NPlus1: one more voter
	// failing still leaves a majority and an electable member.
	VotersUp int  `json:"votersUp"`
	Voters   int  `json:"voters"`
	NPlus1   bool `json:"nPlus1"`
}

// BuildPlan plans the changes from old to new. reconfig are the reconfig
// steps the compiled tree holds (out/replset/reconfig/NN-*.json);
// without them, a reconfig is one rs.reconfig() to new's configuration.
func BuildPlan(old, new *model.Topology, changes []Change, reconfig []Step) *Plan {
	if len(changes) == 0 {
		return nil
	}
	ro := analysis.RolloutPlan(new)
	p := &Plan{Order: ro.Regions, Voters: new.Voters(), Majority: new.Majority(), MinVotersUp: new.Voters(),
		Changes: []ChangePlan{}, Steps: []PlanStep{}, Warnings: []string{}}
	if prev := analysis.RolloutPlan(old).Regions; !slices.Equal(prev, ro.Regions) {
		p.PreviousOrder = prev
	}

	effects := make([]effect, len(changes))
	var all effect
	for i, c := range changes {
		e := effectOf(c, old, new)
		effects[i] = e
		all.restartAll = all.restartAll || e.restartAll
		all.restart = append(all.restart, e.restart...)
		all.replaceNodes = append(all.replaceNodes, e.replaceNodes...)
		all.replaceAppOnly = append(all.replaceAppOnly, e.replaceAppOnly...)
		all.controlPlane = all.controlPlane || e.controlPlane
		all.reconfig = all.reconfig || e.reconfig
	}
	// Steps carrying each kind of effect, by region ("" for global ones).
	nodeSteps := map[string][]int{}
	restartSteps := map[string][]int{}
	startSteps := map[string][]int{}
	var cpSteps, reconfigSteps []int

	add := func(s PlanStep) int {
		s.Step = len(p.Steps) + 1
		p.Steps = append(p.Steps, s)
		p.MinVotersUp = min(p.MinVotersUp, s.VotersUp)
		if !s.NPlus1 {
			p.Warnings = append(p.Warnings, fmt.Sprintf("step %d (%s): %d of %d voters up; one more voter failing leaves less than the majority of %d, so writes stop",
				s.Step, s.What, s.VotersUp, s.Voters, p.Majority))
		}
		return s.Step
	}
	down := func(members []model.Member) analysis.Down {
		d := analysis.Down{}
		for _, m := range members {
			d[m.ID] = true
		}
		return d
	}
	step := func(stage, region, what string, members []model.Member) PlanStep {
		up, _, _, ok := analysis.NPlus1(new, down(members))
		s := PlanStep{Stage: stage, Region: region, What: what, VotersUp: up, Voters: new.Voters(), NPlus1: ok}
		for _, m := range members {
			s.Members = append(s.Members, m.Pod)
		}
		return s
	}

	// 1. terraform.
	if all.controlPlane {
		cpSteps = append(cpSteps, add(PlanStep{Stage: StageTerraform, What: "upgrades the EKS control plane of every region (no member restarts)",
			VotersUp: new.Voters(), Voters: new.Voters(), NPlus1: true}))
	}
	replaced := map[string]bool{}
	for _, r := range ro.Regions {
		if !slices.Contains(all.replaceNodes, r) {
			continue
		}
		replaced[r] = true
		ms := new.RegionMembers(r)
		nodeSteps[r] = append(nodeSteps[r], add(step(StageTerraform, r,
			fmt.Sprintf("replaces the nodes of region %s: its node group is destroyed, then created, so its %d member(s) are down together until the new nodes are ready", r, len(ms)), ms)))
	}
	for _, r := range ro.Regions {
		if slices.Contains(all.replaceAppOnly, r) {
			nodeSteps[r] = append(nodeSteps[r], add(PlanStep{Stage: StageTerraform, Region: r,
				What:     "replaces the application nodes of region " + r + " (no member restarts)",
				VotersUp: new.Voters(), Voters: new.Voters(), NPlus1: true}))
		}
	}
	if len(replaced) > 1 {
		var rs []string
		for _, r := range ro.Regions {
			if replaced[r] {
				rs = append(rs, r)
			}
		}
		ms := []model.Member{}
		for _, r := range rs {
			ms = append(ms, new.RegionMembers(r)...)
		}
		up, _, _, _ := analysis.NPlus1(new, down(ms))
		p.Warnings = append(p.Warnings, fmt.Sprintf("one terraform apply replaces the nodes of regions %s at once: %d of %d voters stay up (majority %d); apply one region at a time (terraform apply -target=aws_eks_node_group.<region>_mongodb) in the order %s",
			strings.Join(rs, ", "), up, new.Voters(), new.Majority(), strings.Join(ro.Regions, " → ")))
	}

	// 2-4. reconfigs around the sync.
	removing := false
	for _, r := range old.Regions {
		n, ok := new.Region(r.Name)
		if !ok || n.Members < r.Members {
			removing = true
		}
	}
	reconfigStage := func() {
		if !all.reconfig {
			return
		}
		if len(reconfig) == 0 {
			reconfigSteps = append(reconfigSteps, add(PlanStep{Stage: StageReconfig,
				What:     "one rs.reconfig() to the configuration of replset/rs-initiate.json (mongosh sets the version)",
				VotersUp: new.Voters(), Voters: new.Voters(), NPlus1: new.Voters()-1 >= new.Majority()}))
			return
		}
		for _, st := range reconfig {
			voters := st.Voters()
			maj := voters/2 + 1
			reconfigSteps = append(reconfigSteps, add(PlanStep{Stage: StageReconfig, File: st.File,
				What:     fmt.Sprintf("rs.reconfig() with %s (%s), then wait until every member is PRIMARY or SECONDARY", path.Base(st.File), st.Change),
				VotersUp: voters, Voters: voters, NPlus1: voters-1 >= maj && voters > 0}))
		}
	}
	if removing {
		reconfigStage()
	}
	for _, r := range ro.Regions {
		o, inOld := old.Region(r)
		n, _ := new.Region(r)
		if !inOld {
			o.Members = 0
		}
		if n.Members > o.Members {
			var ms []model.Member
			for _, m := range new.RegionMembers(r) {
				if m.Ordinal >= o.Members {
					ms = append(ms, m)
				}
			}
			s := PlanStep{Stage: StageSync, Region: r, VotersUp: new.Voters(), Voters: new.Voters(), NPlus1: true}
			voting := 0
			for _, m := range ms {
				s.Members = append(s.Members, m.Pod)
				voting += m.Votes
			}
			// A started member is not in the replica-set configuration
			// until a reconfig adds it, so it counts for no vote yet.
			s.What = fmt.Sprintf("starts %d new member(s) of region %s (%s), outside the replica set until the reconfig", len(ms), r, strings.Join(s.Members, ", "))
			if voting > 0 {
				s.What += fmt.Sprintf(" adds them; %d of them then vote", voting)
			}
			startSteps[r] = append(startSteps[r], add(s))
		}
		if inOld && n.Members < o.Members {
			var pods []string
			for _, m := range old.RegionMembers(r) {
				if m.Ordinal >= n.Members {
					pods = append(pods, m.Pod)
				}
			}
			startSteps[r] = append(startSteps[r], add(PlanStep{Stage: StageSync, Region: r, Members: pods,
				What:     fmt.Sprintf("stops %d member(s) of region %s (%s), already out of the replica set", len(pods), r, strings.Join(pods, ", ")),
				VotersUp: new.Voters(), Voters: new.Voters(), NPlus1: new.Voters()-1 >= new.Majority()}))
		}
		if !all.restartAll && !slices.Contains(all.restart, r) {
			continue
		}
		for _, st := range ro.Steps {
			if st.Region != r {
				continue
			}
			m, _ := memberByID(new, st.ID)
			what := "restarts " + m.Pod
			switch {
			case st.Primary:
				what += " (the primary at rest, last: its preStop hook steps it down)"
			case m.Votes == 0:
				what += " (non-voting)"
			}
			restartSteps[r] = append(restartSteps[r], add(step(StageSync, r, what, []model.Member{m})))
		}
	}
	if !removing {
		reconfigStage()
	}

	for i, c := range changes {
		e := effects[i]
		cp := ChangePlan{Path: c.Path, Summary: c.Summary, Steps: []int{}}
		var words []string
		switch {
		case e.destructive:
			words = append(words, "destructive: replaces infrastructure or data (see the change); not a rolling change")
		case e.restartAll:
			words = append(words, "restarts every member, one at a time, regions in the order "+strings.Join(ro.Regions, " → "))
			for _, r := range ro.Regions {
				cp.Steps = append(cp.Steps, restartSteps[r]...)
			}
		}
		for _, r := range e.restart {
			words = append(words, "restarts the members of region "+r+", one at a time")
			cp.Steps = append(cp.Steps, restartSteps[r]...)
		}
		for _, r := range e.replaceNodes {
			words = append(words, "replaces the nodes of region "+r)
			cp.Steps = append(cp.Steps, nodeSteps[r]...)
		}
		for _, r := range e.replaceAppOnly {
			words = append(words, "replaces the application nodes of region "+r+" (no member restarts)")
			cp.Steps = append(cp.Steps, nodeSteps[r]...)
		}
		if e.controlPlane {
			words = append(words, "upgrades the EKS control planes; restarts no member")
			cp.Steps = append(cp.Steps, cpSteps...)
		}
		if e.reconfig {
			words = append(words, "reconfigures the replica set")
			if c.Region != "" {
				cp.Steps = append(cp.Steps, startSteps[c.Region]...)
			}
			cp.Steps = append(cp.Steps, reconfigSteps...)
		}
		if len(words) == 0 {
			words = append(words, "restarts nothing")
		}
		cp.Effect = strings.Join(words, "; ")
		slices.Sort(cp.Steps)
		cp.Steps = slices.Compact(cp.Steps)
		p.Changes = append(p.Changes, cp)
	}
	return p
}

func memberByID(t *model.Topology, id int) (model.Member, bool) {
	for _, m := range t.Members {
		if m.ID == id {
			return m, true
		}
	}
	return model.Member{}, false
}
