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

func splitLines(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	return difflib.SplitLines(string(b))
}
