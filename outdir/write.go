package outdir

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/internal/parallel"
)

// ManifestPath is the file topogen writes into every output directory it
// owns; gen refuses to replace a non-empty directory without it, so a
// mistyped -o cannot wipe someone's work.
const ManifestPath = ".topogen-manifest"

// Manifest renders the manifest for a tree: a header and every path.
func Manifest(tree *generators.Tree) []byte {
	b := []byte(generators.YAMLHeader + "# The files topogen generated into this directory; change the topology and run `topogen gen`.\n")
	for _, p := range tree.Paths() {
		if p != ManifestPath {
			b = append(b, p...)
			b = append(b, '\n')
		}
	}
	return b
}

// Write makes dir hold exactly tree (OpenForWrite, Read, Compare, Apply)
// and returns the changes it applied.
func Write(dir string, tree *generators.Tree) ([]Change, error) {
	d, unlock, err := OpenForWrite(dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	s, err := d.Read()
	if err != nil {
		return nil, err
	}
	changes := s.Compare(tree)
	if err := d.Apply(tree, changes); err != nil {
		return nil, err
	}
	return changes, nil
}

// Apply makes the directory hold exactly tree, for a caller that has
// compared it already (changes are what Snapshot.Compare returned). It
// renders into a temporary sibling (same filesystem) and swaps it in (see
// swap); on any error before the swap the directory is left as it was.
// An error of type *CleanupError means the swap happened and only the
// previous tree could not be removed.
func (d *Dir) Apply(tree *generators.Tree, changes []Change) error {
	if len(changes) == 0 {
		return nil
	}
	parent := filepath.Dir(d.Path)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, d.tempPrefix("new"))
	if err != nil {
		return err
	}
	if err := writeFiles(tmp, tree.Files()); err != nil {
		removeTree(tmp)
		return err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		removeTree(tmp)
		return err
	}
	return d.swap(tmp)
}

// writeFiles writes files under the new directory root: each directory
// made once, parents first, then the files by a few goroutines. File
// creation is most of a gen's system time, and writes to distinct files
// overlap well.
func writeFiles(root string, files []generators.File) error {
	dirs := map[string]bool{}
	for _, f := range files {
		for d := path.Dir(f.Path); d != "." && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	for _, d := range slices.Sorted(maps.Keys(dirs)) { // a parent sorts before its children
		if err := os.Mkdir(filepath.Join(root, filepath.FromSlash(d)), 0o755); err != nil {
			return err
		}
	}
	errs := make([]error, len(files))
	parallel.Do(len(files), 4, func(i int) {
		errs[i] = writeFile(filepath.Join(root, filepath.FromSlash(files[i].Path)), files[i].Data)
	})
	return errors.Join(errs...)
}

// writeFile is os.WriteFile, a variable so tests can fail it.
var writeFile = func(name string, data []byte) error { return os.WriteFile(name, data, 0o644) }

// removeTree removes a tree topogen owns (a previous output or a temporary
// sibling). A tree the user made read-only is made writable first: it is
// being deleted either way.
func removeTree(p string) error {
	err := removeAll(p)
	if err == nil {
		return nil
	}
	filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(q, 0o755)
		}
		return nil
	})
	return removeAll(p)
}

var removeAll = os.RemoveAll
