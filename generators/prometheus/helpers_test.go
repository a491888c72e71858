package prometheus

import (
	"slices"
	"sync"
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

var (
	memoMu   sync.Mutex
	rendered = map[*model.Topology][]generators.File{}
)

// load loads a topology once per test binary; the tests only read it.
func load(t *testing.T, dir string) *model.Topology { return testtopo.Shared(t, dir) }

// renderTopo renders topo once per test binary; each caller gets its own
// slice (the files' bytes are only read).
func renderTopo(t *testing.T, topo *model.Topology) []generators.File {
	t.Helper()
	memoMu.Lock()
	defer memoMu.Unlock()
	if files, ok := rendered[topo]; ok {
		return slices.Clone(files)
	}
	files, err := Generate(topo)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	rendered[topo] = files
	return slices.Clone(files)
}
