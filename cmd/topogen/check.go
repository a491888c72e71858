package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/topogen/topogen/outdir"
)

func newCheckCmd(stdout, stderr io.Writer) *cobra.Command {
	var f outFlags
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Fail when the output directory is not what gen would write",
		Long: `check renders the topology in memory and compares it with the output directory,
writing nothing. It exits 0 when they are equal, and 1 listing every added,
changed and removed file otherwise (like gofmt -l). CI runs it on every
pull request.`,
		Example: `  topogen check
  topogen check -t regions -o out || echo "run topogen gen and commit out/"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			topo, out := f.topo, f.out
			r, err := renderOut(f, stderr)
			if err != nil {
				return err
			}
			changes := r.files
			if len(changes) == 0 {
				fmt.Fprintf(stdout, "%s is up to date with %s (%d files)\n", out, topo, r.tree.Len())
				return nil
			}
			for _, c := range changes {
				fmt.Fprintln(stdout, changeLine(out, c))
			}
			added, changed, removed := outdir.Count(changes)
			fmt.Fprintf(stdout, "%s is stale: %d added, %d changed, %d removed; run topogen gen\n", out, added, changed, removed)
			return exitError{exitChanges}
		},
	}
	addOutFlags(cmd, &f)
	return cmd
}
