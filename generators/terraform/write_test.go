package terraform

import (
	"os"
	"path/filepath"
	"testing"
)

// TestWriteTrees writes the rendered trees for the real validator:
//
//	TOPOGEN_TF_OUT=/tmp/tf go test ./generators/terraform -run TestWriteTrees
//	scripts/validate-terraform.sh /tmp/tf/*/terraform
//
// It is skipped unless TOPOGEN_TF_OUT is set.
func TestWriteTrees(t *testing.T) {
	dir := os.Getenv("TOPOGEN_TF_OUT")
	if dir == "" {
		t.Skip("TOPOGEN_TF_OUT not set")
	}
	for _, c := range goldenCases {
		topo := load(t, c.input)
		files, err := Generate(topo)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			p := filepath.Join(dir, c.name, filepath.FromSlash(f.Path))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
