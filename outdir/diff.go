package outdir

import (
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

// UnifiedDiff renders one change as a unified diff with 3 lines of context,
// headed a/<prefix>/<path> and b/<prefix>/<path> like git.
func UnifiedDiff(prefix string, c Change) string {
	name := c.Path
	if prefix != "" {
		name = strings.TrimSuffix(prefix, "/") + "/" + c.Path
	}
	from, to := "a/"+name, "b/"+name
	if c.Status == Added {
		from = "/dev/null"
	}
	if c.Status == Removed {
		to = "/dev/null"
	}
	text, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A:        splitLines(c.Old),
		B:        splitLines(c.New),
		FromFile: from,
		ToFile:   to,
		Context:  3,
	})
	return text
}

// LineCounts are the lines a change adds and removes, counted on the
// difference UnifiedDiff renders (difflib's opcodes), not on its text.
func LineCounts(c Change) (added, removed int) {
	m := difflib.NewMatcher(splitLines(c.Old), splitLines(c.New))
	for _, op := range m.GetOpCodes() {
		switch op.Tag {
		case 'r':
			removed += op.I2 - op.I1
			added += op.J2 - op.J1
		case 'd':
			removed += op.I2 - op.I1
		case 'i':
			added += op.J2 - op.J1
		}
	}
	return added, removed
}

// splitLines splits after each newline. difflib.SplitLines appends a
// newline to the last element, which for text ending in a newline is an
// empty phantom line: the diff then showed a "+" line no file has, and
// patch(1) rejected it.
func splitLines(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	lines := strings.SplitAfter(string(b), "\n")
	if lines[len(lines)-1] == "" {
		return lines[:len(lines)-1]
	}
	lines[len(lines)-1] += "\n" // no newline at the end: compared as if there were
	return lines
}
