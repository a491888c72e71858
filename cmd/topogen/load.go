package main

import (
	"fmt"
	"io"

	"github.com/topogen/topogen/compile"
	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/schema"
)

// loadTopology loads and validates the topology, printing every
// diagnostic: errors to stderr, warnings to warnOut. Errors end the command
// with exit code 2.
func loadTopology(dir string, stderr, warnOut io.Writer) (*schema.Topology, error) {
	t, diags := schema.Load(dir)
	if t != nil {
		diags = append(diags, compile.Check(t)...)
	}
	for _, d := range diags.Sort() {
		if d.Severity == schema.Warning {
			fmt.Fprintln(warnOut, d)
		} else {
			fmt.Fprintln(stderr, d)
		}
	}
	if t == nil || diags.HasErrors() {
		return nil, exitError{exitInvalid}
	}
	return t, nil
}

// render loads the topology and compiles every target in memory.
func render(topoDir string, stderr, warnOut io.Writer) (*schema.Topology, *generators.Tree, error) {
	t, err := loadTopology(topoDir, stderr, warnOut)
	if err != nil {
		return nil, nil, err
	}
	tree, err := compile.Compile(t)
	if err != nil {
		fmt.Fprintf(stderr, "topogen: %v\n", err)
		return nil, nil, exitError{exitInvalid}
	}
	return t, tree, nil
}
