package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/topogen/topogen/compile"
	"github.com/topogen/topogen/impact"
	"github.com/topogen/topogen/internal/goldenfile"
)

var update = flag.Bool("update", false, "rewrite testdata/*.md and *.json")

// readFiles reads a txtar fixture: each file is named "<path> <status>" and
// holds the unified diff.
func readFiles(t *testing.T, name string) []FileChange {
	t.Helper()
	a, err := txtar.ParseFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var files []FileChange
	for _, f := range a.Files {
		p, status, ok := strings.Cut(f.Name, " ")
		if !ok {
			t.Fatalf("%s: file %q is not named \"<path> <status>\"", name, f.Name)
		}
		add, del := hunkLines(string(f.Data))
		files = append(files, FileChange{Path: p, Status: status, Diff: string(f.Data), Added: add, Removed: del})
	}
	return files
}

// hunkLines counts a fixture diff's added and removed lines, which
// outdir.LineCounts gives the real ones.
func hunkLines(diff string) (added, removed int) {
	_, body, _ := strings.Cut(diff, "\n@@")
	for _, line := range strings.Split(body, "\n") {
		switch {
		case strings.HasPrefix(line, "+"):
			added++
		case strings.HasPrefix(line, "-"):
			removed++
		}
	}
	return added, removed
}

// scenarioChanges is what impact.Compare is to say for the issue's
// scenario (eu priority 6 → 4, apac members 3 → 5), written by hand so this
// test does not depend on Compare.
var scenarioChanges = []impact.Change{
	{Class: impact.Reconfig, Region: "eu", Path: "regions.eu.priority",
		Summary: "eu: member priority 6 → 4, below apac (5): apac becomes the first failover region (replica-set reconfig)"},
	{Class: impact.Reconfig, Region: "apac", Path: "regions.apac.members",
		Summary: "apac: members 3 → 5, adding 2 non-voting members global-rs-apac-3 and global-rs-apac-4 (replica-set reconfig)"},
}

var destructiveChanges = []impact.Change{
	{Class: impact.Safe, Path: "slo.latency.localRead",
		Summary: "SLO local read latency 10ms → 15ms (alert thresholds change)"},
	{Class: impact.Rolling, Region: "us", Path: "regions.us.sizing.memory",
		Summary: "us: memory request 32Gi → 48Gi (rolling restart)"},
	{Class: impact.Destructive, Region: "eu", Path: "regions.eu.cidr",
		Summary: "eu: CIDR 10.1.0.0/16 → 10.9.0.0/16 (VPC replacement: the cluster & members are recreated)"},
	{Class: impact.Destructive, Region: "apac", Path: "regions.apac",
		Summary: "region apac removed: its 3 members leave the replica set and its <data> is no longer served"},
}

var goldenCases = []struct {
	name    string
	input   string
	changes []impact.Change
}{
	{"scenario", "scenario.txtar", scenarioChanges},
	{"destructive", "destructive.txtar", destructiveChanges},
	{"regenerated", "scenario.txtar", nil},
	{"empty", "empty.txtar", nil},
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			files := readFiles(t, c.input)
			md := Markdown(files, c.changes, nil)
			if again := Markdown(files, c.changes, nil); !bytes.Equal(md, again) {
				t.Error("Markdown differs between two renders")
			}
			goldenfile.Check(t, filepath.Join("testdata", c.name+".md"), md, *update)

			js, err := JSON(files, c.changes, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !json.Valid(js) {
				t.Error("JSON is not valid")
			}
			goldenfile.Check(t, filepath.Join("testdata", c.name+".json"), js, *update)
		})
	}
}

// TestScenarioFirstLines: the acceptance criterion — for eu
// priority down and apac members 3 → 5, the comment's first lines say so
// in words, before any diff.
func TestScenarioFirstLines(t *testing.T) {
	md := string(Markdown(readFiles(t, "scenario.txtar"), scenarioChanges, nil))
	head, _, ok := strings.Cut(md, "<details>")
	if !ok {
		t.Fatal("no folded diff")
	}
	for _, want := range []string{
		"2 topology changes",
		"eu: member priority 6 → 4",
		"apac: members 3 → 5",
		"replica-set reconfig",
		"- **kubernetes**: 1 changed",
		"- **replset**: 2 changed",
		"- **model**: 1 changed",
	} {
		if !strings.Contains(head, want) {
			t.Errorf("the part before the diffs lacks %q:\n%s", want, head)
		}
	}
	if lines := strings.Count(head, "\n"); lines > 25 {
		t.Errorf("%d lines before the first diff", lines)
	}
}

