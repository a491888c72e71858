package analysis

import (
	"slices"
	"strings"
	"testing"

	"github.com/topogen/topogen/model"
)

// The expected values below are counted by hand from each golden input's
// regions (members, priorities) and the vote rules of schema/votes.go
// (at most 7 voters, no region holding a majority, round-robin in
// preference order), not read back from RolloutPlan.
var rolloutCases = []struct {
	name, dir string
	// regions in the expected order: non-preferred by ascending priority,
	// then the preferred one.
	regions []string
	// voters per region, counted by hand.
	voters map[string]int
	// members per region (the input's members:).
	members map[string]int
	total   int // voters
	safe    bool
}{
	{
		// us 7, eu 6, apac 5; 3 members each; 3/2/2 voters.
		name: "default", dir: "../regions",
		regions: []string{"apac", "eu", "us"},
		voters:  map[string]int{"us": 3, "eu": 2, "apac": 2},
		members: map[string]int{"us": 3, "eu": 3, "apac": 3},
		total:   7, safe: true,
	},
	{
		// us 7 and eu 6, 3 members each: 5 voters, us 3 and eu 2 (two
		// regions: the larger may hold the majority, which vet warns about).
		// One voter restarting leaves 4; one more failing leaves 3, still
		// the majority of 5: the rollout itself is N+1-safe.
		name: "two-regions", dir: "../golden/two-regions/input",
		regions: []string{"eu", "us"},
		voters:  map[string]int{"us": 3, "eu": 2},
		members: map[string]int{"us": 3, "eu": 3},
		total:   5, safe: true,
	},
	{
		// use 7 (3 members), usw 6 (2), euw 5 (3), apse 4 (2), sae 0 (1).
		// Round-robin over use, usw, euw, apse, sae (at most 3 each):
		// use 2, usw 2, euw 1, apse 1, sae 1 = 7.
		name: "five-regions", dir: "../golden/five-regions/input",
		regions: []string{"sae", "apse", "euw", "usw", "use"},
		voters:  map[string]int{"use": 2, "usw": 2, "euw": 1, "apse": 1, "sae": 1},
		members: map[string]int{"use": 3, "usw": 2, "euw": 3, "apse": 2, "sae": 1},
		total:   7, safe: true,
	},
	{
		// Seven regions of 7 members, priorities na 7, nw 6, sa 5, eu 4,
		// ec 3, as 2, oc 1: one voter each.
		name: "seven-by-seven", dir: "../golden/seven-by-seven/input",
		regions: []string{"oc", "as", "ec", "eu", "sa", "nw", "na"},
		voters:  map[string]int{"na": 1, "nw": 1, "sa": 1, "eu": 1, "ec": 1, "as": 1, "oc": 1},
		members: map[string]int{"na": 7, "nw": 7, "sa": 7, "eu": 7, "ec": 7, "as": 7, "oc": 7},
		total:   7, safe: true,
	},
}

// TestRolloutNPlus1 checks the derived order of every case against the
// scenario: region order, one member at a time from the largest ordinal,
// the primary (ordinal 0 of the preferred region) last, and at every step
// total-votes(member) voters up and one fewer after another failure, which
// must reach total/2+1.
func TestRolloutNPlus1(t *testing.T) {
	for _, c := range rolloutCases {
		t.Run(c.name, func(t *testing.T) {
			topo := load(t, c.dir, readDir(t, c.dir))
			ro := RolloutPlan(topo)
			majority := c.total/2 + 1
			if ro.Voters != c.total || ro.Majority != majority {
				t.Fatalf("voters %d majority %d, want %d and %d", ro.Voters, ro.Majority, c.total, majority)
			}
			if !slices.Equal(ro.Regions, c.regions) {
				t.Errorf("regions %v, want %v", ro.Regions, c.regions)
			}
			// The expected steps, built from the hand counts.
			type step struct {
				pod     string
				votes   int
				primary bool
			}
			var want []step
			for _, r := range c.regions {
				for i := c.members[r] - 1; i >= 0; i-- {
					v := 0
					if i < c.voters[r] {
						v = 1
					}
					want = append(want, step{model.PodName("global-rs", r, i), v, r == c.regions[len(c.regions)-1] && i == 0})
				}
			}
			if len(ro.Steps) != len(want) {
				t.Fatalf("%d steps, want %d (one per member)", len(ro.Steps), len(want))
			}
			minUp := c.total
			for i, s := range ro.Steps {
				w := want[i]
				up := c.total - w.votes
				minUp = min(minUp, up)
				if s.Pod != w.pod || s.Votes != w.votes || s.Primary != w.primary || s.Step != i+1 {
					t.Errorf("step %d: %s votes %d primary %v, want %s votes %d primary %v", i+1, s.Pod, s.Votes, s.Primary, w.pod, w.votes, w.primary)
				}
				if s.VotersUp != up || s.VotersUpNPlus1 != up-1 {
					t.Errorf("step %d (%s): %d up, %d after one more failure; want %d and %d", i+1, s.Pod, s.VotersUp, s.VotersUpNPlus1, up, up-1)
				}
				if s.NPlus1 != (up-1 >= majority) {
					t.Errorf("step %d (%s): N+1 %v with %d-1 of %d up, majority %d", i+1, s.Pod, s.NPlus1, up, c.total, majority)
				}
			}
			if ro.Safe != c.safe || ro.MinVotersUp != minUp || ro.MinVotersUpNPlus1 != minUp-1 {
				t.Errorf("safe %v min up %d/%d, want %v %d/%d", ro.Safe, ro.MinVotersUp, ro.MinVotersUpNPlus1, c.safe, minUp, minUp-1)
			}
			if d := CheckRollout(topo); len(d) != 0 {
				t.Errorf("CheckRollout: %v, want nothing for a safe order", d)
			}
		})
	}
}

