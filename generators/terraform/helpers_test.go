package terraform

import (
	"maps"
	"testing"

	"github.com/topogen/topogen/internal/testmemo"
	"github.com/topogen/topogen/internal/testtopo"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/model"
)

// load loads a topology once per test binary (CUE evaluation dominates the
// test time).
func load(t *testing.T, dir string) *model.Topology { return testtopo.Shared(t, dir) }

var generated testmemo.Memo[*model.Topology, map[string][]byte]

// generate renders topo once per test binary (the tests only read the
// files; each gets its own map).
func generate(t *testing.T, topo *model.Topology) map[string][]byte {
	t.Helper()
	files, err := generated.Get(topo, func() (map[string][]byte, error) {
		files, err := Generate(topo)
		return byPath(files), err
	})
	if err != nil {
		t.Fatal(err)
	}
	return maps.Clone(files)
}

func byPath(files []generators.File) map[string][]byte {
	m := map[string][]byte{}
	for _, f := range files {
		m[f.Path] = f.Data
	}
	return m
}
