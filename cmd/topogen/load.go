package main

import (
	"fmt"
	"io"

	"github.com/topogen/topogen/compile"
	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/impact"
	"github.com/topogen/topogen/outdir"
	"github.com/topogen/topogen/schema"
)

// printDiagnostics prints errors to stderr, one per line, and reports
// whether there was one. Warnings go to warnOut one per line, or, when
// warnOut is nil (gen, check, diff: their output is read in CI logs), as a
// one-line count pointing at `topogen vet` on stderr.
func printDiagnostics(diags schema.Diagnostics, stderr, warnOut io.Writer) bool {
	warnings := 0
	for _, d := range diags.Sort() {
		switch {
		case d.Severity != schema.Warning:
			fmt.Fprintln(stderr, d)
		case warnOut != nil:
			fmt.Fprintln(warnOut, d)
		default:
			warnings++
		}
	}
	if warnings > 0 && !diags.HasErrors() {
		fmt.Fprintf(stderr, "topogen: %d warning(s); run topogen vet to read them\n", warnings)
	}
	return diags.HasErrors()
}

// loadTopology loads and validates the topology, printing every
// diagnostic; errors end the command with exit code 2.
func loadTopology(dir string, stderr, warnOut io.Writer) (*schema.Topology, error) {
	t, diags := schema.Load(dir)
	if t != nil {
		diags = append(diags, compile.Check(t)...)
	}
	if printDiagnostics(diags, stderr, warnOut) || t == nil {
		return nil, exitError{exitInvalid}
	}
	return t, nil
}

// rendering is a topology compiled against an output directory.
type rendering struct {
	topology *schema.Topology
	tree     *generators.Tree
	// changes are the topology-level changes since out/ was generated.
	changes []impact.Change
	// files are the files gen would add, change or remove in out/.
	files []outdir.Change
}

// render loads the topology, reads what the output directory was generated
// from, refuses unacknowledged destructive changes and compiles every
// target in memory.
func render(topoDir, outDir string, stderr, warnOut io.Writer) (*rendering, error) {
	t, err := loadTopology(topoDir, stderr, warnOut)
	if err != nil {
		return nil, err
	}
	existing, err := outdir.ReadTree(outDir)
	if err != nil {
		fmt.Fprintf(stderr, "topogen: %v\n", err)
		return nil, exitError{exitInvalid}
	}
	opts, err := compile.PreviousFrom(existing)
	if err != nil {
		fmt.Fprintf(stderr, "topogen: %s: %v; remove the file and run topogen gen again\n", outDir, err)
		return nil, exitError{exitInvalid}
	}
	changes := compile.Changes(t, opts)
	if printDiagnostics(impact.Unacknowledged(changes, t), stderr, warnOut) {
		return nil, exitError{exitInvalid}
	}
	tree, err := compile.Compile(t, opts)
	if err != nil {
		fmt.Fprintf(stderr, "topogen: %v\n", err)
		return nil, exitError{exitInvalid}
	}
	return &rendering{topology: t, tree: tree, changes: changes, files: outdir.CompareFiles(existing, tree)}, nil
}
