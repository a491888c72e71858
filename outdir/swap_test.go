package outdir

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/topogen/topogen/generators"
)

// testTree is a small output tree; version tells the two apart in every
// file, and each version has a file of its own.
func testTree(t *testing.T, version string) *generators.Tree {
	t.Helper()
	tree := generators.NewTree()
	files := []generators.File{
		{Path: "a.txt", Data: []byte("a " + version + "\n")},
		{Path: "sub/dir/b.txt", Data: []byte("b " + version + "\n")},
		{Path: "only-" + version + ".txt", Data: []byte(version + "\n")},
	}
	if err := tree.Add(files...); err != nil {
		t.Fatal(err)
	}
	if err := tree.Add(generators.File{Path: ManifestPath, Data: Manifest(tree)}); err != nil {
		t.Fatal(err)
	}
	return tree
}

func treeFiles(tree *generators.Tree) map[string][]byte {
	m := map[string][]byte{}
	for _, f := range tree.Files() {
		m[f.Path] = f.Data
	}
	return m
}

// wholeVersion says which of the trees dir holds exactly, or fails.
func wholeVersion(t *testing.T, dir string, trees map[string]*generators.Tree) string {
	t.Helper()
	got, err := ReadTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 {
		t.Fatalf("%s is missing or empty", dir)
	}
	for _, tree := range slices.Sorted(maps.Keys(trees)) {
		if maps.EqualFunc(got, treeFiles(trees[tree]), func(a, b []byte) bool { return string(a) == string(b) }) {
			return tree
		}
	}
	t.Fatalf("%s is neither tree: %v", dir, slices.Sorted(maps.Keys(got)))
	return ""
}

// noTemps fails when anything but out/ is left in parent.
func noTemps(t *testing.T, parent string) {
	t.Helper()
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "out" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// killed stands for a SIGKILL: a hook panics with it before a step.
type killed struct{}

// hookSteps makes every rename, exchange and removeAll a numbered step;
// step kill (1-based) "kills" the run before it happens. It returns how
// many steps ran.
func hookSteps(t *testing.T, kill int, noExchange bool) *int {
	t.Helper()
	n := new(int)
	step := func() {
		*n++
		if *n == kill {
			panic(killed{})
		}
	}
	origRename, origExchange, origRemoveAll := rename, exchange, removeAll
	t.Cleanup(func() { rename, exchange, removeAll = origRename, origExchange, origRemoveAll })
	rename = func(a, b string) error { step(); return origRename(a, b) }
	removeAll = func(p string) error { step(); return origRemoveAll(p) }
	exchange = func(a, b string) error {
		if noExchange {
			return errNoExchange
		}
		step()
		return origExchange(a, b)
	}
	return n
}

func unhook() { rename, exchange, removeAll = os.Rename, platformExchange, os.RemoveAll }

// writeKilled runs Write and reports whether the hook killed it.
func writeKilled(dir string, tree *generators.Tree) (wasKilled bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(killed); !ok {
				panic(r)
			}
			wasKilled = true
		}
	}()
	_, err = Write(dir, tree)
	return false, err
}

// TestSwapKilledAtEveryStep kills a gen before each step of the swap, with
// the Linux exchange and with the journaled fallback, and checks that out/
// is always one whole tree and that the next run leaves no temporary
// sibling and ends on the new tree.
func TestSwapKilledAtEveryStep(t *testing.T) {
	for _, noExchange := range []bool{false, true} {
		for kill := 1; ; kill++ {
			name := fmt.Sprintf("exchange=%v/kill-before-step-%d", !noExchange, kill)
			done := false
			t.Run(name, func(t *testing.T) {
				parent := t.TempDir()
				out := filepath.Join(parent, "out")
				trees := map[string]*generators.Tree{"old": testTree(t, "old"), "new": testTree(t, "new")}
				if _, err := Write(out, trees["old"]); err != nil {
					t.Fatal(err)
				}
				hookSteps(t, kill, noExchange)
				wasKilled, err := writeKilled(out, trees["new"])
				if err != nil {
					t.Fatal(err)
				}
				if !wasKilled {
					done = true // every step was tried
					if got := wholeVersion(t, out, trees); got != "new" {
						t.Errorf("completed run left %s", got)
					}
					return
				}
				_, missing := os.Lstat(out)
				_, pending := os.Lstat(filepath.Join(parent, ".out.swap"))
				switch {
				case missing == nil:
					wholeVersion(t, out, trees)
				case !noExchange:
					t.Fatal("out/ is missing after a kill with the atomic exchange")
				case pending != nil:
					t.Fatal("out/ is missing and no journal records why")
				}
				if pending == nil {
					// An interrupted journaled swap: check and diff refuse
					// until gen completes or rolls it back.
					if _, err := Open(out); err == nil {
						t.Error("Open accepted a directory with a pending swap")
					}
				}
				unhook()
				if _, err := Write(out, trees["new"]); err != nil {
					t.Fatal(err)
				}
				if got := wholeVersion(t, out, trees); got != "new" {
					t.Errorf("next run left %s", got)
				}
				noTemps(t, parent)
			})
			if done || kill > 20 {
				break
			}
		}
	}
}

