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
	Changed Status = "changed" // in both, different bytes (or not a regular file)
	Removed Status = "removed" // in the directory, no longer generated
)

// Change is one file that differs between the directory and the tree.
type Change struct {
	Path   string // relative, forward slashes
	Status Status
	Old    []byte // nil when Added or when the entry is not a regular file
	New    []byte // nil when Removed
	// Kind names what the directory holds at Path when it is not a regular
	// file topogen can read ("symlink", "named pipe", ...); empty otherwise.
	Kind string
}

// MaxFileSize bounds what Read reads of one file: a generated file is a
// few KiB, and a huge foreign file needs only to be named, not loaded.
const MaxFileSize = 16 << 20

// Snapshot is what an output directory holds.
type Snapshot struct {
	// Files are its regular files, keyed by slash path relative to it.
	Files map[string][]byte
	// Others are the entries that are neither a directory nor a regular
	// file (symlinks, FIFOs, sockets, devices) or too large to read, with
	// their kind. None of them is ever generated; gen removes them.
	Others map[string]string
}

// Compare lists how dir differs from tree, in path order. A missing dir
// compares as empty.
func Compare(dir string, tree *generators.Tree) ([]Change, error) {
	s, err := Read(dir)
	if err != nil {
		return nil, err
	}
	return s.Compare(tree), nil
}

// CompareFiles lists how existing files (as ReadTree returns them) differ
// from tree, in path order.
func CompareFiles(existing map[string][]byte, tree *generators.Tree) []Change {
	return (&Snapshot{Files: existing}).Compare(tree)
}

// Compare lists how the snapshot differs from tree, in path order.
func (s *Snapshot) Compare(tree *generators.Tree) []Change {
	var out []Change
	for _, p := range tree.Paths() {
		data, _ := tree.Get(p)
		if kind, ok := s.Others[p]; ok {
			out = append(out, Change{Path: p, Status: Changed, New: data, Kind: kind})
			continue
		}
		old, ok := s.Files[p]
		switch {
		case !ok:
			out = append(out, Change{Path: p, Status: Added, New: data})
		case !bytes.Equal(old, data):
			out = append(out, Change{Path: p, Status: Changed, Old: old, New: data})
		}
	}
	for p, old := range s.Files {
		if _, ok := tree.Get(p); !ok {
			out = append(out, Change{Path: p, Status: Removed, Old: old})
		}
	}
	for p, kind := range s.Others {
		if _, ok := tree.Get(p); !ok {
			out = append(out, Change{Path: p, Status: Removed, Kind: kind})
		}
	}
	slices.SortFunc(out, func(a, b Change) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// ReadTree reads every regular file under dir, keyed by slash path relative
// to dir. A missing dir reads as empty.
func ReadTree(dir string) (map[string][]byte, error) {
	s, err := Read(dir)
	if err != nil {
		return nil, err
	}
	return s.Files, nil
}

// Read takes a snapshot of dir. Symlinks inside dir are not followed (and
// FIFOs are never opened, which would block): they are listed in Others.
// A missing dir reads as empty.
func Read(dir string) (*Snapshot, error) {
	s := &Snapshot{Files: map[string][]byte{}, Others: map[string]string{}}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == dir {
				return fs.SkipAll
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if kind := entryKind(d.Type()); kind != "" {
			s.Others[rel] = kind
			return nil
		}
		if info, err := d.Info(); err == nil && info.Size() > MaxFileSize {
			s.Others[rel] = "file over 16 MiB"
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		s.Files[rel] = b
		return nil
	})
	return s, err
}

// entryKind names a non-directory entry that is not a regular file; "" for
// a regular file.
func entryKind(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return ""
	case m&fs.ModeSymlink != 0:
		return "symlink"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "device"
	default:
		return "irregular file"
	}
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
