package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/topogen/topogen/outdir"
	"github.com/topogen/topogen/report"
)

func newDiffCmd(stdout, stderr io.Writer) *cobra.Command {
	var f outFlags
	var format string
	cmd := &cobra.Command{
		Use:   "diff",
		Short: "Show what gen would change in the output directory",
		Long: `diff renders the topology in memory and prints what gen would change, writing
nothing. It exits 0 when there is nothing to change and 1 otherwise.

Formats:
  text      the rollout plan as "# " comment lines, then unified diffs, one
            per file (default)
  markdown  a pull-request comment: files per target, each topology change in
            plain words (destructive, replica-set reconfig, rolling restart,
            safe), the rollout plan (which members restart or are
            reconfigured, in what order, voters up at each step), then every
            file's diff folded
  json      the same as markdown, for tools`,
		Example: `  topogen diff
  topogen diff --format markdown > comment.md
  topogen diff -o base/out --format json   # against another checkout's out/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch format {
			case "text", "markdown", "json":
			default:
				return usageError{fmt.Errorf("unknown --%s %q: want text, markdown or json", flagFormat, format)}
			}
			out := f.out
			r, err := renderOut(f, stderr)
			if err != nil {
				return err
			}
			changes := r.files
			plan, err := r.plan()
			if err != nil {
				fmt.Fprintf(stderr, "topogen: %v\n", err)
				return exitError{exitInvalid}
			}
			switch format {
			case "text":
				io.WriteString(stdout, plan.Text())
				for _, c := range changes {
					if c.Kind != "" {
						// Not a file patch can express; patch(1) skips the line.
						fmt.Fprintf(stdout, "# %s\n", changeLine(out, c))
					}
					io.WriteString(stdout, outdir.UnifiedDiff(out, c))
				}
			default:
				files := make([]report.FileChange, len(changes))
				for i, c := range changes {
					added, removed := outdir.LineCounts(c)
					files[i] = report.FileChange{Path: c.Path, Status: string(c.Status), Diff: outdir.UnifiedDiff("", c), Added: added, Removed: removed}
				}
				var b []byte
				if format == "markdown" {
					b = report.Markdown(files, r.changes, plan)
				} else if b, err = report.JSON(files, r.changes, plan); err != nil {
					fmt.Fprintf(stderr, "topogen: %v\n", err)
					return exitError{exitInvalid}
				}
				stdout.Write(b)
			}
			if len(changes) > 0 {
				return exitError{exitChanges}
			}
			return nil
		},
	}
	addOutFlags(cmd, &f)
	cmd.Flags().StringVar(&format, flagFormat, "text", "output format: text, markdown or json")
	return cmd
}
