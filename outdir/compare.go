// Package outdir connects a rendered tree to the output directory: it
// compares them (check), diffs them (diff) and replaces the directory
// atomically (gen). It is the only package that writes generated files.
package outdir

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/topogen/topogen/generators"
)

// Status of a file in a comparison.
type Status string

const (
	Added   Status = "added"   // generated, not in the directory yet
	Changed Status = "changed" // in both, different bytes
	Removed Status = "removed" // in the directory, no longer generated
)

// Change is one file that differs between the directory and the tree.
type Change struct {
	Path   string // relative, forward slashes
	Status Status
	Old    []byte // nil when Added
	New    []byte // nil when Removed
}

// Compare lists how dir differs from tree, in path order. A missing dir
// compares as empty.
func Compare(dir string, tree *generators.Tree) ([]Change, error) {
	existing, err := ReadTree(dir)
	if err != nil {
		return nil, err
	}
	return CompareFiles(existing, tree), nil
}

// CompareFiles lists how existing files (as ReadTree returns them) differ
// from tree, in path order.
func CompareFiles(existing map[string][]byte, tree *generators.Tree) []Change {
	var out []Change
	for _, p := range tree.Paths() {
		data, _ := tree.Get(p)
		old, ok := existing[p]
		switch {
		case !ok:
			out = append(out, Change{Path: p, Status: Added, New: data})
		case !bytes.Equal(old, data):
			out = append(out, Change{Path: p, Status: Changed, Old: old, New: data})
		}
	}
	for p, old := range existing {
		if _, ok := tree.Get(p); !ok {
			out = append(out, Change{Path: p, Status: Removed, Old: old})
		}
	}
	slices.SortFunc(out, func(a, b Change) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// ReadTree reads every regular file under dir, keyed by slash path relative
// to dir. A missing dir reads as empty.
func ReadTree(dir string) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == dir {
				return fs.SkipAll
			}
			return err
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = b
		return nil
	})
	return files, err
}

// Count tallies changes by status.
func Count(changes []Change) (added, changed, removed int) {
	for _, c := range changes {
		switch c.Status {
		case Added:
			added++
		case Changed:
			changed++
		case Removed:
			removed++
		}
	}
	return
}
