package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/topogen/topogen/compile"
)

func TestMain(m *testing.M) {
	if os.Getenv(runAsMain) == "1" {
		os.Exit(Main(os.Args[1:]))
	}
	code := testscript.RunMain(m, map[string]func() int{
		"topogen": func() int { return Main(os.Args[1:]) },
	})
	if defaultOut.dir != "" {
		os.RemoveAll(defaultOut.dir)
	}
	os.Exit(code)
}

// defaultOut is out/ as `topogen gen` writes it for the default topology,
// generated once per test binary, in process, for the scripts that start
// from it (the defaultout command): each would otherwise spend a gen
// process on it. gen_check_drift runs that first gen itself and checks
// what it prints and writes.
var defaultOut struct {
	once sync.Once
	dir  string // holds out/
	err  error
}

func defaultOutDir() (string, error) {
	defaultOut.once.Do(func() {
		dir, err := os.MkdirTemp("", "topogen-defaultout-")
		if err != nil {
			defaultOut.err = err
			return
		}
		defaultOut.dir = dir
		var stdout, stderr bytes.Buffer
		if code := run([]string{"gen", "-t", "../../regions", "-o", filepath.Join(dir, "out")}, &stdout, &stderr); code != 0 {
			defaultOut.err = fmt.Errorf("gen exited %d:\n%s%s", code, stdout.Bytes(), stderr.Bytes())
		}
	})
	return filepath.Join(defaultOut.dir, "out"), defaultOut.err
}

// copyTree copies the directories and regular files under from to to,
// which must not exist.
func copyTree(from, to string) error {
	return filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, p)
		if err != nil {
			return err
		}
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.Mkdir(dst, 0o755)
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file", p)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
}

// TestScript runs the end-to-end CLI scripts in testdata/script: exit
// codes, stdout/stderr text, output directory behaviour. TOPOGEN_UPDATE=1
// rewrites the expected files in the scripts.
func TestScript(t *testing.T) {
	t.Parallel()
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
			// defaultout: $WORK/out as `exitcode 0 topogen gen` would write
			// it from the default topology, copied from one gen per test
			// binary (defaultOut).
			"defaultout": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 0 {
					ts.Fatalf("usage: defaultout")
				}
				dir, err := defaultOutDir()
				if err != nil {
					ts.Fatalf("defaultout: %v", err)
				}
				if err := copyTree(dir, ts.MkAbs("out")); err != nil {
					ts.Fatalf("defaultout: %v", err)
				}
			},
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
