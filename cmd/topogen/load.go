package main

import (
	"errors"
	"fmt"
	"io"
	"path"

	"github.com/spf13/cobra"
	"github.com/topogen/topogen/compile"
	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/impact"
	"github.com/topogen/topogen/model"
	"github.com/topogen/topogen/outdir"
	"github.com/topogen/topogen/schema"
)

// printDiagnostics prints errors to stderr, one per line, and reports
// whether there was one. Warnings go to warnOut one per line, or, when
// warnOut is nil (gen, check, diff: their output is read in CI logs), as a
// one-line count pointing at `topogen vet` on stderr.
func printDiagnostics(diags model.Diagnostics, stderr, warnOut io.Writer) bool {
	warnings := 0
	for _, d := range diags.Sort() {
		switch {
		case d.Severity != model.Warning:
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
// diagnostic; errors end the command with exit code 2. It returns what
// the checks built, for a compile of the topology to reuse.
func loadTopology(dir string, stderr, warnOut io.Writer) (*model.Topology, compile.Checked, error) {
	stop := watchLoad(dir, stderr)
	t, diags := schema.Load(dir)
	defer stop()
	var checked compile.Checked
	if t != nil {
		var more model.Diagnostics
		checked, more = compile.Check(t)
		diags = append(diags, more...)
	}
	if printDiagnostics(diags, stderr, warnOut) || t == nil {
		return nil, compile.Checked{}, exitError{exitInvalid}
	}
	return t, checked, nil
}

// outFlags are the flags of the commands that compare with an output
// directory (gen, check, diff).
type outFlags struct {
	topo, out string
	// noPrevious accepts an output directory without its topology.json:
	// every change since it was generated is then unchecked.
	noPrevious bool
}

const flagNoPrevious = "no-previous"

func addOutFlags(cmd *cobra.Command, f *outFlags) {
	addTopologyFlag(cmd, &f.topo)
	addOutFlag(cmd, &f.out)
	cmd.Flags().BoolVar(&f.noPrevious, flagNoPrevious, false, "generate without comparing with the topology the output directory was generated from (when its "+compile.SnapshotPath+" is lost); destructive changes go unchecked")
}

// rendering is a topology compiled against an output directory.
type rendering struct {
	dir      *outdir.Dir
	topology *model.Topology
	// previous is the topology out/ was generated from; nil on the first
	// generation.
	previous *model.Topology
	// opts are what out/ held before (previous, a pending reconfig plan).
	opts compile.Options
	tree *generators.Tree
	// changes are the topology-level changes since out/ was generated.
	changes []impact.Change
	// files are the files gen would add, change or remove in out/.
	files []outdir.Change
}

// render checks the output directory, loads the topology, reads what the
// output directory was generated from, refuses unacknowledged destructive
// changes and compiles every target in memory. dir is the opened output
// directory (outdir.Open or OpenForWrite).
func render(f outFlags, dir *outdir.Dir, stderr, warnOut io.Writer) (*rendering, error) {
	t, checked, err := loadTopology(f.topo, stderr, warnOut)
	if err != nil {
		return nil, err
	}
	existing, err := dir.Read()
	if err != nil {
		fmt.Fprintf(stderr, "topogen: %v\n", err)
		return nil, exitError{exitInvalid}
	}
	snapshot := path.Join(f.out, compile.SnapshotPath)
	var opts compile.Options
	if !f.noPrevious {
		if _, ok := existing.Files[compile.SnapshotPath]; !ok && dir.Owned {
			why := "is missing"
			if kind, ok := existing.Others[compile.SnapshotPath]; ok {
				why = "is a " + kind + ", not the file topogen wrote"
			}
			fmt.Fprintf(stderr, "topogen: %s %s, so the changes since %s was generated (a CIDR change, a removed region) cannot be checked; restore it (git checkout -- %s), or pass --%s to generate without that check\n", snapshot, why, f.out, snapshot, flagNoPrevious)
			return nil, exitError{exitInvalid}
		}
		if opts, err = compile.PreviousFrom(existing.Files); err != nil {
			fmt.Fprintf(stderr, "topogen: %s: %v; restore the file (git checkout -- %s), or pass --%s to generate without comparing with it\n", f.out, err, f.out, flagNoPrevious)
			return nil, exitError{exitInvalid}
		}
	}
	opts.Checked = checked
	changes := compile.Changes(t, opts)
	if printDiagnostics(impact.Unacknowledged(changes, t), stderr, warnOut) {
		return nil, exitError{exitInvalid}
	}
	tree, err := compile.Compile(t, opts)
	if err != nil {
		fmt.Fprintf(stderr, "topogen: %v\n", err)
		return nil, exitError{exitInvalid}
	}
	return &rendering{dir: dir, topology: t, previous: opts.Previous, opts: opts, tree: tree, changes: changes, files: existing.Compare(tree)}, nil
}

// renderOut opens the output directory for check and diff, before
// anything is read, and renders the topology against it.
func renderOut(f outFlags, stderr io.Writer) (*rendering, error) {
	dir, err := openOut(f.out, stderr)
	if err != nil {
		return nil, err
	}
	return render(f, dir, stderr, nil)
}

// openOut opens the output directory for check and diff, before anything
// is read.
func openOut(name string, stderr io.Writer) (*outdir.Dir, error) {
	if name == "" {
		return nil, usageError{errors.New("-o needs a directory, e.g. -o out")}
	}
	d, err := outdir.Open(name)
	if err != nil {
		fmt.Fprintf(stderr, "topogen: %v\n", err)
		return nil, exitError{exitInvalid}
	}
	return d, nil
}

// changeLine is one changed file as check lists it.
func changeLine(out string, c outdir.Change) string {
	s := fmt.Sprintf("%-8s %s", c.Status, path.Join(out, c.Path))
	if c.Kind != "" {
		s += " (" + c.Kind + ", not a generated file)"
	}
	return s
}

// plan is the rollout plan of the topology changes, with the reconfig steps
// the compiled tree holds (compile.ReconfigSteps plans the same ones); nil
// without changes.
func (r *rendering) plan() (*impact.Plan, error) {
	if r.previous == nil || len(r.changes) == 0 {
		return nil, nil
	}
	steps, err := compile.ReconfigSteps(r.topology, r.opts)
	if err != nil {
		return nil, err
	}
	return impact.BuildPlan(r.previous, r.topology, r.changes, steps), nil
}
