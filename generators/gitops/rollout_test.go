package gitops

import (
	"slices"
	"strings"
	"testing"

	"github.com/topogen/topogen/analysis"
	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/internal/testtopo"
)

// handOrder is each case's rollout order counted from its input by hand:
// non-preferred regions by ascending priority, the highest priority last.
var handOrder = map[string][]string{
	"default":        {"apac", "eu", "us"},                       // apac 5, eu 6, us 7
	"two-regions":    {"eu", "us"},                               // eu 6, us 7
	"five-regions":   {"sae", "apse", "euw", "usw", "use"},       // 0, 4, 5, 6, 7
	"one-member":     {"solo"},                                   // one region
	"seven-by-seven": {"oc", "as", "ec", "eu", "sa", "nw", "na"}, // 1 … 7
	"eu-residency":   {"euc", "apse", "euw", "use"},              // 4, 5, 6, 7
}

// TestRolloutOrderAcrossTargets ties the delivery objects to the order
// analysis derives and proves (analysis.RolloutRegions), as read back from
// the generated files: the ApplicationSet's RollingSync steps select one
// region's Application each, by the label the Application template sets,
// in that order; the Flux Kustomizations form one dependsOn chain in the
// same order.
func TestRolloutOrderAcrossTargets(t *testing.T) {
	for _, c := range testtopo.Cases(t) {
		t.Run(c.Name, func(t *testing.T) {
			topo := load(t, c.Dir)
			var derived []string
			for _, r := range analysis.RolloutRegions(topo) {
				derived = append(derived, r.Name)
			}
			if want := handOrder[c.Name]; !slices.Equal(derived, want) {
				t.Fatalf("derived order %v, want %v", derived, want)
			}
			files := generate(t, topo)

			// Argo CD: steps in order, each matching exactly the one
			// Application whose label the template sets to that region.
			_, as := decode[applicationSetSpec](t, files, ArgoCDDir+"/applicationset-"+topo.Name+".yaml")
			if as.Strategy.Type != "RollingSync" {
				t.Errorf("strategy.type %q", as.Strategy.Type)
			}
			labelTmpl, ok := as.Template.Metadata.Labels[names.RegionLabel]
			if !ok || !strings.Contains(labelTmpl, ".region") {
				t.Fatalf("template labels %v: no %s from the element's region", as.Template.Metadata.Labels, names.RegionLabel)
			}
			var regions []string
			for _, el := range as.Generators[0].List.Elements {
				regions = append(regions, el.Region)
			}
			var steps []string
			for i, s := range as.Strategy.RollingSync.Steps {
				if s.MaxUpdate != 1 || len(s.MatchExpressions) != 1 {
					t.Errorf("step %d: %+v, want one expression and maxUpdate 1", i, s)
					continue
				}
				e := s.MatchExpressions[0]
				var matched []string
				for _, r := range regions { // the label value each Application gets
					if e.Key == names.RegionLabel && e.Operator == "In" && slices.Contains(e.Values, r) {
						matched = append(matched, r)
					}
				}
				if len(matched) != 1 {
					t.Errorf("step %d %+v matches Applications %v, want exactly one", i, e, matched)
					continue
				}
				steps = append(steps, matched[0])
			}
			if !slices.Equal(steps, derived) {
				t.Errorf("RollingSync steps %v, want the derived order %v", steps, derived)
			}

			// Flux: follow the chain from the Kustomization with no
			// dependency.
			next := map[string]string{} // dependency → dependent
			first := []string{}
			byName := map[string]string{}
			for _, r := range topo.Regions {
				obj, k := decode[kustomizationSpec](t, files, FluxDir+"/kustomization-"+topo.Name+"-"+r.Name+".yaml")
				byName[obj.Metadata.Name] = r.Name
				// The region's own add-ons gate it too (addons_flux.go); the
				// chain is what remains.
				k.DependsOn = slices.DeleteFunc(slices.Clone(k.DependsOn), func(d DependencyReference) bool {
					return d == DependencyReference{Name: AddonsKustomization(topo, r), Namespace: FluxNamespace}
				})
				switch len(k.DependsOn) {
				case 0:
					first = append(first, obj.Metadata.Name)
				case 1:
					if k.DependsOn[0].Namespace != FluxNamespace {
						t.Errorf("%s: dependsOn namespace %q", r.Name, k.DependsOn[0].Namespace)
					}
					if prev, dup := next[k.DependsOn[0].Name]; dup {
						t.Errorf("%s and %s both depend on %s", prev, obj.Metadata.Name, k.DependsOn[0].Name)
					}
					next[k.DependsOn[0].Name] = obj.Metadata.Name
				default:
					t.Errorf("%s: dependsOn %v, want at most one", r.Name, k.DependsOn)
				}
				members := r.Members
				if topo.Sharding != nil {
					// The sets roll at once: the largest in the region.
					members = 0
					for _, s := range topo.Sharding.Sets() {
						members = max(members, len(s.RegionMembers(r.Name)))
					}
				}
				if k.Timeout != names.RegionRolloutTimeout(members) {
					t.Errorf("%s: timeout %s", r.Name, k.Timeout)
				}
			}
			if len(first) != 1 {
				t.Fatalf("Kustomizations without dependsOn: %v, want one", first)
			}
			var chain []string
			for n := first[0]; n != ""; n = next[n] {
				chain = append(chain, byName[n])
				if len(chain) > len(topo.Regions) {
					t.Fatalf("dependsOn cycle: %v", chain)
				}
			}
			if !slices.Equal(chain, derived) {
				t.Errorf("dependsOn chain %v, want the derived order %v", chain, derived)
			}
		})
	}
}

// TestRegionRolloutTimeout: 3 members × (600 s grace + 10 s × 60 startup
// probe + 10 s readiness) = 3630 s = 60.5 min, + 5 min = 65.5 → 66m; 1
// member: 1210 s + 300 s = 25.2 → 26m; 7: 8470 s + 300 s = 146.2 → 147m.
func TestRegionRolloutTimeout(t *testing.T) {
	for members, want := range map[int]string{1: "26m", 3: "66m", 7: "147m"} {
		if got := names.RegionRolloutTimeout(members); got != want {
			t.Errorf("%d members: %s, want %s", members, got, want)
		}
	}
}
