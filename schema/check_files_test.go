package schema

import (
	"strings"
	"testing"
)

func TestCheckFiles(t *testing.T) {
	ok := "package regions\n\nx: 1\n"
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"ok", map[string]string{"a.cue": ok, "b.cue": ok}, nil},
		{"no package", map[string]string{"a.cue": ok, "b.cue": ok, "c.cue": "regions: x: {}\n"},
			[]string{"t/c.cue:1:1: the file has no package clause, so CUE would leave it out of the topology; add the package clause the other files have as its first line, e.g. `package regions`"}},
		{"other package", map[string]string{"a.cue": ok, "b.cue": ok, "c.cue": "// x\npackage other\n"},
			[]string{"t/c.cue:2:9: the file is package other, the other files package regions; a topology is one package; write `package regions`, or move the file out of the topology directory"}},
		{"NUL", map[string]string{"a.cue": "package regions\nx: \x00\n"},
			[]string{"t/a.cue:2:4: the file holds a NUL byte, so it is not CUE text; remove the byte"}},
		{"UTF-8", map[string]string{"a.cue": "package regions\nx: \"\xff\"\n"},
			[]string{"t/a.cue:2:5: the file is not valid UTF-8; save it as UTF-8"}},
		{"syntax in the clause", map[string]string{"a.cue": "package 1x\n"},
			[]string{"t/a.cue:1:9: syntax error: "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string][]byte{}
			for n, s := range tc.files {
				files[n] = []byte(s)
			}
			got := checkFiles("t", files)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %d diagnostics", got, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.HasPrefix(got[i].String(), w) {
					t.Errorf("got %q, want prefix %q", got[i], w)
				}
			}
		})
	}
}
