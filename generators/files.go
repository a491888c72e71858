// Package generators holds what every target shares: the generated file and
// the write-once tree they are collected in. Each target lives in its own
// subpackage and is a pure function from *schema.Topology to files.
package generators

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// File is one generated file, its path relative to the output directory
// with forward slashes.
type File struct {
	Path string
	Data []byte
}

// Tree is a write-once set of generated files keyed by relative path.
type Tree struct {
	files map[string][]byte
}

// NewTree returns an empty tree.
func NewTree() *Tree { return &Tree{files: map[string][]byte{}} }

// Add puts files into the tree. A path given twice, or one that is not a
// clean relative path, is a generator bug and an error.
func (t *Tree) Add(files ...File) error {
	for _, f := range files {
		if f.Path == "" || path.IsAbs(f.Path) || path.Clean(f.Path) != f.Path || strings.HasPrefix(f.Path, "../") || f.Path == ".." {
			return fmt.Errorf("internal error: generated path %q is not a clean relative path", f.Path)
		}
		if _, dup := t.files[f.Path]; dup {
			return fmt.Errorf("internal error: two generators wrote %s", f.Path)
		}
		t.files[f.Path] = f.Data
	}
	return nil
}

// Paths returns every path in lexical order.
func (t *Tree) Paths() []string {
	ps := make([]string, 0, len(t.files))
	for p := range t.files {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}

// Get returns a file's bytes.
func (t *Tree) Get(p string) ([]byte, bool) {
	b, ok := t.files[p]
	return b, ok
}

// Files returns every file in path order.
func (t *Tree) Files() []File {
	out := make([]File, 0, len(t.files))
	for _, p := range t.Paths() {
		out = append(out, File{Path: p, Data: t.files[p]})
	}
	return out
}

// Len is the number of files.
func (t *Tree) Len() int { return len(t.files) }
