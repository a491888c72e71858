package impact

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	"github.com/topogen/topogen/model"
)

// ReconfigDir holds the ordered reconfig steps, relative to the output
// directory: NN-<change>.json, each a full replica-set config (written by
// generators/reconfig).
const ReconfigDir = "replset/reconfig"

// Step is one planned reconfig: the members of the configuration it
// installs, which differs from the one before in exactly one voter.
type Step struct {
	// File is the step's path in the output directory,
	// ReconfigDir/NN-<change>.json.
	File string
	// Change names the voter change: "add-voter-<pod>", "demote-<pod>" or
	// "remove-voter-<pod>".
	Change string
	// Version is the placeholder config version (2, 3, ...): mongosh's
	// rs.reconfig() replaces it with the running version + 1.
	Version int
	// Members in _id order.
	Members []model.Member
}

// Voters is the number of voting members of the step's configuration.
func (s Step) Voters() int {
	n := 0
	for _, m := range s.Members {
		n += m.Votes
	}
	return n
}

// ReconfigSteps plans the reconfigs that take the running set from old's
// configuration to new's when one reconfig is not enough: a non-force
// reconfig may add or remove at most one voting member (mongodb-facts.md
// §1.8, "Non force replica set reconfig can only add or remove at most 1
// voting member"). It returns nil when a single reconfig suffices (at most
// one voter added or removed) or when the sets differ in name (not a
// reconfig at all).
//
// Each step is a full config (new's settings, the step's members) that
// differs from the previous one in exactly one voter:
//   - members are identified by _id and host (_id = 100*region id +
//     ordinal, stable per host); a member new in the target joins first as
//     votes 0, priority 0, so its data syncs before it votes;
//   - voters are added while fewer than 7 vote, preferring to remove one
//     when the count is even, so the count stays odd whenever possible and
//     never exceeds 7 (§1.3); an intermediate step may hold an even number
//     of voters, which mongod accepts (§1.3: odd is a recommendation);
//   - changes that touch no vote (priorities of members voting in both,
//     non-voting members, tags) ride along with the first step they can.
//
// The last step equals new's configuration. Every config carries a
// placeholder version (2, 3, ...): mongosh's rs.reconfig() replaces it with
// the running version + 1.
func ReconfigSteps(old, new *model.Topology) []Step {
	if old.ReplicaSet.Name != new.ReplicaSet.Name {
		return nil
	}
	cur := map[memberKey]model.Member{}
	for _, m := range old.Members {
		cur[key(m)] = m
	}
	tgt := map[memberKey]model.Member{}
	for _, m := range new.Members {
		tgt[key(m)] = m
	}
	if voterChanges(cur, tgt) <= 1 {
		return nil
	}
	var steps []Step
	for step := 1; voterChanges(cur, tgt) > 0; step++ {
		free(cur, tgt)
		slug, ok := toggle(cur, tgt)
		if !ok {
			break // cannot happen with 1..7 voters on both sides
		}
		free(cur, tgt)
		members := slices.SortedFunc(maps.Values(cur), func(a, b model.Member) int { return cmp.Compare(a.ID, b.ID) })
		steps = append(steps, Step{
			File:    fmt.Sprintf("%s/%02d-%s.json", ReconfigDir, step, slug),
			Change:  slug,
			Version: step + 1,
			Members: members,
		})
	}
	return steps
}

type memberKey struct {
	id   int
	host string
}

func key(m model.Member) memberKey { return memberKey{m.ID, m.HostPort()} }

// voterChanges counts the members whose vote differs between the two
// configs, the quantity mongod limits to 1 per non-force reconfig.
func voterChanges(cur, tgt map[memberKey]model.Member) int {
	n := 0
	for k, m := range cur {
		if m.Votes > 0 && tgt[k].Votes == 0 {
			n++
		}
	}
	for k, m := range tgt {
		if m.Votes > 0 && cur[k].Votes == 0 {
			n++
		}
	}
	return n
}

// free applies every change that touches no vote: new members join as
// non-voters (once no other member holds their host), departing non-voters
// leave, members voting (or not) on both sides take their target priority
// and tags.
func free(cur, tgt map[memberKey]model.Member) {
	hosts := map[string]bool{}
	for k := range cur {
		hosts[k.host] = true
	}
	for k, m := range cur {
		t, inTgt := tgt[k]
		switch {
		case !inTgt && m.Votes == 0:
			delete(cur, k)
			delete(hosts, k.host)
		case inTgt && (m.Votes > 0) == (t.Votes > 0):
			cur[k] = t
		}
	}
	for _, k := range slices.SortedFunc(maps.Keys(tgt), compareKeys) {
		if _, ok := cur[k]; ok || hosts[k.host] {
			continue
		}
		m := tgt[k]
		m.Votes, m.Priority = 0, 0
		cur[k] = m
		hosts[k.host] = true
	}
}

// toggle adds or removes one voter and names the step.
func toggle(cur, tgt map[memberKey]model.Member) (string, bool) {
	var adds, removes []memberKey
	voters := 0
	for k, m := range cur {
		voters += m.Votes
		if m.Votes > 0 && tgt[k].Votes == 0 {
			removes = append(removes, k)
		}
		if m.Votes == 0 && tgt[k].Votes > 0 {
			adds = append(adds, k)
		}
	}
	// Most preferred joins first; least preferred leaves first.
	slices.SortFunc(adds, func(a, b memberKey) int {
		return cmp.Or(-cmp.Compare(tgt[a].Priority, tgt[b].Priority), compareKeys(a, b))
	})
	slices.SortFunc(removes, func(a, b memberKey) int {
		return cmp.Or(cmp.Compare(cur[a].Priority, cur[b].Priority), -compareKeys(a, b))
	})
	canAdd := len(adds) > 0 && voters < model.MaxVoters
	canRemove := len(removes) > 0 && voters > 1
	switch {
	case canAdd && !(voters%2 == 0 && canRemove):
		k := adds[0]
		cur[k] = tgt[k]
		return "add-voter-" + tgt[k].Pod, true
	case canRemove:
		k := removes[0]
		pod := cur[k].Pod
		if t, ok := tgt[k]; ok {
			cur[k] = t
			return "demote-" + pod, true
		}
		delete(cur, k)
		return "remove-voter-" + pod, true
	}
	return "", false
}

func compareKeys(a, b memberKey) int {
	return cmp.Or(cmp.Compare(a.id, b.id), cmp.Compare(a.host, b.host))
}
