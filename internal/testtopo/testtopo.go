// Package testtopo gives tests the topologies they run on: loading a
// directory, reading its files to load them with edits, failing the test on
// any load error.
package testtopo

import (
	"fmt"
	"testing"

	"github.com/topogen/topogen/internal/testmemo"
	"github.com/topogen/topogen/model"
	"github.com/topogen/topogen/schema"
)

// Load loads the topology in dir; any error fails the test.
func Load(t testing.TB, dir string) *model.Topology {
	t.Helper()
	topo, err := load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return topo
}

func load(dir string) (*model.Topology, error) {
	topo, diags := schema.Load(dir)
	if diags.HasErrors() {
		return nil, fmt.Errorf("loading %s: %v", dir, diags)
	}
	return topo, nil
}

// ReadDir reads dir's .cue files, keyed by base name, for schema.LoadFiles.
func ReadDir(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	files, diags := schema.ReadFiles(dir)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return files
}

// LoadFiles loads in-memory files (named as if in dir); any error fails
// the test.
func LoadFiles(t testing.TB, dir string, files map[string][]byte) *model.Topology {
	t.Helper()
	topo, diags := schema.LoadFiles(dir, files)
	if diags.HasErrors() {
		t.Fatalf("loading %s: %v", dir, diags)
	}
	return topo
}

var shared testmemo.Memo[string, *model.Topology]

// Shared is Load once per test binary and directory: tests that render
// the same topologies many times share one load (CUE evaluation is most
// of a load). The topology is shared, so callers only read it; a test
// that changes one uses Load.
func Shared(t testing.TB, dir string) *model.Topology {
	t.Helper()
	topo, err := shared.Get(dir, func() (*model.Topology, error) { return load(dir) })
	if err != nil {
		t.Fatal(err)
	}
	return topo
}
