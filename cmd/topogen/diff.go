package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/topogen/topogen/outdir"
)

func newDiffCmd(stdout, stderr io.Writer) *cobra.Command {
	var topo, out, format string
	cmd := &cobra.Command{
		Use:   "diff",
		Short: "Show what gen would change in the output directory",
		Long: `diff renders the topology in memory and prints what gen would change, writing
nothing. It exits 0 when there is nothing to change and 1 otherwise.

Formats:
  text      unified diffs, one per file (default)`,
		Example: `  topogen diff
  topogen diff -o out | less`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "text" {
				return usageError{fmt.Errorf("unknown --%s %q: want text", flagFormat, format)}
			}
			_, tree, err := render(topo, stderr, stderr)
			if err != nil {
				return err
			}
			changes, err := outdir.Compare(out, tree)
			if err != nil {
				fmt.Fprintf(stderr, "topogen: %v\n", err)
				return exitError{exitInvalid}
			}
			for _, c := range changes {
				io.WriteString(stdout, outdir.UnifiedDiff(out, c))
			}
			if len(changes) > 0 {
				return exitError{exitChanges}
			}
			return nil
		},
	}
	addTopologyFlag(cmd, &topo)
	addOutFlag(cmd, &out)
	cmd.Flags().StringVar(&format, flagFormat, "text", "output format: text")
	return cmd
}