// TestInputOrder: files are sorted by the report, so the order they arrive
// in does not change a byte.
func TestInputOrder(t *testing.T) {
	files := readFiles(t, "destructive.txtar")
	rev := slices.Clone(files)
	slices.Reverse(rev)
	if !bytes.Equal(Markdown(files, destructiveChanges, nil), Markdown(rev, destructiveChanges, nil)) {
		t.Error("Markdown depends on the order of files")
	}
}

func TestDestructiveFirst(t *testing.T) {
	md := string(Markdown(readFiles(t, "destructive.txtar"), destructiveChanges, nil))
	var classes []string
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "- ") && strings.Contains(line, " — ") {
			classes = append(classes, strings.SplitN(line, " — ", 2)[0])
		}
	}
	want := []string{"- ⚠️ **destructive**", "- ⚠️ **destructive**", "- 🔄 **rolling restart**", "- ✅ **safe**"}
	if !slices.Equal(classes, want) {
		t.Errorf("change lines %q, want %q", classes, want)
	}
	if !strings.Contains(md, "> [!CAUTION]\n> 2 destructive changes") {
		t.Error("no caution for the destructive changes")
	}
}

// TestTargetOf: files are attributed as compile.Targets declares them,
// on paths of the committed out/ (its manifest lists every file): the
// failover and reconfig files are their own targets', grafana/ is the
// prometheus target's, and no path is left without a target.
func TestTargetOf(t *testing.T) {
	for _, c := range []struct{ path, want string }{
		{"topology.json", "model"},
		{".topogen-manifest", "manifest"},
		{"replset/rs-initiate.json", "replset"},
		{"replset/failover/eu.json", "failover"},
		{"replset/reconfig/01-add-voter-global-rs-eu-2.json", "reconfig"},
		{"replset/reconfig/base-topology.json", "reconfig"},
		{"grafana/mongodb-overview.json", "prometheus"},
	} {
		if got := TargetOf(c.path); got != c.want {
			t.Errorf("TargetOf(%q) = %q, want %q", c.path, got, c.want)
		}
	}
	manifest, err := os.ReadFile("../out/.topogen-manifest")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, p := range strings.Split(strings.TrimSpace(string(manifest)), "\n") {
		if strings.HasPrefix(p, "#") {
			continue
		}
		target := compile.TargetOf(p)
		if target == "" {
			t.Errorf("%s: no target of compile.Targets owns it", p)
		}
		seen[target] = true
	}
	for _, want := range []string{"model", "kubernetes", "terraform", "replset", "failover", "prometheus", "gitops"} {
		if !seen[want] {
			t.Errorf("out/ has no file of target %s", want)
		}
	}
}

// TestSizeLimit: a change too large for one comment keeps its headlines and
// topology changes, fits under MaxCommentBytes and says what it left out.
func TestSizeLimit(t *testing.T) {
	big := "--- a/x\n+++ b/x\n@@ -1,300 +1,300 @@\n" + strings.Repeat("-old line of a generated file\n+new line of a generated file\n", 300)
	var files []FileChange
	for _, name := range []string{"a", "b", "c", "d", "e"} {
		files = append(files, FileChange{Path: "kubernetes/eu/" + name + ".yaml", Status: Changed, Diff: big})
	}
	md := string(Markdown(files, scenarioChanges, nil))
	if len(md) > MaxCommentBytes {
		t.Errorf("%d bytes, over %d", len(md), MaxCommentBytes)
	}
	for _, want := range []string{"- **kubernetes**: 5 changed", "eu: member priority 6 → 4", "more files' diffs are not shown", "`topogen diff`"} {
		if !strings.Contains(md, want) {
			t.Errorf("lacks %q", want)
		}
	}
	if n := strings.Count(md, "<details>"); n < 1 || n >= len(files) {
		t.Errorf("%d of %d diffs shown, want some but not all", n, len(files))
	}
}

func TestFence(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain", "```"},
		{"a ``` b", "````"},
		{"`````", "``````"},
	} {
		if got := fenceFor(c.in); got != c.want {
			t.Errorf("fenceFor(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
