package impact

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/topogen/topogen/generators/replset"
	"github.com/topogen/topogen/model"
)

func voterSet(c replset.Config) map[string]bool {
	out := map[string]bool{}
	for _, m := range c.Members {
		if m.Votes > 0 {
			out[fmt.Sprint(m.ID, m.Host)] = true
		}
	}
	return out
}

func symDiff(a, b map[string]bool) int {
	n := 0
	for k := range a {
		if !b[k] {
			n++
		}
	}
	for k := range b {
		if !a[k] {
			n++
		}
	}
	return n
}

// checkSteps asserts the mongod rules on a plan: each step a valid config
// (replset.CheckTransitionConfig on intermediate steps, which may hold an
// even voter count as mongod allows, mongodb-facts.md §1.3; the full
// replset.CheckConfig on the last), at most one voter changed per step
// (§1.8), ending at new's configuration.
func checkSteps(t *testing.T, old, new *model.Topology, wantSteps int) {
	t.Helper()
	steps := ReconfigSteps(old, new)
	if len(steps) != wantSteps {
		t.Fatalf("%d steps, want %d", len(steps), wantSteps)
	}
	prev := replset.InitiateConfig(old)
	var cfg replset.Config
	for i, f := range steps {
		if f.File != ReconfigDir+"/"+fmt.Sprintf("%02d-%s.json", i+1, f.Change) || f.Version != i+2 {
			t.Errorf("step %d: file %s, version %d", i+1, f.File, f.Version)
		}
		// The configuration generators/reconfig writes for the step.
		cfg = replset.BuildConfig(new.ReplicaSet, f.Members, f.Version)
		check := replset.CheckTransitionConfig
		if i == len(steps)-1 {
			check = func(c replset.Config) []string { return replset.CheckConfig(c, false) }
		}
		for _, e := range check(cfg) {
			t.Errorf("%s: %s", f.File, e)
		}
		if n := symDiff(voterSet(prev), voterSet(cfg)); n > 1 {
			t.Errorf("%s changes %d voters", f.File, n)
		}
		prev = cfg
	}
	want := replset.InitiateConfig(new)
	want.Version = cfg.Version
	if d := cmp.Diff(want, cfg); d != "" {
		t.Errorf("last step is not the new config (-want +got):\n%s", d)
	}
}

func TestReconfigStepsNotNeeded(t *testing.T) {
	// apac 3 → 5 members, votes unchanged: the two new members join as
	// non-voters in one reconfig.
	old := load(t, readDir(t, "../regions"))
	topo := edit(t, "../regions", map[string][]string{"apac.cue": {"members:  3", "members:  5"}}, nil)
	if steps := ReconfigSteps(old, topo); steps != nil {
		t.Errorf("one reconfig suffices, got %d steps", len(steps))
	}
	// A priority change only.
	topo = edit(t, "../regions", map[string][]string{"eu.cue": {"priority: 6", "priority: 4"}}, nil)
	if steps := ReconfigSteps(old, topo); steps != nil {
		t.Errorf("one reconfig suffices, got %d steps", len(steps))
	}
}

func TestReconfigSteps(t *testing.T) {
	region := func(name, cloud, cidr string, id, prio, members int) string {
		return fmt.Sprintf(`package regions
regions: %s: {
	id: %d
	cloudRegion: %q
	cidr: %q
	zones: [%q, %q]
	priority: %d
	members: %d
	sizing: {cpu: "8", memory: "32Gi", storageSize: "1Ti", storageClass: "fast-ssd", instanceType: "m6i.4xlarge"}
}
`, name, id, cloud, cidr, cloud+"a", cloud+"b", prio, members)
	}
	defaults := load(t, readDir(t, "../regions"))
	for _, tc := range []struct {
		name  string
		old   *model.Topology
		new   func() *model.Topology
		steps []string
	}{
		{
			// apac grows to 5 and takes a vote from us: 7 voters both
			// sides, so one leaves before one joins.
			name: "apac 3→5 members, voters us 3→2, apac 2→3",
			old:  defaults,
			new: func() *model.Topology {
				return edit(t, "../regions", map[string][]string{
					"apac.cue": {"members:  3", "members:  5\n\tvoters: 3"},
					"us.cue":   {"members:  3", "members:  3\n\tvoters: 2"},
					"eu.cue":   {"members:  3", "members:  3\n\tvoters: 2"},
				}, nil)
			},
			steps: []string{"01-demote-global-rs-us-2", "02-add-voter-global-rs-apac-2"},
		},
		{
			// Default → five regions: votes 3/2/2 become 2/2/1/1/1.
			name: "default to five regions",
			old:  defaults,
			new: func() *model.Topology {
				return edit(t, "../regions", nil, map[string]string{
					"sa.cue":  region("sa", "sa-east-1", "10.3.0.0/16", 3, 4, 1),
					"usw.cue": region("usw", "us-west-2", "10.4.0.0/16", 4, 3, 2),
				})
			},
		},
		{
			// Five regions → four: sae's voter leaves with its member, euw
			// gains one.
			name: "five regions minus sae",
			old:  load(t, readDir(t, "../golden/five-regions/input")),
			new: func() *model.Topology {
				files := readDir(t, "../golden/five-regions/input")
				delete(files, "sae.cue")
				return load(t, files)
			},
			steps: []string{"01-remove-voter-global-rs-sae-0", "02-add-voter-global-rs-euw-1"},
		},
		{
			// One member → three: 1 → 3 voters, one at a time.
			name: "one member to three",
			old:  load(t, readDir(t, "../golden/one-member/input")),
			new: func() *model.Topology {
				return edit(t, "../golden/one-member/input", map[string][]string{"solo.cue": {"members:  1", "members:  3"}}, nil)
			},
			steps: []string{"01-add-voter-global-rs-solo-1", "02-add-voter-global-rs-solo-2"},
		},
		{
			// Two regions (us 3, eu 2 voters) + a third: 7 voters, eu 3.
			name: "two regions plus one",
			old:  load(t, readDir(t, "../golden/two-regions/input")),
			new: func() *model.Topology {
				return edit(t, "../golden/two-regions/input", nil, map[string]string{
					"ap.cue": strings.Replace(region("ap", "ap-northeast-1", "10.30.0.0/16", 2, 5, 1), "package regions", "package topology", 1),
				})
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			new := tc.new()
			steps := ReconfigSteps(roundTrip(t, tc.old), new)
			if len(steps) < 2 {
				t.Fatalf("%d steps, want several", len(steps))
			}
			var got []string
			for _, f := range steps {
				got = append(got, strings.TrimSuffix(path.Base(f.File), ".json"))
			}
			t.Logf("steps: %v", got)
			if tc.steps != nil && !slices.Equal(got, tc.steps) {
				t.Errorf("steps %v, want %v", got, tc.steps)
			}
			checkSteps(t, tc.old, new, len(steps))
		})
	}
}
