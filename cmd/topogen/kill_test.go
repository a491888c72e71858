package main

import (
	"crypto/sha256"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/topogen/topogen/outdir"
)

// runAsMain is the environment variable that makes the test binary act as
// topogen (see TestMain), so tests can run and kill it as a process.
const runAsMain = "TOPOGEN_TEST_AS_MAIN"

// treeHash hashes every file of dir (path and bytes); "" when dir is missing.
func treeHash(t *testing.T, dir string) string {
	t.Helper()
	if _, err := os.Lstat(dir); err != nil {
		return ""
	}
	s, err := outdir.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Others) > 0 {
		t.Fatalf("%s holds non-regular files: %v", dir, s.Others)
	}
	h := sha256.New()
	for _, p := range slices.Sorted(maps.Keys(s.Files)) {
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(s.Files[p]))
		h.Write(s.Files[p])
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// TestKillGen SIGKILLs `topogen gen` processes at random points while they
// replace out/ (at most 30 runs and ~15 s), alternating
// between two topologies. After every kill out/ must be entirely the old
// or the new tree, never missing or mixed; after the next complete run no
// temporary directory may remain beside it.
func TestKillGen(t *testing.T) {
	if testing.Short() {
		t.Skip("runs gen as a process many times")
	}
	work := t.TempDir()
	topo := filepath.Join(work, "regions")
	if err := copyDir("../../regions", topo, ".cue"); err != nil {
		t.Fatal(err)
	}
	euA, err := os.ReadFile(filepath.Join(topo, "eu.cue"))
	if err != nil {
		t.Fatal(err)
	}
	euB := []byte(strings.Replace(string(euA), "priority: 6", "priority: 4", 1))
	if string(euB) == string(euA) {
		t.Fatal("eu.cue has no priority: 6 to change")
	}
	out := filepath.Join(work, "out")
	gen := func(eu []byte, dir string) *exec.Cmd {
		if err := os.WriteFile(filepath.Join(topo, "eu.cue"), eu, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "gen", "-t", topo, "-o", dir)
		cmd.Env = append(os.Environ(), runAsMain+"=1")
		return cmd
	}
	// The two trees, and how long a whole gen takes.
	if b, err := gen(euB, filepath.Join(work, "outB")).CombinedOutput(); err != nil {
		t.Fatalf("gen B: %v\n%s", err, b)
	}
	start := time.Now()
	if b, err := gen(euA, out).CombinedOutput(); err != nil {
		t.Fatalf("gen A: %v\n%s", err, b)
	}
	took := time.Since(start)
	hashA, hashB := treeHash(t, out), treeHash(t, filepath.Join(work, "outB"))
	if hashA == hashB || hashA == "" || hashB == "" {
		t.Fatal("the two topologies must give two different trees")
	}
	os.RemoveAll(filepath.Join(work, "outB"))

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 16))
	seen := map[string]int{}
	deadline := time.Now().Add(15 * time.Second)
	runs := 0
	for ; runs < 30 && time.Now().Before(deadline); runs++ {
		eu := euA
		if runs%2 == 0 {
			eu = euB
		}
		cmd := gen(eu, out)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Anywhere from before the process starts to after it ends.
		time.Sleep(time.Duration(rng.Int64N(int64(took) * 5 / 4)))
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		switch h := treeHash(t, out); h {
		case hashA:
			seen["A"]++
		case hashB:
			seen["B"]++
		case "":
			t.Fatalf("run %d: out/ is missing after SIGKILL", runs)
		default:
			t.Fatalf("run %d: out/ is neither tree after SIGKILL", runs)
		}
		if left, _ := filepath.Glob(filepath.Join(work, ".out.*")); len(left) > 0 {
			seen["temp dirs left"]++
		}
	}
	// One complete run: out/ is whole and nothing is left beside it.
	if b, err := gen(euB, out).CombinedOutput(); err != nil {
		t.Fatalf("final gen: %v\n%s", err, b)
	}
	if treeHash(t, out) != hashB {
		t.Error("the final gen did not write tree B")
	}
	entries, _ := os.ReadDir(work)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".out.") {
			t.Errorf("left beside out/ after a complete run: %s", e.Name())
		}
	}
	t.Logf("%d runs killed (a gen takes %v): %v", runs, took, seen)
}
