package analysis

import (
	"bytes"
	"encoding/json"
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"github.com/topogen/topogen/internal/goldenfile"
	"github.com/topogen/topogen/internal/testtopo"

	"github.com/google/go-cmp/cmp"
	"github.com/topogen/topogen/generators/snapshot"
	"github.com/topogen/topogen/model"
)

var update = flag.Bool("update", false, "rewrite analysis/testdata/*.txt and *.json")

// readDir reads a topology directory's .cue files, keyed by base name.
func readDir(t *testing.T, dir string) map[string][]byte { return testtopo.ReadDir(t, dir) }

func load(t *testing.T, dir string, files map[string][]byte) *model.Topology {
	return testtopo.LoadFiles(t, dir, files)
}

var cases = []struct{ name, dir string }{
	{"default", "../regions"},
	{"two-regions", "../golden/two-regions/input"},
	{"five-regions", "../golden/five-regions/input"},
	{"eu-residency", "../golden/eu-residency/input"},
}

func TestExplainGolden(t *testing.T) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			topo := load(t, c.dir, readDir(t, c.dir))
			rep := Explain(topo)
			for ext, got := range map[string][]byte{".txt": rep.Text(), ".json": rep.JSON()} {
				goldenfile.Check(t, filepath.Join("testdata", c.name+ext), got, *update)
			}
			// Deterministic, and the JSON parses back to the same report.
			if !bytes.Equal(rep.JSON(), Explain(topo).JSON()) || !bytes.Equal(rep.Text(), Explain(topo).Text()) {
				t.Error("two renderings differ")
			}
			var back Report
			if err := json.Unmarshal(rep.JSON(), &back); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(rep, back); d != "" {
				t.Errorf("JSON does not round-trip (-explain +parsed):\n%s", d)
			}
		})
	}
}

func failure(t *testing.T, rep Report, label string) Failure {
	t.Helper()
	for _, f := range rep.Failures {
		if f.lostLabel() == label {
			return f
		}
	}
	t.Fatalf("no failure row %q", label)
	return Failure{}
}

func TestTwoRegionsWritesStopWhenMajorityRegionLost(t *testing.T) {
	dir := "../golden/two-regions/input"
	rep := Explain(load(t, dir, readDir(t, dir)))
	us := failure(t, rep, "region us")
	if us.MajorityKept || us.MajorityWrites || us.Primary != "" || us.Election != "impossible" || us.TimeToPrimaryMillis != -1 {
		t.Errorf("losing us (3 of 5 votes): %+v, want majority lost, no primary, writes stopped", us)
	}
	eu := failure(t, rep, "region eu")
	if !eu.MajorityWrites || eu.Primary != "us" || eu.Election != "none" {
		t.Errorf("losing eu: %+v, want writes kept with the primary in us", eu)
	}
	if !strings.Contains(string(rep.Text()), "NO: writes stop") {
		t.Error("text does not say writes stop")
	}
	for _, f := range rep.Failures {
		if f.Kind == "regions" {
			t.Errorf("two regions: no pair rows expected, got %v", f.Lost)
		}
	}
}

func TestDefaultSurvivesAnyRegion(t *testing.T) {
	rep := Explain(load(t, "../regions", readDir(t, "../regions")))
	for _, tc := range []struct {
		label   string
		primary string
		writes  bool
	}{
		{"region us", "eu", true},
		{"region eu", "us", true},
		{"region apac", "us", true},
		{"zone us-east-1a", "us", true},
		{"regions eu+us", "", false},
	} {
		f := failure(t, rep, tc.label)
		if f.Primary != tc.primary || f.MajorityWrites != tc.writes {
			t.Errorf("%s: primary %q writes %v, want %q %v", tc.label, f.Primary, f.MajorityWrites, tc.primary, tc.writes)
		}
	}
	if f := failure(t, rep, "region us"); f.TimeToPrimaryMillis != 42000 {
		t.Errorf("losing us: time to primary %d ms, want 10000+2000+30000", f.TimeToPrimaryMillis)
	}
}

// withoutAccept drops the default topology's primaryWrite acceptance: the
// seed's own numbers.
func withoutAccept(t *testing.T) map[string][]byte {
	files := readDir(t, "../regions")
	g := string(files["global.cue"])
	i := strings.Index(g, "primaryWrite: reason:")
	if i < 0 {
		t.Fatal("regions/global.cue has no analysis: accept: primaryWrite: reason: line")
	}
	end := strings.IndexByte(g[i:], '\n')
	files["global.cue"] = []byte(g[:i] + g[i+end:])
	return files
}

