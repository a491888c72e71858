package failover

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/topogen/topogen/internal/testtopo"

	"github.com/topogen/topogen/generators/replset"
	"github.com/topogen/topogen/model"
)

var inputs = []string{
	"../../regions",
	"../../golden/two-regions/input",
	"../../golden/five-regions/input",
	"../../golden/one-member/input",
	"../../golden/seven-by-seven/input",
}

func load(t *testing.T, dir string) *model.Topology { return testtopo.Load(t, dir) }

// Every document parses back, and every config in it passes the rules
// rs-initiate.json is held to (reconfig, so any version > 0).
func TestEveryConfigPassesCheckConfig(t *testing.T) {
	for _, dir := range inputs {
		topo := load(t, dir)
		files, err := Generate(topo)
		if err != nil {
			t.Fatal(err)
		}
		if len(files) != len(topo.Regions) {
			t.Errorf("%s: %d files for %d regions", dir, len(files), len(topo.Regions))
		}
		again, _ := Generate(topo)
		for i, f := range files {
			if !bytes.Equal(f.Data, again[i].Data) {
				t.Errorf("%s: %s differs between two runs", dir, f.Path)
			}
			var doc Document
			dec := json.NewDecoder(bytes.NewReader(f.Data))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&doc); err != nil {
				t.Fatalf("%s: %v", f.Path, err)
			}
			if f.Path != Dir+"/"+doc.Region+".json" {
				t.Errorf("%s holds region %s", f.Path, doc.Region)
			}
			if doc.Prefer != nil {
				if errs := replset.CheckConfig(doc.Prefer.Config, false); len(errs) > 0 {
					t.Errorf("%s %s prefer: %v", dir, f.Path, errs)
				}
			}
			if errs := replset.CheckConfig(doc.ForcedReconfig.Config, false); len(errs) > 0 {
				t.Errorf("%s %s forcedReconfig: %v", dir, f.Path, errs)
			}
		}
	}
}

func TestPreferRanksRegionFirst(t *testing.T) {
	topo := load(t, "../../regions")
	cfg, ok := PreferConfig(topo, "eu")
	if !ok {
		t.Fatal("eu has voters")
	}
	init := replset.InitiateConfig(topo)
	if len(cfg.Members) != len(init.Members) {
		t.Fatal("prefer changes the members")
	}
	want := map[string]int{"eu": 7, "us": 6, "apac": 5}
	for i, m := range cfg.Members {
		if m.Votes != init.Members[i].Votes || m.Host != init.Members[i].Host || m.ID != init.Members[i].ID {
			t.Errorf("member %s: votes, host or _id changed", m.Host)
		}
		if m.Votes == 1 && m.Priority != want[m.Tags.Region] || m.Votes == 0 && m.Priority != 0 {
			t.Errorf("member %s (%s, votes %d): priority %d", m.Host, m.Tags.Region, m.Votes, m.Priority)
		}
	}
	if cfg.Version != PlaceholderVersion {
		t.Errorf("version %d", cfg.Version)
	}
}

// A priority-0 region (five-regions: sae) can be made preferred and can
// take over alone.
func TestPriorityZeroRegion(t *testing.T) {
	topo := load(t, "../../golden/five-regions/input")
	cfg, ok := PreferConfig(topo, "sae")
	if !ok {
		t.Fatal("sae has a voter")
	}
	for _, m := range cfg.Members {
		if m.Tags.Region == "sae" && m.Priority != 7 {
			t.Errorf("sae member priority %d, want 7", m.Priority)
		}
	}
	forced := ForcedConfig(topo, "sae")
	if len(forced.Members) != 1 || forced.Members[0].Priority != 1 || forced.Members[0].Votes != 1 {
		t.Errorf("forced sae: %+v", forced.Members)
	}
}

func TestForcedKeepsOnlyTheRegionWithOddVoters(t *testing.T) {
	for _, tc := range []struct {
		dir, region string
		members     int
		voters      int
	}{
		{"../../regions", "eu", 3, 3},
		{"../../golden/five-regions/input", "usw", 2, 1},
		{"../../golden/seven-by-seven/input", "na", 7, 7},
	} {
		topo := load(t, tc.dir)
		cfg := ForcedConfig(topo, tc.region)
		voters := 0
		for _, m := range cfg.Members {
			if m.Tags.Region != tc.region {
				t.Errorf("%s: forced config keeps %s", tc.region, m.Host)
			}
			voters += m.Votes
		}
		if len(cfg.Members) != tc.members || voters != tc.voters {
			t.Errorf("%s: %d members %d voters, want %d %d", tc.region, len(cfg.Members), voters, tc.members, tc.voters)
		}
		if cfg.Settings.GetLastErrorModes != nil {
			t.Errorf("%s: one region cannot satisfy multiRegion", tc.region)
		}
	}
}

func TestWhenNamesTheFailures(t *testing.T) {
	topo := load(t, "../../golden/two-regions/input")
	files, _ := Generate(topo)
	for _, f := range files {
		var doc Document
		if err := json.Unmarshal(f.Data, &doc); err != nil {
			t.Fatal(err)
		}
		switch filepath.Base(f.Path) {
		case "eu.json":
			if !strings.Contains(doc.ForcedReconfig.When, "losing us") {
				t.Errorf("eu forced reconfig: %q, want it to name losing us", doc.ForcedReconfig.When)
			}
		case "us.json":
			if !strings.Contains(doc.ForcedReconfig.When, "No single-region") {
				t.Errorf("us forced reconfig: %q", doc.ForcedReconfig.When)
			}
		}
	}
}
