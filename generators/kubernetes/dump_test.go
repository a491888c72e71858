package kubernetes

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/topogen/topogen/schema"
)

// TestWriteTrees writes the trees of the default and golden topologies
// under $TOPOGEN_K8S_OUT/<case>/ for scripts/validate-kubernetes.sh; it is
// skipped unless the variable is set.
func TestWriteTrees(t *testing.T) {
	out := os.Getenv("TOPOGEN_K8S_OUT")
	if out == "" {
		t.Skip("TOPOGEN_K8S_OUT not set")
	}
	topos := map[string]*schema.Topology{"default-external-secrets": withExternalSecrets(t, cases["default"])}
	for name, dir := range cases {
		topos[name] = load(t, dir)
	}
	for name, topo := range topos {
		files, err := Generate(topo)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			p := filepath.Join(out, name, filepath.FromSlash(f.Path))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
