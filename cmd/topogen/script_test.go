package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/topogen/topogen/compile"
)

func TestMain(m *testing.M) {
	if os.Getenv(runAsMain) == "1" {
		os.Exit(Main(os.Args[1:]))
	}
	os.Exit(testscript.RunMain(m, map[string]func() int{
		"topogen": func() int { return Main(os.Args[1:]) },
	}))
}

// TestScript runs the end-to-end CLI scripts in testdata/script: exit
// codes, stdout/stderr text, output directory behaviour. TOPOGEN_UPDATE=1
// rewrites the expected files in the scripts.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       os.Getenv("TOPOGEN_UPDATE") != "",
		Setup: func(env *testscript.Env) error {
			// The EKS calendar check judges this day, not the machine's:
			// the scripts' expected warnings stay true as time passes.
			env.Setenv(compile.TodayEnv, "2026-12-03")
			// Every script gets the default topology in $WORK/regions.
			return copyDir("../../regions", filepath.Join(env.WorkDir, "regions"), ".cue")
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// exitcode N cmd args...: run cmd and require exit code N
			// (testscript's `! exec` only tells zero from non-zero).
			"exitcode": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) < 2 {
					ts.Fatalf("usage: exitcode N command [args...]")
				}
				want, err := strconv.Atoi(args[0])
				if err != nil {
					ts.Fatalf("exitcode: %v", err)
				}
				got := 0
				if err := ts.Exec(args[1], args[2:]...); err != nil {
					var ee *exec.ExitError
					if !errors.As(err, &ee) {
						ts.Fatalf("exitcode: %v", err)
					}
					got = ee.ExitCode()
				}
				if got != want {
					ts.Fatalf("%s exited %d, want %d", args[1], got, want)
				}
			},
		},
	})
}

func copyDir(from, to, ext string) error {
	if err := os.MkdirAll(to, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() || filepath.Ext(e.Name()) != ext {
			continue
		}
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
