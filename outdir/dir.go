package outdir

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Dir is an output directory as -o names it, checked before anything in it
// is read.
type Dir struct {
	// Name is the directory as the user wrote it, for messages.
	Name string
	// Path is the directory with every symlink resolved: a symlinked out/
	// is followed, read and written through, and stays a link because the
	// swap happens beside its target.
	Path string
	// Owned reports that the directory holds topogen's manifest (it was
	// generated before); false for a missing or empty directory.
	Owned bool
	// Stale is set by OpenForWrite when a temporary sibling a killed run
	// left could not be removed; gen prints it as a warning.
	Stale error
}

// Open checks the output directory name before anything in it is read,
// for check and diff: it must not be a filesystem root, must be a
// directory when it exists, and must be empty or hold topogen's manifest.
// Symlinks are resolved. A swap interrupted on a system without atomic
// exchange is an error: only gen repairs it.
func Open(name string) (*Dir, error) {
	d, err := open(name)
	if err != nil {
		return nil, err
	}
	if d.pendingSwap() {
		return nil, fmt.Errorf("%s: an interrupted topogen gen left %s; run topogen gen to complete or roll back its swap", filepath.ToSlash(name), filepath.ToSlash(d.journalPath()))
	}
	return d, nil
}

// OpenForWrite is Open for gen: it also locks the directory against
// another gen, completes or rolls back an interrupted swap and removes the
// temporary siblings killed runs left. Call unlock when done writing.
func OpenForWrite(name string) (d *Dir, unlock func(), err error) {
	if _, err := open(name); err != nil {
		return nil, nil, err
	}
	abs, _ := filepath.Abs(name)
	real, _ := resolve(abs)
	unlock, err = lockParent(filepath.Dir(real))
	if err != nil {
		return nil, nil, err
	}
	d = &Dir{Name: name, Path: real}
	if err := d.recoverSwap(); err != nil {
		unlock()
		return nil, nil, err
	}
	stale := d.removeStale()
	if d, err = open(name); err != nil { // recovery may have changed it
		unlock()
		return nil, nil, err
	}
	// Not fatal: the leftovers are not the output directory.
	d.Stale = stale
	return d, unlock, nil
}

func open(name string) (*Dir, error) {
	if name == "" {
		return nil, errors.New("the output directory is empty; pass -o DIR")
	}
	abs, err := filepath.Abs(name)
	if err != nil {
		return nil, err
	}
	real, err := resolve(abs)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if filepath.Dir(real) == real {
		return nil, fmt.Errorf("refusing to use %s as the output directory: it is a filesystem root; pass -o with a directory of its own, e.g. -o out", shown(name, real))
	}
	d := &Dir{Name: name, Path: real}
	info, err := os.Stat(real)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return d, nil
	case err != nil:
		return nil, err
	case !info.IsDir():
		return nil, fmt.Errorf("refusing to use %s as the output directory: it is not a directory; pass -o with a directory", shown(name, real))
	}
	f, err := os.Open(real)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// One entry tells empty from not: a huge foreign directory is refused
	// without being listed.
	if _, err := f.Readdirnames(1); errors.Is(err, io.EOF) {
		return d, nil
	} else if err != nil {
		return nil, err
	}
	m, err := os.Lstat(filepath.Join(real, ManifestPath))
	if err != nil || !m.Mode().IsRegular() {
		return nil, fmt.Errorf("refusing to use %s as the output directory: it is not empty and has no %s, so topogen did not write it; remove it or pass another -o", filepath.ToSlash(name), ManifestPath)
	}
	d.Owned = true
	return d, nil
}

// shown names a directory for a message: as written, and where it leads
// when that differs.
func shown(name, real string) string {
	if abs, _ := filepath.Abs(name); abs == real {
		return filepath.ToSlash(name)
	}
	return fmt.Sprintf("%s (%s)", filepath.ToSlash(name), filepath.ToSlash(real))
}

// resolve resolves every symlink in abs; when abs does not exist, its
// deepest existing ancestor is resolved and the rest appended.
func resolve(abs string) (string, error) {
	real, err := filepath.EvalSymlinks(abs)
	if err == nil {
		return real, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	if fi, lerr := os.Lstat(abs); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
		target, _ := os.Readlink(abs)
		return "", fmt.Errorf("it is a symlink to %s, which does not exist; create that directory or remove the link", filepath.ToSlash(target))
	}
	parent := filepath.Dir(abs)
	if parent == abs {
		return abs, nil
	}
	rp, err := resolve(parent)
	if err != nil {
		return "", err
	}
	return filepath.Join(rp, filepath.Base(abs)), nil
}

// Read takes a snapshot of the directory (through a symlink).
func (d *Dir) Read() (*Snapshot, error) { return Read(d.Path) }

// tempPrefixes are the names of the siblings a swap makes; every run
// removes stale ones (a killed gen leaves them).
func (d *Dir) tempPrefix(kind string) string {
	return "." + filepath.Base(d.Path) + "." + kind + "-"
}

func (d *Dir) isTemp(name string) bool {
	return strings.HasPrefix(name, d.tempPrefix("new")) || strings.HasPrefix(name, d.tempPrefix("old"))
}
