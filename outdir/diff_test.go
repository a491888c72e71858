package outdir

import "testing"

// TestLineCounts: the counts report shows beside each diff, on the cases
// the diff text makes tricky (content lines that start like headers, no
// final newline), counted by hand.
func TestLineCounts(t *testing.T) {
	for _, c := range []struct {
		name     string
		old, new string
		add, del int
	}{
		{"same", "a\n", "a\n", 0, 0},
		{"one line replaced", "a\nb\n", "a\nc\n", 1, 1},
		{"header-like content", "a\n-- b\n", "a\n++ c\n+d\n", 2, 1},
		{"added file", "", "a\nb", 2, 0},
		{"removed file", "x\ny\nz\n", "", 0, 3},
	} {
		status := Changed
		switch {
		case c.old == "":
			status = Added
		case c.new == "":
			status = Removed
		}
		ch := Change{Path: "x", Status: status, Old: []byte(c.old), New: []byte(c.new)}
		if a, d := LineCounts(ch); a != c.add || d != c.del {
			t.Errorf("%s: LineCounts = +%d -%d, want +%d -%d\n%s", c.name, a, d, c.add, c.del, UnifiedDiff("", ch))
		}
	}
}
