package prometheus

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/topogen/topogen/internal/testtopo"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/schema"
)

// cases are the topologies every test renders: the default one and the
// golden inputs.
var cases = []struct{ name, dir string }{
	{"default", "../../regions"},
	{"two-regions", "../../golden/two-regions/input"},
	{"five-regions", "../../golden/five-regions/input"},
	{"one-member", "../../golden/one-member/input"},
	{"seven-by-seven", "../../golden/seven-by-seven/input"},
}

func load(t *testing.T, dir string) *schema.Topology { return testtopo.Load(t, dir) }

func renderTopo(t *testing.T, topo *schema.Topology) []generators.File {
	t.Helper()
	files, err := Generate(topo)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return files
}

// TestWriteTrees writes each case's tree under $TOPOGEN_PROMETHEUS_OUT/<case>/
// for scripts/validate-prometheus.sh:
//
//	TOPOGEN_PROMETHEUS_OUT=/tmp/prom go test ./generators/prometheus -run TestWriteTrees
//	scripts/validate-prometheus.sh /tmp/prom/*
func TestWriteTrees(t *testing.T) {
	root := os.Getenv("TOPOGEN_PROMETHEUS_OUT")
	if root == "" {
		t.Skip("TOPOGEN_PROMETHEUS_OUT not set")
	}
	for _, c := range cases {
		for _, f := range renderTopo(t, load(t, c.dir)) {
			p := filepath.Join(root, c.name, filepath.FromSlash(f.Path))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
