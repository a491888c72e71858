package impact

import (
	"strings"
	"testing"

	"github.com/topogen/topogen/internal/testtopo"

	"github.com/google/go-cmp/cmp"
	"github.com/topogen/topogen/generators/snapshot"
	"github.com/topogen/topogen/model"
)

func readDir(t *testing.T, dir string) map[string][]byte { return testtopo.ReadDir(t, dir) }

func load(t *testing.T, files map[string][]byte) *model.Topology {
	return testtopo.LoadFiles(t, "regions", files)
}

// edit loads the default topology with replacements applied to its files
// (file name → old, new pairs) and extra files added.
func edit(t *testing.T, dir string, repl map[string][]string, extra map[string]string) *model.Topology {
	t.Helper()
	files := readDir(t, dir)
	for name, pairs := range repl {
		s := string(files[name])
		for i := 0; i < len(pairs); i += 2 {
			if !strings.Contains(s, pairs[i]) {
				t.Fatalf("%s has no %q", name, pairs[i])
			}
			s = strings.Replace(s, pairs[i], pairs[i+1], 1)
		}
		files[name] = []byte(s)
	}
	for name, s := range extra {
		files[name] = []byte(s)
	}
	return load(t, files)
}

// roundTrip is what `topogen diff` compares against: the committed
// out/topology.json decoded.
func roundTrip(t *testing.T, topo *model.Topology) *model.Topology {
	t.Helper()
	files, err := snapshot.Generate(topo)
	if err != nil {
		t.Fatal(err)
	}
	old, err := snapshot.Decode(files[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	return old
}

func TestNoChangeAfterJSONRoundTrip(t *testing.T) {
	for _, dir := range []string{"../regions", "../golden/two-regions/input", "../golden/five-regions/input",
		"../golden/one-member/input", "../golden/seven-by-seven/input"} {
		topo := load(t, readDir(t, dir))
		old := roundTrip(t, topo)
		// Durations and CIDRs survive JSON.
		if old.SLO.PrimaryWrite != topo.SLO.PrimaryWrite || old.Regions[0].CIDR != topo.Regions[0].CIDR || !old.Regions[0].CIDR.IsValid() {
			t.Errorf("%s: durations or CIDRs do not round-trip", dir)
		}
		if ch := Compare(old, topo); len(ch) != 0 {
			t.Errorf("%s: changes after a JSON round trip: %v", dir, ch)
		}
		if steps := ReconfigSteps(old, topo); steps != nil {
			t.Errorf("%s: reconfig steps without a change", dir)
		}
	}
}

func summaries(ch []Change) []string {
	var out []string
	for _, c := range ch {
		out = append(out, string(c.Class)+" "+c.Path+": "+c.Summary)
	}
	return out
}

func TestCompareClassifiesAndOrders(t *testing.T) {
	old := roundTrip(t, load(t, readDir(t, "../regions")))
	topo := edit(t, "../regions", map[string][]string{
		"eu.cue":     {"priority: 6", "priority: 4", `memory:       "48Gi"`, `memory:       "32Gi"`},
		"apac.cue":   {"members:  3", "members:  5"},
		"us.cue":     {`"10.0.0.0/16"`, `"10.9.0.0/16"`},
		"global.cue": {`primaryWrite:    "50ms"`, `primaryWrite:    "80ms"`, "retentionDays: 30", "retentionDays: 14", `version: "7.0"`, `version: "8.0"`},
	}, nil)
	got := summaries(Compare(old, topo))
	want := []string{
		"rolling mongodb.version: mongodb.version 7.0 → 8.0 (rolling restart, one member at a time; after every member runs 8.0, run setFeatureCompatibilityVersion; downgrades need the reverse order)",
		// The default image follows the version's pinned patch.
		"rolling mongodb.image: mongodb.image mongo:7.0.40 → mongo:8.0.29 (rolling restart)",
		"reconfig regions.apac.members: apac: members 3 → 5 (replica-set reconfig: 2 members added, voters 2 → 2)",
		"reconfig regions.eu.priority: eu: member priority 6 → 4 (replica-set reconfig)",
		"rolling regions.eu.sizing: eu: sizing memory 48Gi → 32Gi (rolling restart)",
		"destructive regions.us.cidr: us: CIDR 10.0.0.0/16 → 10.9.0.0/16 (destructive: replaces the VPC, its subnets, the cluster's nodes and the members' volumes)",
		"safe slo.latency.primaryWrite: slo.latency.primaryWrite 50ms → 80ms (safe: SLO target)",
		"safe backup.retentionDays: backup.retentionDays 30 → 14 (safe: bucket lifecycle rule)",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("changes (-want +got):\n%s", d)
	}
}

func TestRegionRemovedNeedsAcknowledgement(t *testing.T) {
	// Five regions → four: remove sae.
	files := readDir(t, "../golden/five-regions/input")
	old := roundTrip(t, load(t, files))
	delete(files, "sae.cue")
	topo := load(t, files)
	ch := Compare(old, topo)
	var destructive []Change
	for _, c := range ch {
		if c.Class == Destructive {
			destructive = append(destructive, c)
		}
	}
	if len(destructive) != 1 || destructive[0].Region != "sae" || !strings.Contains(destructive[0].Summary, "region removed") {
		t.Fatalf("destructive changes %v, want sae removed", destructive)
	}
	ds := Unacknowledged(ch, topo)
	if len(ds.Errors()) != 1 || !strings.Contains(ds[0].Summary, "drops its 1 members") || !strings.Contains(ds[0].Fix, "analysis: acknowledge: sae: reason:") {
		t.Fatalf("diagnostics %v, want one error saying what is dropped and how to acknowledge", ds)
	}
	if ds[0].Pos.File == "" {
		t.Error("no position")
	}

	files["ack.cue"] = []byte("package topology\nanalysis: acknowledge: sae: reason: \"Sao Paulo traffic moved to use\"\n")
	topo = load(t, files)
	ds = Unacknowledged(Compare(old, topo), topo)
	if ds.HasErrors() || len(ds) != 1 || !strings.Contains(ds[0].Summary, "Sao Paulo traffic moved") {
		t.Errorf("acknowledged: %v, want one warning quoting the reason", ds)
	}
	// The same acknowledgement with nothing destructive pending: stale.
	ds = Unacknowledged(nil, topo)
	if len(ds) != 1 || ds[0].Severity != model.Warning || !strings.Contains(ds[0].Summary, "no destructive change") {
		t.Errorf("stale acknowledgement: %v", ds)
	}
	// Decoded topologies have no positions: no panic.
	Unacknowledged(ch, old)
}

func TestGlobalDestructiveKey(t *testing.T) {
	old := roundTrip(t, load(t, readDir(t, "../golden/two-regions/input")))
	topo := edit(t, "../golden/two-regions/input", nil, map[string]string{"ns.cue": "package topology\nkubernetes: namespace: \"db\"\n"})
	ch := Compare(old, topo)
	ds := Unacknowledged(ch, topo)
	if len(ds) != 1 || ds[0].Path != "kubernetes.namespace" || !strings.Contains(ds[0].Fix, `acknowledge: "kubernetes.namespace": reason:`) {
		t.Fatalf("%v", ds)
	}
	topo = edit(t, "../golden/two-regions/input", nil, map[string]string{"ns.cue": "package topology\nkubernetes: namespace: \"db\"\nanalysis: acknowledge: \"kubernetes.namespace\": reason: \"fresh install, no data yet\"\n"})
	if ds := Unacknowledged(Compare(old, topo), topo); ds.HasErrors() {
		t.Errorf("acknowledged namespace change: %v", ds)
	}
}
