package replset

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/topogen/topogen/model"
	"github.com/topogen/topogen/schema"
)

func validInputs(t *testing.T) []string {
	dirs := []string{"../../regions"}
	cases, _ := filepath.Glob("../../golden/*/input")
	for _, c := range cases {
		if _, err := os.Stat(filepath.Join(filepath.Dir(c), "error.txt")); err != nil {
			dirs = append(dirs, c)
		}
	}
	return dirs
}

// TestInitiateConfigFollowsMongoDBRules checks every generated document
// against the rules mongod 7.0/8.0 applies (mongodb-facts.md §1).
func TestInitiateConfigFollowsMongoDBRules(t *testing.T) {
	for _, dir := range validInputs(t) {
		topo, diags := schema.Load(dir)
		if diags.HasErrors() {
			t.Fatalf("%s: %v", dir, diags)
		}
		// The sharded mode: each set is a replica set of its own.
		for _, topo := range topo.SetViews() {
			checkInitiateConfig(t, dir, topo)
		}
	}
}

func checkInitiateConfig(t *testing.T, dir string, topo *model.Topology) {
	t.Helper()
	{
		cfg := InitiateConfig(topo)
		if errs := CheckConfig(cfg, true); len(errs) > 0 {
			t.Errorf("%s: %s", dir, strings.Join(errs, "\n"))
		}
		// Only keys mongod's strict parser knows (§1.1), no removed ones (§1.2).
		var doc map[string]any
		if err := json.Unmarshal(MarshalConfig(cfg), &doc); err != nil {
			t.Fatal(err)
		}
		for k := range doc {
			switch k {
			case "_id", "version", "members", "settings":
			default:
				t.Errorf("%s: top-level key %q", dir, k)
			}
		}
		settings := doc["settings"].(map[string]any)
		for k := range settings {
			switch k {
			case "chainingAllowed", "heartbeatIntervalMillis", "heartbeatTimeoutSecs", "electionTimeoutMillis", "catchUpTimeoutMillis", "getLastErrorModes":
			default:
				t.Errorf("%s: settings key %q is not a replica-set setting", dir, k)
			}
		}
		for _, m := range doc["members"].([]any) {
			for k := range m.(map[string]any) {
				switch k {
				case "_id", "host", "priority", "votes", "tags":
				default:
					t.Errorf("%s: member key %q", dir, k)
				}
			}
		}
	}
}

func TestDefaultInitiateConfig(t *testing.T) {
	topo, diags := schema.Load("../../regions")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	cfg := InitiateConfig(topo)
	votes := map[string]int{}
	for _, m := range cfg.Members {
		votes[m.Tags.Region] += m.Votes
	}
	if len(cfg.Members) != 9 || votes["us"] != 3 || votes["eu"] != 2 || votes["apac"] != 2 {
		t.Fatalf("members %d, votes %v; want 9 members voting 3/2/2", len(cfg.Members), votes)
	}
	for region, v := range votes {
		if 7-v < 4 {
			t.Errorf("losing %s leaves %d of 7 votes", region, 7-v)
		}
	}
	if got := cfg.Settings.GetLastErrorModes[MultiRegionMode]["region"]; got != 2 {
		t.Errorf("multiRegion mode needs %d regions, want 2", got)
	}
}

func TestCheckConfigRejects(t *testing.T) {
	good := Config{ID: "rs", Version: 1, Members: []Member{
		{ID: 0, Host: "a.x:27017", Priority: 1, Votes: 1, Tags: Tags{"a", "a1"}},
	}, Settings: Settings{HeartbeatIntervalMillis: 2000, HeartbeatTimeoutSecs: 10, ElectionTimeoutMillis: 10000, CatchUpTimeoutMillis: -1}}
	tests := []struct {
		name   string
		mutate func(*Config)
		want   string
	}{
		{"version 2 at initiate", func(c *Config) { c.Version = 2 }, "must have version 1"},
		{"duplicate _id", func(c *Config) { c.Members = append(c.Members, c.Members[0]) }, "used twice"},
		{"votes 2", func(c *Config) { c.Members[0].Votes = 2 }, "must be 0 or 1"},
		{"priority without vote", func(c *Config) { c.Members[0].Votes = 0 }, "priority must be 0 when non-voting"},
		{"no electable member", func(c *Config) { c.Members[0].Priority = 0 }, "no member with priority > 0"},
		{"cluster-local host", func(c *Config) { c.Members[0].Host = "m-0.m.ns.svc.cluster.local:27017" }, "cluster-local"},
		{"no port", func(c *Config) { c.Members[0].Host = "a.x" }, "not host:port"},
		{"unknown tag in mode", func(c *Config) { c.Settings.GetLastErrorModes = map[string]map[string]int{"m": {"dc": 1}} }, `no member has tag "dc"`},
		{"mode needs more regions than exist", func(c *Config) {
			c.Settings.GetLastErrorModes = map[string]map[string]int{"m": {"region": 2}}
		}, "only 1 distinct values"},
		{"8 voters", func(c *Config) {
			for i := 1; i < 8; i++ {
				m := c.Members[0]
				m.ID, m.Host = i, "h"+string(rune('a'+i))+".x:27017"
				c.Members = append(c.Members, m)
			}
		}, "8 voting members"},
	}
	if errs := CheckConfig(good, true); len(errs) > 0 {
		t.Fatalf("good config rejected: %v", errs)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			c.Members = append([]Member(nil), good.Members...)
			tt.mutate(&c)
			errs := strings.Join(CheckConfig(c, true), "\n")
			if !strings.Contains(errs, tt.want) {
				t.Errorf("want %q in:\n%s", tt.want, errs)
			}
		})
	}
}
