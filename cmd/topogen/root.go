package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"github.com/topogen/topogen/internal/parallel"
)

// Exit codes: the diff(1) family.
const (
	exitOK      = 0
	exitChanges = 1 // drift or changes found (check, diff)
	exitInvalid = 2 // invalid topology or usage
)

// exitError carries an exit code out of a command whose messages were
// already printed.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// usageError is a wrong invocation: printed with a pointer to --help.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }

// Typed flag names, shared by every command that takes them.
const (
	flagTopology = "topology"
	flagOut      = "out"
	flagFormat   = "format"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = "devel"

// Main runs topogen with args and returns the exit code; it never panics
// out to the user.
func Main(args []string) (code int) {
	return run(args, os.Stdout, os.Stderr)
}

func run(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			if p, ok := r.(*parallel.PanicError); ok {
				fmt.Fprintf(stderr, "topogen: %v\n", p)
			} else {
				fmt.Fprintf(stderr, "topogen: internal error: %v; please report it with the topology that caused it\n", r)
			}
			code = exitInvalid
		}
	}()
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	var ee exitError
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "topogen: %v\nRun 'topogen --help' for usage.\n", ue.err)
		return exitInvalid
	default:
		// cobra's own errors: unknown command or flag, wrong arguments.
		fmt.Fprintf(stderr, "topogen: %v\nRun 'topogen --help' for usage.\n", err)
		return exitInvalid
	}
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "topogen",
		Short: "Compile a multi-region MongoDB topology into GitOps files",
		Long: `topogen compiles one CUE topology of a globally distributed MongoDB replica set
(regions, CIDRs, priorities, sizing, SLOs, backups) into everything that runs it:
per-region Kubernetes manifests, Terraform for AWS, the rs.initiate() config,
Prometheus rules and federation, and Argo CD / Flux objects. The output is
committed under out/; CI runs 'topogen check' on every pull request.

Exit codes: 0 ok, 1 drift or changes found (check, diff), 2 invalid topology
or usage.`,
		Example: `  topogen init mytopology      # start from the default three-region topology
  topogen vet -t mytopology    # validate only
  topogen gen -t mytopology -o out
  topogen check                # in CI: fails when out/ is stale
  topogen diff                 # what gen would change`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(
		newGenCmd(stdout, stderr),
		newCheckCmd(stdout, stderr),
		newDiffCmd(stdout, stderr),
		newVetCmd(stdout, stderr),
		newExplainCmd(stdout, stderr),
		newInitCmd(stdout, stderr),
		newVersionCmd(stdout),
	)
	return root
}

// addTopologyFlag and addOutFlag give every command the same flags.
func addTopologyFlag(cmd *cobra.Command, dir *string) {
	cmd.Flags().StringVarP(dir, flagTopology, "t", "regions", "directory holding the topology's .cue files")
}

func addOutFlag(cmd *cobra.Command, dir *string) {
	cmd.Flags().StringVarP(dir, flagOut, "o", "out", "output directory")
}
