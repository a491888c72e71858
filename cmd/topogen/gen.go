package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/topogen/topogen/outdir"
)

func newGenCmd(stdout, stderr io.Writer) *cobra.Command {
	var f outFlags
	cmd := &cobra.Command{
		Use:   "gen",
		Short: "Validate the topology and rewrite the output directory",
		Long: `gen validates the topology and renders every target into a temporary directory
beside the output directory, then swaps it in. Files no longer generated
disappear; nothing outside the output directory is touched. On any error the
output directory stays exactly as it was. The swap is atomic: a gen killed at
any point leaves the old tree or the new one, and the next gen removes what
it left beside the directory (on Linux one renameat2(RENAME_EXCHANGE);
elsewhere two renames with a journal the next run completes or rolls back).
A symlinked output directory is followed and stays a link.

gen refuses a filesystem root and a non-empty directory it did not write (one
without ` + outdir.ManifestPath + `), before reading anything in it.`,
		Example: `  topogen gen                       # regions/ → out/
  topogen gen -t golden/two-regions/input -o /tmp/out`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := f.out
			if out == "" {
				return usageError{errors.New("-o needs a directory, e.g. -o out")}
			}
			dir, unlock, err := outdir.OpenForWrite(out)
			if err != nil {
				fmt.Fprintf(stderr, "topogen: %v\n", err)
				return exitError{exitInvalid}
			}
			defer unlock()
			if dir.Stale != nil {
				fmt.Fprintf(stderr, "topogen: warning: a temporary directory a killed gen left could not be removed: %v\n", dir.Stale)
			}
			r, err := render(f, dir, stderr, nil)
			if err != nil {
				return err
			}
			// render compared out/ with the tree already.
			changes := r.files
			if err := dir.Apply(r.tree, changes); err != nil {
				if _, ok := errors.AsType[*outdir.CleanupError](err); !ok {
					fmt.Fprintf(stderr, "topogen: %v\n", err)
					return exitError{exitInvalid}
				}
				// out/ holds the new tree: gen succeeded, check agrees.
				fmt.Fprintf(stderr, "topogen: warning: %s: %v\n", out, err)
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
	addOutFlags(cmd, &f)
	return cmd
}