func TestSeedPrimaryWriteNotMet(t *testing.T) {
	topo := load(t, "regions", withoutAccept(t))
	w := Explain(topo).Latency.PrimaryWrite
	if w.From != "us" || w.Millis <= 50 {
		t.Fatalf("w:majority from us-east-1: %+v, want above 50 ms", w)
	}
	var found bool
	for _, d := range Check(topo) {
		if d.Path == "slo.latency.primaryWrite" {
			found = true
			if d.Severity != model.Error || !strings.Contains(d.Summary, "primaryWrite 50ms cannot be met") ||
				!strings.Contains(d.Summary, "70 ms") || !strings.Contains(d.Summary, "eu 1 at 70 ms") {
				t.Errorf("diagnostic %q: want an error naming the SLO, the estimate and the cause", d)
			}
			if d.Pos.File != "regions/global.cue" || d.Pos.Line == 0 {
				t.Errorf("position %v, want regions/global.cue:line:col", d.Pos)
			}
		}
	}
	if !found {
		t.Error("no diagnostic for slo.latency.primaryWrite")
	}

	// With the acceptance, a warning quoting the reason instead.
	topo = load(t, "../regions", readDir(t, "../regions"))
	for _, d := range Check(topo) {
		if d.Path == "analysis.accept.primaryWrite" && (d.Severity != model.Warning || !strings.Contains(d.Summary, "tracked, not promised")) {
			t.Errorf("accepted primaryWrite: %q, want a warning quoting the reason", d)
		}
	}
}

// sloErrors lists, per valid golden input, the SLO errors Check reports:
// none, since each input meets its SLOs or accepts the exception.
var sloErrors = map[string][]string{
	"../regions":                     nil,
	"../golden/one-member/input":     nil,
	"../golden/two-regions/input":    nil,
	"../golden/five-regions/input":   nil,
	"../golden/seven-by-seven/input": nil,
}

func TestCheckGoldenInputs(t *testing.T) {
	for dir, pending := range sloErrors {
		topo := load(t, dir, readDir(t, dir))
		var paths []string
		for _, d := range Check(topo).Errors() {
			paths = append(paths, d.Path)
			t.Logf("%s: %s", dir, d)
		}
		if d := cmp.Diff(pending, paths); d != "" {
			t.Errorf("%s: SLO errors differ from the pending list (-pending +got):\n%s", dir, d)
		}
	}
}

func TestMissingRTTAndOverride(t *testing.T) {
	files := readDir(t, "../regions")
	apac := strings.NewReplacer("ap-southeast-1", "me-south-1").Replace(string(files["apac.cue"]))
	files["apac.cue"] = []byte(apac)
	topo := load(t, "regions", files)
	var missing []string
	for _, d := range Check(topo).Errors() {
		if d.Path == "analysis.rttMillis" {
			missing = append(missing, d.Summary)
		}
	}
	if len(missing) != 2 || !strings.Contains(missing[0], "me-south-1") {
		t.Fatalf("missing RTT errors: %q, want eu-west-1 and us-east-1 to me-south-1", missing)
	}
	if rep := Explain(topo); len(rep.MissingRTT) != 2 || !strings.Contains(string(rep.Text()), "unknown") {
		t.Errorf("explain should show the unknown pairs: %v", rep.MissingRTT)
	}

	files["rtt.cue"] = []byte(`package regions
analysis: rttMillis: "me-south-1": {"us-east-1": 161, "eu-west-1": 98}
analysis: rttMillis: "us-east-1": "eu-west-1": 40
`)
	topo = load(t, "regions", files)
	for _, d := range Check(topo) {
		if d.Path == "analysis.rttMillis" {
			t.Errorf("override given, still %q", d)
		}
		if d.Path == "analysis.accept.primaryWrite" && !strings.Contains(d.Summary, "not needed") {
			t.Errorf("primaryWrite is met at 40 ms: %q, want a warning that the acceptance can go", d)
		}
	}
	if w := Explain(topo).Latency.PrimaryWrite; w.Millis != 40 {
		t.Errorf("override ignored: %+v", w)
	}
}

func TestRTOUnboundedCatchUp(t *testing.T) {
	files := readDir(t, "../golden/five-regions/input")
	files["settings.cue"] = []byte("package topology\nreplicaSet: settings: catchUpTimeoutMillis: -1\n")
	topo := load(t, "five", files)
	var got string
	for _, d := range Check(topo).Errors() {
		if d.Path == "slo.rto" {
			got = d.Summary
		}
	}
	if !strings.Contains(got, "unbounded") {
		t.Errorf("RTO error %q, want unbounded catch-up named", got)
	}
	if f := failure(t, Explain(topo), "region use"); f.TimeToPrimaryMillis != -1 || !strings.Contains(f.TimeToPrimary, "unbounded") {
		t.Errorf("losing use: %+v, want unbounded time", f)
	}
}

