package terraform

import (
	"strings"
	"testing"
	"time"

	"github.com/topogen/topogen/model"
)

// The expected verdicts come from the EKS release calendar's dates
// (kubernetes-versions.html), not from eksCalendar: 1.34's standard support
// ended 2026-12-02, 1.30's extended support 2026-07-23, 1.35's standard
// support ends 2027-03-27.
func TestCheckEKSVersion(t *testing.T) {
	on := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d.Add(13 * time.Hour) // any time of that UTC day
	}
	for _, c := range []struct {
		version, today string
		severity       string // "", "warning" or "error"
		contains       string
	}{
		{"1.35", "2026-12-03", "", ""},
		{"1.35", "2026-12-27", "", ""},                              // 90 days left: no warning yet
		{"1.35", "2026-12-28", "warning", "2027-03-27, in 89 days"}, // fewer than 90
		{"1.34", "2026-12-01", "warning", "in 1 days"},
		{"1.34", "2026-12-02", "warning", "left standard support on 2026-12-02"},
		{"1.34", "2026-12-03", "warning", "extended support, billed extra, ends 2027-12-02"},
		{"1.31", "2026-11-25", "warning", "left standard support"},
		{"1.31", "2026-11-26", "error", "end of extended support on 2026-11-26"},
		{"1.30", "2026-12-03", "error", "end of extended support on 2026-07-23"},
		{"1.28", "2026-12-03", "error", "not in topogen's EKS release calendar"},
	} {
		topo := &model.Topology{Terraform: model.Terraform{EKSVersion: c.version}}
		ds := CheckEKSVersion(topo, on(c.today))
		name := c.version + " on " + c.today
		if c.severity == "" {
			if len(ds) != 0 {
				t.Errorf("%s: want no diagnostic, got %v", name, ds)
			}
			continue
		}
		if len(ds) != 1 {
			t.Fatalf("%s: want one diagnostic, got %v", name, ds)
		}
		d := ds[0]
		if got := map[bool]string{true: "warning", false: "error"}[d.Severity == model.Warning]; got != c.severity {
			t.Errorf("%s: severity %s, want %s: %v", name, got, c.severity, d)
		}
		if !strings.Contains(d.Summary, c.contains) {
			t.Errorf("%s: %q does not contain %q", name, d.Summary, c.contains)
		}
		if d.Path != "terraform.eksVersion" || d.Fix == "" {
			t.Errorf("%s: want path terraform.eksVersion and a fix: %+v", name, d)
		}
	}
}

// The calendar is newest first, each version's dates in order and 12
// months apart (14 months standard, then 12 extended: the page's rule).
func TestEKSCalendarConsistent(t *testing.T) {
	for i, e := range eksCalendar {
		std, ext := day(e.endStandard), day(e.endExtended)
		if !std.AddDate(1, 0, 0).Equal(ext) {
			t.Errorf("%s: extended support ends %s, want 12 months after %s", e.version, e.endExtended, e.endStandard)
		}
		if i > 0 && !day(eksCalendar[i-1].endStandard).After(std) {
			t.Errorf("%s: not older than %s", e.version, eksCalendar[i-1].version)
		}
	}
}
