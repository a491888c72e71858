package main

import (
	"bytes"
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

// readTree reads every file of dir by path; ok is false when dir is
// missing. Anything but regular files fails the test.
func readTree(t *testing.T, dir string) (files map[string][]byte, ok bool) {
	t.Helper()
	if _, err := os.Lstat(dir); err != nil {
		return nil, false
	}
	s, err := outdir.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Others) > 0 {
		t.Fatalf("%s holds non-regular files: %v", dir, s.Others)
	}
	return s.Files, true
}

// treeHash hashes every file of dir (path and bytes); "" when dir is missing.
func treeHash(t *testing.T, dir string) string {
	t.Helper()
	files, ok := readTree(t, dir)
	if !ok {
		return ""
	}
	h := sha256.New()
	for _, p := range slices.Sorted(maps.Keys(files)) {
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(files[p]))
		h.Write(files[p])
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// TestKillGen's kills: killSpread at points spread evenly over a whole
// gen, then killFocus at random points around where out/ turns from the
// old tree to the new one: the new tree is written beside it just before.
const (
	killSpread = 6
	killFocus  = 6
)

// treeOf names the tree dir holds, reading every file: "A" or "B" when it
// is byte for byte one of them, "" when dir is missing, else "mixed".
func treeOf(t *testing.T, dir string, trees map[string]map[string][]byte) string {
	t.Helper()
	got, ok := readTree(t, dir)
	if !ok {
		return ""
	}
	for name, files := range trees {
		if maps.EqualFunc(got, files, bytes.Equal) {
			return name
		}
	}
	return "mixed"
}

// TestKillGen SIGKILLs `topogen gen` processes while they replace out/,
// each gen writing the tree out/ does not hold (of two topologies), at
// killSpread points k/killSpread × 1.25 gens (k = 0 … killSpread-1: from
// before the process starts to just after a gen's length; under load the
// gen runs later), and at killFocus random ones around the swap. After every kill out/ must be entirely the old or
// the new tree, never missing or mixed; after the next complete run no
// temporary directory may remain beside it.
func TestKillGen(t *testing.T) {
	t.Parallel()
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
	eu := map[string][]byte{"A": euA, "B": euB}
	other := map[string]string{"A": "B", "B": "A"}
	out := filepath.Join(work, "out")
	gen := func(tree, dir string) *exec.Cmd {
		if err := os.WriteFile(filepath.Join(topo, "eu.cue"), eu[tree], 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "gen", "-t", topo, "-o", dir)
		cmd.Env = append(os.Environ(), runAsMain+"=1")
		return cmd
	}
	// The two trees, and how long a whole gen takes: B into an empty
	// out/, then A over it, timed, as every gen below replaces the tree
	// out/ holds (it reads and compares it first).
	var took time.Duration
	trees := map[string]map[string][]byte{}
	for _, tree := range []string{"B", "A"} {
		start := time.Now()
		if b, err := gen(tree, out).CombinedOutput(); err != nil {
			t.Fatalf("gen %s: %v\n%s", tree, err, b)
		}
		took = time.Since(start)
		trees[tree], _ = readTree(t, out)
	}
	if maps.EqualFunc(trees["A"], trees["B"], bytes.Equal) || len(trees["A"]) == 0 || len(trees["B"]) == 0 {
		t.Fatal("the two topologies must give two different trees")
	}

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 16))
	seen := map[string]int{}
	deadline := time.Now().Add(15 * time.Second)
	now := "A"
	// The latest spread point that left the old tree and the earliest
	// that left the new one; the focus points fall between (the swap),
	// widened by half a spread step either side as timings vary.
	lastOld, firstNew := 0.0, 1.0
	var log []string // per run: kill point, tree left, temp dirs left
	runs := 0
	for ; runs < killSpread+killFocus && time.Now().Before(deadline); runs++ {
		// at is a fraction of 1.25 gens: the process may not have started
		// yet, or may be done.
		at := float64(runs) / killSpread
		if runs >= killSpread {
			lo, hi := max(0, min(lastOld, firstNew)-0.5/killSpread), min(1, firstNew+0.5/killSpread)
			at = lo + rng.Float64()*(hi-lo)
		}
		// gen writes the tree out/ does not hold: every run replaces it.
		cmd := gen(other[now], out)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(at * float64(took) * 5 / 4))
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		switch tree := treeOf(t, out, trees); tree {
		case now:
			seen["old"]++
			if runs < killSpread {
				lastOld = max(lastOld, at)
			}
		case other[now]:
			seen["new"]++
			if runs < killSpread {
				firstNew = min(firstNew, at)
			}
			now = tree
		case "":
			t.Fatalf("run %d: out/ is missing after SIGKILL", runs)
		default:
			t.Fatalf("run %d: out/ is neither tree after SIGKILL", runs)
		}
		left, _ := filepath.Glob(filepath.Join(work, ".out.*"))
		if len(left) > 0 {
			seen["temp dirs left"]++
		}
		log = append(log, fmt.Sprintf("%.2f:%s/%d", at, now, len(left)))
	}
	// One complete run: out/ is whole and nothing is left beside it.
	if b, err := gen(other[now], out).CombinedOutput(); err != nil {
		t.Fatalf("final gen: %v\n%s", err, b)
	}
	if tree := treeOf(t, out, trees); tree != other[now] {
		t.Errorf("the final gen did not write tree %s", other[now])
	}
	entries, _ := os.ReadDir(work)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".out.") {
			t.Errorf("left beside out/ after a complete run: %s", e.Name())
		}
	}
	t.Logf("%d runs killed (a gen takes %v): %v; at (× 1.25 gens):tree/temp dirs: %s", runs, took, seen, strings.Join(log, " "))
}
