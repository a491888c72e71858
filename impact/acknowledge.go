package impact

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/topogen/topogen/model"
)

// AckKey is the analysis.acknowledge key that acknowledges a destructive
// change: its region, or for a global change its field path (e.g.
// "kubernetes.namespace", written quoted in CUE).
func AckKey(c Change) string { return cmp.Or(c.Region, c.Path) }

// Unacknowledged reports the destructive changes: an error (exit 2) for
// each one whose key (AckKey) has no analysis.acknowledge entry in t, the
// new topology, saying what is destroyed and how to acknowledge it; a
// warning quoting the reason for each acknowledged one; and a warning for
// each acknowledgement no destructive change uses (remove it once the
// change is applied, so it cannot approve a later one).
func Unacknowledged(changes []Change, t *model.Topology) model.Diagnostics {
	var ds model.Diagnostics
	used := map[string]bool{}
	for _, c := range changes {
		if c.Class != Destructive {
			continue
		}
		key := AckKey(c)
		used[key] = true
		if reason, ok := t.Analysis.Acknowledge[key]; ok {
			ds = append(ds, model.Diagnostic{
				Severity: model.Warning,
				Pos:      t.Pos("analysis", "acknowledge", key),
				Path:     "analysis.acknowledge." + key,
				Summary:  fmt.Sprintf("destructive change acknowledged (%q): %s", reason, c.Summary),
				Fix:      "remove the acknowledgement once the change is applied",
			})
			continue
		}
		label := key
		if strings.Contains(key, ".") {
			label = strconv.Quote(key)
		}
		ds = append(ds, model.Diagnostic{
			Severity: model.Error,
			Pos:      cmp.Or(c.Pos, t.Pos(strings.Split(c.Path, ".")...)),
			Path:     c.Path,
			Summary:  "unacknowledged destructive change: " + c.Summary,
			Fix:      fmt.Sprintf("if this is intended, add analysis: acknowledge: %s: reason: \"...\" (at least 10 characters); otherwise revert it", label),
		})
	}
	for _, key := range slices.Sorted(maps.Keys(t.Analysis.Acknowledge)) {
		if !used[key] {
			ds = append(ds, model.Diagnostic{
				Severity: model.Warning,
				Pos:      t.Pos("analysis", "acknowledge", key),
				Path:     "analysis.acknowledge." + key,
				Summary:  fmt.Sprintf("no destructive change to %s is pending", key),
				Fix:      "remove the acknowledgement so it cannot approve a later change",
			})
		}
	}
	return ds.Sort()
}