func TestDecodedTopologyHasNoPositions(t *testing.T) {
	topo := load(t, "regions", withoutAccept(t))
	files, err := snapshot.Generate(topo)
	if err != nil {
		t.Fatal(err)
	}
	decoded, err := snapshot.Decode(files[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	if decoded.PosOf != nil {
		t.Fatal("decoded topology has PosOf")
	}
	if d := cmp.Diff(Check(topo).Errors()[0].Summary, Check(decoded).Errors()[0].Summary); d != "" {
		t.Errorf("decoded topology checks differently:\n%s", d)
	}
	if !bytes.Equal(Explain(topo).JSON(), Explain(decoded).JSON()) {
		t.Error("decoded topology explains differently")
	}
}

func TestMatrixCoversUsedRegions(t *testing.T) {
	known := KnownRegions()
	for _, r := range []string{"us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "eu-north-1", "ap-southeast-1",
		"ap-southeast-2", "ap-northeast-1", "sa-east-1", "us-east-2", "us-west-1", "ca-central-1", "eu-west-2", "ap-south-1"} {
		found := false
		for _, k := range known {
			found = found || k == r
		}
		if !found {
			t.Errorf("%s is not in the RTT matrix", r)
		}
	}
	for i, a := range known {
		for _, b := range known[i+1:] {
			ab, ok1 := awsRTTMillis[min(a, b)][max(a, b)]
			if !ok1 || ab <= 0 {
				t.Errorf("%s-%s missing", a, b)
			}
		}
	}
}

// TestOneRegionZone: a zone whose shard lives in one region survives an
// availability-zone loss, not the region's, and explain names the fix (a
// second region of the jurisdiction; eu-central-1 is the topology's other
// EU region).
func TestOneRegionZone(t *testing.T) {
	files := readDir(t, "../golden/eu-residency/input")
	g := string(files["global.cue"])
	for old, new := range map[string]string{
		`regions: ["euw", "euc"]`:   `regions: ["euw"]`,
		`members: {euw: 3, euc: 2}`: `members: {euw: 3}`,
	} {
		if !strings.Contains(g, old) {
			t.Fatalf("global.cue lacks %q", old)
		}
		g = strings.Replace(g, old, new, 1)
	}
	files["global.cue"] = []byte(g)
	files["euc.cue"] = []byte(strings.Replace(string(files["euc.cue"]), `jurisdiction: "EU"`, "", 1))
	rep := Explain(load(t, "../golden/eu-residency/input", files))
	var eu *SetReport
	for i, s := range rep.Sharding.Sets {
		if s.Zone == "EU" {
			eu = &rep.Sharding.Sets[i]
		}
	}
	if eu == nil {
		t.Fatal("no EU shard")
	}
	if !eu.SurvivesZoneLoss || eu.SurvivesRegionLoss {
		t.Errorf("EU shard in one region: survives zone loss %v (want true), region loss %v (want false)", eu.SurvivesZoneLoss, eu.SurvivesRegionLoss)
	}
	for _, want := range []string{"survives the loss of an availability zone of euw, not the loss of eu-west-1", "add a second region of EU", "eu-central-1"} {
		if !strings.Contains(eu.Note, want) {
			t.Errorf("note %q lacks %q", eu.Note, want)
		}
	}
	if !strings.Contains(string(rep.Text()), "note: one region") {
		t.Errorf("explain's text does not show the note:\n%s", rep.Text())
	}
}

// TestShardedSLOsPerSet: each set is judged. With a 50 ms primaryWrite,
// the EU shard (majority inside eu-west-1) meets it and the default shard
// and config servers (us-east-1 waits for eu-west-1, ~70 ms) do not.
func TestShardedSLOsPerSet(t *testing.T) {
	files := readDir(t, "../golden/eu-residency/input")
	files["global.cue"] = []byte(strings.Replace(string(files["global.cue"]), `primaryWrite:    "300ms"`, `primaryWrite:    "50ms"`, 1))
	topo := load(t, "../golden/eu-residency/input", files)
	var bad []string
	for _, d := range Check(topo) {
		if d.Severity == model.Error && strings.Contains(d.Summary, "SLO primaryWrite 50ms cannot be met") {
			bad = append(bad, d.Summary)
		}
	}
	if len(bad) != 2 || !strings.Contains(strings.Join(bad, "\n"), "configsvr: SLO") || !strings.Contains(strings.Join(bad, "\n"), "shard-global: SLO") {
		t.Errorf("primaryWrite errors:\n%s\nwant configsvr and shard-global, not shard-eu", strings.Join(bad, "\n"))
	}
}