// TestAllAtOnceViolatesNPlus1: delivering every region at once lets each
// StatefulSet roll on its own; at the moment us-2, eu-1 and apac-1 (each
// region's highest voting ordinal) restart together, 4 of 7 voters remain,
// the bare majority, and one more failure leaves 3 < 4.
func TestAllAtOnceViolatesNPlus1(t *testing.T) {
	topo := load(t, "../regions", readDir(t, "../regions"))
	down, up, after, ok := AllAtOnce(topo)
	want := Down{2: true, 101: true, 201: true, 1: false, 102: false, 202: false}
	for id, isDown := range want {
		if down[id] != isDown {
			t.Errorf("member %d down %v, want %v (down: %v)", id, down[id], isDown, down)
		}
	}
	if len(down) != 3 || up != 4 || after != 3 || ok {
		t.Errorf("all at once: %d down, %d up, %d after one more failure, N+1 %v; want 3, 4, 3, false", len(down), up, after, ok)
	}
}

// TestNoSafeOrder: three regions of one member each have 3 voters; one
// restarting and one failing leave 1 of 3, below the majority of 2. At the
// default 99.999% that fails vet; at 99.5% it is a warning.
func TestNoSafeOrder(t *testing.T) {
	files := readDir(t, "../regions")
	for _, r := range []string{"us", "eu", "apac"} {
		files[r+".cue"] = []byte(strings.Replace(string(files[r+".cue"]), "members:  3", "members:  1", 1))
	}
	topo := load(t, "../regions", files)
	ro := RolloutPlan(topo)
	if ro.Safe || ro.Voters != 3 || ro.MinVotersUpNPlus1 != 1 || !strings.Contains(ro.Cause, "below the majority of 2") {
		t.Fatalf("rollout %+v, want unsafe with 1 of 3 voters left", ro)
	}
	ds := CheckRollout(topo)
	if len(ds) != 1 || ds[0].Severity != model.Error || ds[0].Path != "regions" || !strings.Contains(ds[0].Fix, "5 or 7 voters") {
		t.Fatalf("CheckRollout at 99.999%%: %v, want one error", ds)
	}

	files["global.cue"] = []byte(strings.Replace(string(files["global.cue"]), "availability: 99.999", "availability: 99.5", 1))
	ds = CheckRollout(load(t, "../regions", files))
	if len(ds) != 1 || ds[0].Severity != model.Warning || ds[0].Path != "slo.availability" {
		t.Fatalf("CheckRollout at 99.5%%: %v, want one warning", ds)
	}
}

// TestRegionLossDuringRollout: N+1 covers one member, not a region. At rest
// the default set survives losing us (7-3 = 4 = majority); with an apac or
// eu voter restarting, 3 remain. Losing eu or apac (2 voters) with one more
// voter down leaves 4: kept. Two regions: at rest losing eu leaves 3 of 5;
// with a us voter restarting, 2. Losing us is lost at rest already (vet's
// two-region warning), so it is not listed.
func TestRegionLossDuringRollout(t *testing.T) {
	for _, c := range []struct {
		dir  string
		want []RegionLossDuringRollout
	}{
		{"../regions", []RegionLossDuringRollout{{Lost: "us", During: "apac", VotesLeft: 3}, {Lost: "us", During: "eu", VotesLeft: 3}}},
		{"../golden/two-regions/input", []RegionLossDuringRollout{{Lost: "eu", During: "us", VotesLeft: 2}}},
	} {
		ro := RolloutPlan(load(t, c.dir, readDir(t, c.dir)))
		if !slices.Equal(ro.RegionLoss, c.want) {
			t.Errorf("%s: %+v, want %+v", c.dir, ro.RegionLoss, c.want)
		}
	}
}
