package prometheus

import (
	"slices"
	"testing"

	"github.com/topogen/topogen/internal/testmemo"
	"github.com/topogen/topogen/internal/testtopo"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/model"
)

var rendered testmemo.Memo[*model.Topology, []generators.File]

// load loads a topology once per test binary; the tests only read it.
func load(t *testing.T, dir string) *model.Topology { return testtopo.Shared(t, dir) }

// renderTopo renders topo once per test binary; each caller gets its own
// slice (the files' bytes are only read).
func renderTopo(t *testing.T, topo *model.Topology) []generators.File {
	t.Helper()
	files, err := rendered.Get(topo, func() ([]generators.File, error) { return Generate(topo) })
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return slices.Clone(files)
}
