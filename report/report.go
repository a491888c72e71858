// Package report renders `topogen diff` for reviewers: a pull-request
// comment (Markdown) or the same facts as JSON. It says what the change
// means first — files per target, then the topology-level changes in plain
// language with destructive ones flagged — and only then the unified diffs,
// folded per file, because hundreds of generated lines are not reviewable
// on their own. Output depends only on its inputs: same changes, same bytes.
package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/topogen/topogen/compile"
	"github.com/topogen/topogen/impact"
)

// File statuses, as outdir.Status spells them.
const (
	Added   = "added"
	Changed = "changed"
	Removed = "removed"
)

// FileChange is one generated file that differs between out/ and a fresh
// render.
type FileChange struct {
	Path   string // relative to the output directory, forward slashes
	Status string // Added, Changed or Removed
	Diff   string // unified diff text
	// Added and Removed count the diff's lines (outdir.LineCounts).
	Added, Removed int
}

// TargetOf is the target a generated file belongs to, as compile.Targets
// declares it ("replset/failover/eu.json" → "failover", "grafana/x.json" →
// "prometheus"); a path no target owns is named by its first element.
func TargetOf(path string) string {
	if t := compile.TargetOf(path); t != "" {
		return t
	}
	first, _, _ := strings.Cut(path, "/")
	return first
}

// compareTargets orders targets as compile.Targets lists them: the resolved
// model first, then the trees in the order changes reach production;
// names no target has follow in name order.
func compareTargets(a, b string) int {
	ia, ib := compile.TargetIndex(a), compile.TargetIndex(b)
	switch {
	case ia >= 0 && ib >= 0:
		return cmp.Compare(ia, ib)
	case ia >= 0:
		return -1
	case ib >= 0:
		return 1
	}
	return strings.Compare(a, b)
}

// TargetCount is how many files of one target were added, changed and
// removed.
type TargetCount struct {
	Target  string `json:"target"`
	Added   int    `json:"added"`
	Changed int    `json:"changed"`
	Removed int    `json:"removed"`
}

// countTargets tallies files per target, in target order.
func countTargets(files []FileChange) []TargetCount {
	var out []TargetCount
	for _, f := range files {
		t := TargetOf(f.Path)
		i := slices.IndexFunc(out, func(c TargetCount) bool { return c.Target == t })
		if i < 0 {
			out = append(out, TargetCount{Target: t})
			i = len(out) - 1
		}
		switch f.Status {
		case Added:
			out[i].Added++
		case Changed:
			out[i].Changed++
		case Removed:
			out[i].Removed++
		}
	}
	slices.SortFunc(out, func(a, b TargetCount) int { return compareTargets(a.Target, b.Target) })
	return out
}

// sortFiles orders files the way the headlines list their targets, by path
// within a target.
func sortFiles(files []FileChange) []FileChange {
	out := slices.Clone(files)
	slices.SortStableFunc(out, func(a, b FileChange) int {
		return cmp.Or(compareTargets(TargetOf(a.Path), TargetOf(b.Path)), strings.Compare(a.Path, b.Path))
	})
	return out
}

// classRank puts what needs the closest review first; the input order
// (impact.Compare's) is kept within a class.
func classRank(c impact.Class) int {
	switch c {
	case impact.Destructive:
		return 0
	case impact.Reconfig:
		return 1
	case impact.Rolling:
		return 2
	case impact.Safe:
		return 4
	}
	return 3
}

func sortChanges(changes []impact.Change) []impact.Change {
	out := slices.Clone(changes)
	slices.SortStableFunc(out, func(a, b impact.Change) int { return cmp.Compare(classRank(a.Class), classRank(b.Class)) })
	return out
}

// plural is "1 file", "2 files".
func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
