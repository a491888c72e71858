package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/topogen/topogen/outdir"
)

func newGenCmd(stdout, stderr io.Writer) *cobra.Command {
	var topo, out string
	cmd := &cobra.Command{
		Use:   "gen",
		Short: "Validate the topology and rewrite the output directory",
		Long: `gen validates the topology and renders every target into a temporary directory
beside the output directory, then swaps it in. Files no longer generated
disappear; nothing outside the output directory is touched. On any error the
output directory stays exactly as it was.

gen refuses to replace a non-empty directory it did not write (one without
` + outdir.ManifestPath + `).`,
		Example: `  topogen gen                       # regions/ → out/
  topogen gen -t golden/two-regions/input -o /tmp/out`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := render(topo, out, stderr, nil)
			if err != nil {
				return err
			}
			// render compared out/ with the tree already.
			changes := r.files
			if err := outdir.Apply(out, r.tree, changes); err != nil {
				fmt.Fprintf(stderr, "topogen: %v\n", err)
				return exitError{exitInvalid}
			}
			if len(changes) == 0 {
				fmt.Fprintf(stdout, "%s is up to date (%d files)\n", out, r.tree.Len())
				return nil
			}
			added, changed, removed := outdir.Count(changes)
			fmt.Fprintf(stdout, "wrote %s: %d added, %d changed, %d removed (%d files)\n", out, added, changed, removed, r.tree.Len())
			return nil
		},
	}
	addTopologyFlag(cmd, &topo)
	addOutFlag(cmd, &out)
	return cmd
}
