// Package snapshot writes the resolved topology, out/topology.json: every
// member, vote, host and subnet as the compiler decided them. Reviewers read
// it to see what a topology edit means; `topogen diff` reads the committed
// copy back to describe a change in topology terms.
package snapshot

import (
	"encoding/json"
	"fmt"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/internal/prettyjson"
	"github.com/topogen/topogen/model"
)

// Path of the resolved topology in the output directory.
const Path = "topology.json"

// Generate renders out/topology.json.
func Generate(t *model.Topology) ([]generators.File, error) {
	b, err := prettyjson.Marshal(t)
	if err != nil {
		return nil, fmt.Errorf("encoding the resolved topology: %w", err)
	}
	return []generators.File{{Path: Path, Data: b}}, nil
}

// Decode reads a topology.json written by Generate.
func Decode(b []byte) (*model.Topology, error) {
	var t model.Topology
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("%s: %w", Path, err)
	}
	return &t, nil
}
