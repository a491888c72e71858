package analysis

import (
	"strings"
	"testing"
)

// TestRPO: the RPO of a region loss and of a restore, and the verdict, for
// the shipped layouts and backup settings. Expected values come from the
// scenario: rpo 1m with PITR gives a 1-minute oplog span; PITR off leaves
// the 6 h base-backup interval; two regions (3+2 voters) cannot lose the
// larger one without losing its w:majority writes.
func TestRPO(t *testing.T) {
	for _, tc := range []struct {
		name, dir, extra string
		restoreSeconds   int
		majorityLoss     int
		verdict, inCause string
	}{
		{"default: PITR every minute", "../regions", "", 60, 0, "met", ""},
		{"PITR off: the base-backup interval", "../regions", "backup: pitr: false\n", 21600, 0, "not met", "backup.pitr is off"},
		{"PITR off, accepted", "../regions", "backup: pitr: false\nanalysis: accept: rpo: reason: \"nightly exports are enough here\"\n", 21600, 0, "accepted", "backup.pitr is off"},
		{"an RPO below the shortest span", "../regions", "rpo=30s", 60, 0, "not met", "shortest oplog span"},
		{"a longer RPO: a longer span", "../regions", "rpo=5m", 300, 0, "met", ""},
		{"two regions (rpo 5m): the larger one holds the majority", "../golden/two-regions/input", "", 300, -1, "met", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := readDir(t, tc.dir)
			if v, ok := strings.CutPrefix(tc.extra, "rpo="); ok {
				files["global.cue"] = []byte(strings.Replace(string(files["global.cue"]), `rpo:          "1m"`, `rpo:          "`+v+`"`, 1))
			} else if tc.extra != "" {
				pkg := "regions"
				if !strings.HasSuffix(tc.dir, "regions") {
					pkg = packageOf(t, files)
				}
				files["zz_extra.cue"] = []byte("package " + pkg + "\n\n" + tc.extra)
			}
			rep := Explain(load(t, tc.dir, files))
			if rep.RPO.RestoreBoundSeconds != tc.restoreSeconds || rep.RPO.MajorityRegionLossSeconds != tc.majorityLoss {
				t.Errorf("restore %d s, w:majority region loss %d s; want %d, %d", rep.RPO.RestoreBoundSeconds, rep.RPO.MajorityRegionLossSeconds, tc.restoreSeconds, tc.majorityLoss)
			}
			var got *SLOCheck
			for i := range rep.SLOs {
				if rep.SLOs[i].Name == SLORPO {
					got = &rep.SLOs[i]
				}
			}
			if got == nil {
				t.Fatal("no rpo SLO")
			}
			if got.Verdict != tc.verdict || !strings.Contains(got.Cause, tc.inCause) {
				t.Errorf("verdict %q, cause %q; want %q with %q", got.Verdict, got.Cause, tc.verdict, tc.inCause)
			}
		})
	}
}

func packageOf(t *testing.T, files map[string][]byte) string {
	t.Helper()
	for _, b := range files {
		for _, line := range strings.Split(string(b), "\n") {
			if p, ok := strings.CutPrefix(line, "package "); ok {
				return strings.TrimSpace(p)
			}
		}
	}
	t.Fatal("no package clause")
	return ""
}