// TestSwapFailureRestores fails the second rename of the journaled swap:
// the previous tree is renamed back and the error returned; when that
// rename fails too, the journal stays and the next run restores it.
func TestSwapFailureRestores(t *testing.T) {
	for _, backFails := range []bool{false, true} {
		t.Run(fmt.Sprintf("rename-back-fails=%v", backFails), func(t *testing.T) {
			parent := t.TempDir()
			out := filepath.Join(parent, "out")
			trees := map[string]*generators.Tree{"old": testTree(t, "old"), "new": testTree(t, "new")}
			if _, err := Write(out, trees["old"]); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(unhook)
			exchange = func(string, string) error { return errNoExchange }
			calls := 0
			boom := errors.New("boom")
			rename = func(a, b string) error {
				calls++
				if calls == 2 || (backFails && calls == 3) {
					return boom
				}
				return os.Rename(a, b)
			}
			_, err := Write(out, trees["new"])
			if !errors.Is(err, boom) {
				t.Fatalf("Write = %v, want boom", err)
			}
			if backFails {
				if _, err := os.Lstat(out); err == nil {
					t.Fatal("out/ exists though both renames failed")
				}
				if _, err := Open(out); err == nil || !strings.Contains(err.Error(), "run topogen gen to complete or roll back") {
					t.Fatalf("Open with a pending swap = %v", err)
				}
				unhook()
				d, unlock, err := OpenForWrite(out) // recovery
				if err != nil {
					t.Fatal(err)
				}
				unlock()
				if !d.Owned {
					t.Error("recovered directory not owned")
				}
			}
			if got := wholeVersion(t, out, trees); got != "old" {
				t.Errorf("after a failed swap out/ holds %s", got)
			}
			noTemps(t, parent)
		})
	}
}

// TestSwapCleanupError: the previous tree cannot be removed after the
// exchange. The new tree is in place (check agrees), the error says so,
// and the next run removes the leftover.
func TestSwapCleanupError(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "out")
	trees := map[string]*generators.Tree{"old": testTree(t, "old"), "new": testTree(t, "new")}
	if _, err := Write(out, trees["old"]); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(unhook)
	removeAll = func(string) error { return errors.New("permission denied") }
	_, err := Write(out, trees["new"])
	ce, ok := errors.AsType[*CleanupError](err)
	if !ok {
		t.Fatalf("Write = %v, want a CleanupError", err)
	}
	if got := wholeVersion(t, out, trees); got != "new" {
		t.Errorf("out/ holds %s", got)
	}
	if changes, err := Compare(out, trees["new"]); err != nil || len(changes) != 0 {
		t.Errorf("check after the cleanup failure: %v %v", changes, err)
	}
	if _, err := os.Stat(ce.Leftover); err != nil {
		t.Errorf("leftover: %v", err)
	}
	unhook()
	d, unlock, err := OpenForWrite(out)
	if err != nil || d.Stale != nil {
		t.Fatal(err, d.Stale)
	}
	unlock()
	noTemps(t, parent)
}

// TestRemoveTreeReadOnly: a previous tree the user made read-only is
// still removed.
func TestRemoveTreeReadOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tree")
	if err := os.MkdirAll(filepath.Join(dir, "ro", "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "ro", "x", "f"), []byte("f"), 0o444)
	os.Chmod(filepath.Join(dir, "ro", "x"), 0o555)
	os.Chmod(filepath.Join(dir, "ro"), 0o555)
	t.Cleanup(unhook)
	first := true
	removeAll = func(p string) error { // root ignores modes: fail once as a user would
		if first {
			first = false
			return errors.New("permission denied")
		}
		return os.RemoveAll(p)
	}
	if err := removeTree(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("tree still there: %v", err)
	}
}

// TestSymlinkedOut: a symlinked out/ is written through and stays a link.
func TestSymlinkedOut(t *testing.T) {
	parent := t.TempDir()
	store := filepath.Join(parent, "store", "out")
	if err := os.MkdirAll(store, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(parent, "out")
	if err := os.Symlink(store, link); err != nil {
		t.Fatal(err)
	}
	trees := map[string]*generators.Tree{"old": testTree(t, "old"), "new": testTree(t, "new")}
	for _, v := range []string{"old", "new"} {
		if _, err := Write(link, trees[v]); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Fatalf("out/ is no longer a symlink: %v %v", fi, err)
		}
		if got := wholeVersion(t, store, trees); got != v {
			t.Errorf("store holds %s, want %s", got, v)
		}
	}
}

// TestStaleRemoved: temporary siblings of this directory are removed,
// other names are not.
func TestStaleRemoved(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "out")
	for _, n := range []string{".out.new-123", ".out.old-456", ".out.swap-tmp", ".outx.new-1", ".other.new-1", "keep"} {
		os.MkdirAll(filepath.Join(parent, n, "sub"), 0o755)
	}
	d, unlock, err := OpenForWrite(out)
	if err != nil || d.Stale != nil {
		t.Fatal(err)
	}
	unlock()
	entries, _ := os.ReadDir(parent)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if want := []string{".other.new-1", ".outx.new-1", "keep"}; !slices.Equal(got, want) {
		t.Errorf("left %v, want %v", got, want)
	}
}

// TestOpenRefuses: roots, files and foreign directories are refused before
// anything in them is read.
func TestOpenRefuses(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "file"), nil, 0o644)
	os.MkdirAll(filepath.Join(dir, "foreign"), 0o755)
	os.WriteFile(filepath.Join(dir, "foreign", "x"), nil, 0o644)
	for _, tc := range []struct{ name, want string }{
		{"", "pass -o DIR"},
		{"/", "filesystem root"},
		{filepath.Join(dir, "file"), "not a directory"},
		{filepath.Join(dir, "foreign"), "has no .topogen-manifest"},
	} {
		if _, err := Open(tc.name); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Open(%q) = %v, want %q", tc.name, err, tc.want)
		}
	}
	for _, ok := range []string{filepath.Join(dir, "missing"), filepath.Join(dir, "missing", "deeper")} {
		if d, err := Open(ok); err != nil || d.Owned {
			t.Errorf("Open(%q) = %v, %v", ok, d, err)
		}
	}
}
