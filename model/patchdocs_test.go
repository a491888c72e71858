package model

import (
	"strings"
	"testing"
)

// aliasBomb is the classic "billion laughs": nine levels of nine aliases.
func aliasBomb() string {
	var b strings.Builder
	b.WriteString("kind: ConfigMap\nmetadata: {name: x}\na0: &a0 [\"lol\"]\n")
	for i := 1; i < 10; i++ {
		b.WriteString("a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
		for j := range 9 {
			if j > 0 {
				b.WriteString(",")
			}
			b.WriteString("*a" + string(rune('0'+i-1)))
		}
		b.WriteString("]\n")
	}
	return b.String()
}

func TestParsePatchRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, data, want string
	}{
		{"alias bomb", aliasBomb(), "patches/us/p.yaml:3:5: YAML anchors and aliases are not allowed in patches"},
		{"anchor", "kind: A\nmetadata: &m {name: x}\n", "patches/us/p.yaml:2:11: YAML anchors"},
		{"too large", "kind: A\nmetadata: {name: x}\n#" + strings.Repeat("x", MaxPatchSize), "over the 1048576-byte limit"},
		{"NUL", "kind: A\nmeta\x00data: {name: x}\n", "patches/us/p.yaml:2:5: patch holds a NUL byte; save the file as UTF-8 text"},
		{"syntax", "kind: A\n  metadata: x: y\n", "patches/us/p.yaml:2:1: invalid YAML: "},
		{"list", "- a\n- b\n", "patches/us/p.yaml:1:1: a patch document must be a mapping"},
		{"no name", "kind: A\nspec: {}\n", "kind or metadata.name is missing"},
		{"empty", "---\n", "the patch file is empty; remove it"},
		{"too many docs", strings.Repeat("kind: A\nmetadata: {name: x}\n---\n", maxPatchDocs+1), "more than 100 documents"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, d := ParsePatch(Patch{Region: "us", File: "patches/us/p.yaml", Data: []byte(tc.data)})
			if d == nil || !strings.Contains(d.String(), tc.want) {
				t.Errorf("ParsePatch = %v, want %q", d, tc.want)
			}
			if d != nil && d.Fix == "" {
				t.Errorf("%v has no fix", d)
			}
		})
	}
}

func TestParsePatchDocs(t *testing.T) {
	docs, d := ParsePatch(Patch{File: "p.yaml", Data: []byte("apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: rs\n---\nkind: Service\nmetadata: {name: svc}\n---\n")})
	if d != nil {
		t.Fatal(d)
	}
	if len(docs) != 2 || docs[0].Kind != "StatefulSet" || docs[0].Name != "rs" || docs[1].Kind != "Service" || docs[1].Line != 6 {
		t.Errorf("docs %+v", docs)
	}
}
