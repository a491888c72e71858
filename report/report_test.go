package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

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
		files = append(files, FileChange{Path: p, Status: status, Diff: string(f.Data)})
	}
	return files
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

func TestTargetOf(t *testing.T) {
	for _, c := range []struct{ path, want string }{
		{"topology.json", "model"},
		{".topogen-manifest", "manifest"},
		{"kubernetes/eu/apps_v1_statefulset_global-rs-eu.yaml", "kubernetes"},
		{"terraform/eu/vpc.tf", "terraform"},
		{"prometheus/rules.yaml", "prometheus"},
		{"grafana/dashboards/x.json", "grafana"},
		{"replset/rs-initiate.json", "replset"},
		{"gitops/flux/kustomization.yaml", "gitops"},
	} {
		if got := TargetOf(c.path); got != c.want {
			t.Errorf("TargetOf(%q) = %q, want %q", c.path, got, c.want)
		}
	}
}

func TestLineCounts(t *testing.T) {
	for _, c := range []struct {
		diff     string
		add, del int
	}{
		{"", 0, 0},
		{"--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n", 1, 1},
		// A removed line starting "--" and an added one starting "++" are
		// content, not headers.
		{"--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n--- b\n+++ c\n+d\n", 2, 1},
		{"--- /dev/null\n+++ b/x\n@@ -0,0 +1,2 @@\n+a\n+b\n\\ No newline at end of file\n", 2, 0},
	} {
		if a, d := LineCounts(c.diff); a != c.add || d != c.del {
			t.Errorf("LineCounts(%q) = +%d -%d, want +%d -%d", c.diff, a, d, c.add, c.del)
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
