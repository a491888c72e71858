// Package compile runs every target over a resolved topology and collects
// their files into one tree. It is the only place that knows the list of
// targets; the CLI and the tests call it.
package compile

import (
	"fmt"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/generators/model"
	"github.com/topogen/topogen/generators/replset"
	"github.com/topogen/topogen/outdir"
	"github.com/topogen/topogen/schema"
)

// Target is one output target: a pure function from the model to files.
type Target struct {
	Name     string
	Generate func(*schema.Topology) ([]generators.File, error)
}

// Targets in the order they run; each owns a directory (or file) of out/.
var Targets = []Target{
	{Name: "model", Generate: model.Generate},
	{Name: "replset", Generate: replset.Generate},
}

// Compile renders every target into one tree. It does no I/O.
func Compile(t *schema.Topology) (*generators.Tree, error) {
	tree := generators.NewTree()
	for _, target := range Targets {
		files, err := target.Generate(t)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", target.Name, err)
		}
		if err := tree.Add(files...); err != nil {
			return nil, fmt.Errorf("%s: %w", target.Name, err)
		}
	}
	// The manifest marks the directory as topogen's and lists its files.
	if err := tree.Add(generators.File{Path: outdir.ManifestPath, Data: outdir.Manifest(tree)}); err != nil {
		return nil, err
	}
	return tree, nil
}

// Check runs the checks that need the resolved model (SLO feasibility and
// the like) and returns their diagnostics; vet and gen both run it.
func Check(t *schema.Topology) schema.Diagnostics {
	return nil
}
