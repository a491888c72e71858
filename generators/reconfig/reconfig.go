// Package reconfig writes out/replset/reconfig/: the ordered reconfigs
// impact.ReconfigSteps plans when a change adds or removes more than one
// voter (mongod accepts one voter change per non-force reconfig,
// mongodb-facts.md §1.8), and the topology they start from.
package reconfig

import (
	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/generators/replset"
	"github.com/topogen/topogen/generators/snapshot"
	"github.com/topogen/topogen/impact"
	"github.com/topogen/topogen/model"
)

// Dir is the target's directory in the output directory.
const Dir = impact.ReconfigDir

// BasePath holds the topology the steps start from, so that the steps stay
// in out/ (and `topogen check` stays green) after gen has rewritten
// out/topology.json, until the next topology change replaces them.
const BasePath = Dir + "/base-topology.json"

// Base is the topology a plan to t starts from: the previous generation's
// when t changed it (a new change: plan from what is deployed), else the
// pending plan's base (nil when there is none). previous and pending may
// be nil.
func Base(t, previous, pending *model.Topology) (*model.Topology, error) {
	if previous == nil {
		return pending, nil
	}
	prev, err := snapshot.Generate(previous)
	if err != nil {
		return nil, err
	}
	cur, err := snapshot.Generate(t)
	if err != nil {
		return nil, err
	}
	if string(prev[0].Data) != string(cur[0].Data) {
		return previous, nil
	}
	return pending, nil
}

// Generate renders the steps from base to t, each a full replica-set
// config, and base's snapshot; nothing when one reconfig suffices.
func Generate(t, base *model.Topology) ([]generators.File, error) {
	if base == nil {
		return nil, nil
	}
	if t.Sharding != nil {
		return generateSharded(t, base)
	}
	steps := impact.ReconfigSteps(base, t)
	if len(steps) == 0 {
		return nil, nil
	}
	var files []generators.File
	for _, s := range steps {
		cfg := replset.BuildConfig(t.ReplicaSet, s.Members, s.Version)
		files = append(files, generators.File{Path: s.File, Data: replset.MarshalConfig(cfg)})
	}
	snap, err := snapshot.Generate(base)
	if err != nil {
		return nil, err
	}
	snap[0].Path = BasePath
	return append(files, snap...), nil
}
