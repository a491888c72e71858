package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/topogen/topogen/regions"
)

func newInitCmd(stdout, stderr io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "init DIR",
		Short: "Write the default three-region topology into a new directory",
		Long: `init writes the default topology (us, eu, apac; 3 members each; primary
preference US > EU > APAC) into DIR as a starting point: one file per region
plus global.cue. DIR must not exist or be empty.`,
		Example: `  topogen init mytopology && topogen vet -t mytopology`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{fmt.Errorf("init takes exactly one argument, the directory to create")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
				fmt.Fprintf(stderr, "topogen: %s is not empty; init only writes into a new or empty directory\n", dir)
				return exitError{exitInvalid}
			} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
				fmt.Fprintf(stderr, "topogen: %v\n", err)
				return exitError{exitInvalid}
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				fmt.Fprintf(stderr, "topogen: %v\n", err)
				return exitError{exitInvalid}
			}
			names, _ := fs.Glob(regions.Files, "*.cue")
			for _, n := range names {
				b, _ := regions.Files.ReadFile(n)
				if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
					fmt.Fprintf(stderr, "topogen: %v\n", err)
					return exitError{exitInvalid}
				}
			}
			fmt.Fprintf(stdout, "wrote %d files to %s; next: topogen vet -t %s\n", len(names), dir, dir)
			return nil
		},
	}
}
