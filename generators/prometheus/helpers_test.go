package prometheus

import (
	"testing"

	"github.com/topogen/topogen/internal/testtopo"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/model"
)

// cases are the topologies every test renders: the default one and the
// golden inputs.
var cases = []struct{ name, dir string }{
	{"default", "../../regions"},
	{"two-regions", "../../golden/two-regions/input"},
	{"five-regions", "../../golden/five-regions/input"},
	{"one-member", "../../golden/one-member/input"},
	{"seven-by-seven", "../../golden/seven-by-seven/input"},
	{"eu-residency", "../../golden/eu-residency/input"},
}

func load(t *testing.T, dir string) *model.Topology { return testtopo.Load(t, dir) }

func renderTopo(t *testing.T, topo *model.Topology) []generators.File {
	t.Helper()
	files, err := Generate(topo)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return files
}
