package terraform

import (
	"fmt"
	"strings"
	"time"

	"github.com/topogen/topogen/model"
)

// eksVersion is one Kubernetes minor version's support window on EKS.
type eksVersion struct {
	version string
	// endStandard and endExtended are the first days (UTC) without standard
	// support and without any support: EKS bills extended support "from
	// the beginning of the day that the version reaches end of standard
	// support, in the UTC+0 timezone", and "on the end of extended support
	// date, you can no longer create new Amazon EKS clusters with the
	// unsupported version".
	endStandard, endExtended string
}

// eksCalendar is the Amazon EKS Kubernetes release calendar: "Understand
// the Kubernetes version lifecycle on EKS", section "Amazon EKS Kubernetes
// release calendar" (docs.aws.amazon.com/eks/latest/userguide/
// kubernetes-versions.html; source awsdocs/amazon-eks-user-guide,
// latest/ug/versioning/kubernetes-versions.adoc). 1.29 to 1.34 are that
// table's rows; 1.35 (EKS release 2026-01-27) is from the same page's
// later revision as summarised by endoflife.date/amazon-eks. Standard
// support lasts 14 months from the EKS release, extended support 12 more.
//
// Newest first. Adding a version is adding a row; a version missing here is
// refused by CheckEKSVersion, so the calendar cannot silently go stale.
var eksCalendar = []eksVersion{
	{"1.35", "2027-03-27", "2028-03-27"},
	{"1.34", "2026-12-02", "2027-12-02"},
	{"1.33", "2026-07-29", "2027-07-29"},
	{"1.32", "2026-03-23", "2027-03-23"},
	{"1.31", "2025-11-26", "2026-11-26"},
	{"1.30", "2025-07-23", "2026-07-23"},
	{"1.29", "2025-03-23", "2026-03-23"},
}

// standardSupportWarning: vet warns when fewer days of standard support
// than this remain. EKS announces an end of standard support at least 60
// days ahead (same page, "Amazon EKS version FAQs"); 90 days leave time for
// a planned upgrade before extended-support billing starts.
const standardSupportWarning = 90 * 24 * time.Hour

func lookupEKSVersion(v string) (eksVersion, bool) {
	for _, e := range eksCalendar {
		if e.version == v {
			return e, true
		}
	}
	return eksVersion{}, false
}

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic("eksCalendar: bad date " + s) // a typo in the table above
	}
	return d
}

// CheckEKSVersion checks terraform.eksVersion against the calendar at now:
// an error when the version is unknown or past its end of extended support
// (EKS refuses to create such a cluster), a warning when it has left
// standard support (the cluster is billed for extended support, and the
// generated upgrade_policy asks for STANDARD, so EKS upgrades it) or has
// fewer than 90 days of it left.
func CheckEKSVersion(t *model.Topology, now time.Time) model.Diagnostics {
	v := t.Terraform.EKSVersion
	d := model.Diagnostic{Pos: t.Pos("terraform", "eksVersion"), Path: "terraform.eksVersion"}
	newest := eksCalendar[0]
	e, ok := lookupEKSVersion(v)
	today := now.UTC().Truncate(24 * time.Hour)
	switch {
	case !ok:
		known := make([]string, len(eksCalendar))
		for i, e := range eksCalendar {
			known[i] = e.version
		}
		d.Summary = fmt.Sprintf("EKS version %q is not in topogen's EKS release calendar (%s)", v, strings.Join(known, ", "))
		d.Fix = fmt.Sprintf("use a version in standard support, e.g. %q", newest.version)
	case !today.Before(day(e.endExtended)):
		d.Summary = fmt.Sprintf("EKS %s reached the end of extended support on %s: EKS no longer creates clusters on it and upgrades existing ones", v, e.endExtended)
		d.Fix = fmt.Sprintf("upgrade to a version in standard support, e.g. %q (standard support until %s), one minor version at a time", newest.version, newest.endStandard)
	case !today.Before(day(e.endStandard)):
		d.Severity = model.Warning
		d.Summary = fmt.Sprintf("EKS %s left standard support on %s (extended support, billed extra, ends %s)", v, e.endStandard, e.endExtended)
		d.Fix = fmt.Sprintf("upgrade to %q (standard support until %s), one minor version at a time", newest.version, newest.endStandard)
	case day(e.endStandard).Sub(today) < standardSupportWarning:
		d.Severity = model.Warning
		d.Summary = fmt.Sprintf("EKS %s leaves standard support on %s, in %d days", v, e.endStandard, int(day(e.endStandard).Sub(today).Hours()/24))
		d.Fix = fmt.Sprintf("plan the upgrade to %q (standard support until %s)", newest.version, newest.endStandard)
		if e == newest {
			d.Fix = "plan the upgrade to the next EKS version: add its row to topogen's calendar (generators/terraform/eksversions.go) from the EKS release calendar"
		}
	default:
		return nil
	}
	return model.Diagnostics{d}
}
