package outdir

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The swap replaces the output directory with a fully written temporary
// sibling so that, whenever gen stops (an error, a SIGKILL, a full disk),
// the directory is entirely the old tree or entirely the new one:
//
//   - On Linux, one renameat2(RENAME_EXCHANGE) swaps the two names
//     atomically (rename(2): "Atomically exchange oldpath and newpath";
//     Linux 3.15+, on ext4, xfs, btrfs, tmpfs and most local filesystems),
//     then the previous tree, now under the temporary name, is removed.
//   - Where the exchange is not available (other systems, or a filesystem
//     that answers EINVAL), two renames with a journal beside the
//     directory: the next run reads the journal and completes or rolls
//     back an interrupted swap before anything else (see recoverSwap).
//
// Temporary siblings (.<dir>.new-*, .<dir>.old-*) left by a killed run are
// removed by the next gen. Process death is covered; files are not
// fsync'ed, so a power loss may lose the newest tree's data.

// CleanupError is a failure after the swap: the directory holds the new
// tree, only the previous one (under Leftover) could not be removed. The
// next gen removes it again.
type CleanupError struct {
	Leftover string
	Err      error
}

func (e *CleanupError) Error() string {
	return fmt.Sprintf("the new tree is in place, but the previous one could not be removed: %v; remove %s (the next topogen gen tries again)", e.Err, filepath.ToSlash(e.Leftover))
}

func (e *CleanupError) Unwrap() error { return e.Err }

// errNoExchange means the platform or filesystem cannot exchange two
// names atomically.
var errNoExchange = errors.New("atomic exchange not supported")

// Variables so that tests can fail each step.
var (
	exchange = platformExchange
	rename   = os.Rename
)

// swap makes tmp the directory.
func (d *Dir) swap(tmp string) error {
	if _, err := os.Lstat(d.Path); errors.Is(err, fs.ErrNotExist) {
		// Nothing to replace: one rename, atomic (a directory created
		// meanwhile makes it fail, never merge).
		if err := rename(tmp, d.Path); err != nil {
			removeTree(tmp)
			return err
		}
		return nil
	}
	err := exchange(tmp, d.Path)
	if errors.Is(err, errNoExchange) {
		return d.journaledSwap(tmp)
	}
	if err != nil {
		removeTree(tmp)
		return err
	}
	// tmp now holds the previous tree.
	if err := removeTree(tmp); err != nil {
		return &CleanupError{Leftover: tmp, Err: err}
	}
	return nil
}

// journal records a two-rename swap in progress: the temporary names, in
// the directory's parent.
type journal struct {
	New string `json:"new"` // the complete new tree, until it is renamed to the directory
	Old string `json:"old"` // the previous tree, once renamed away
}

func (d *Dir) journalPath() string {
	return filepath.Join(filepath.Dir(d.Path), "."+filepath.Base(d.Path)+".swap")
}

// journaledSwap is the fallback: dir → old, tmp → dir, with the journal
// written first and removed last.
func (d *Dir) journaledSwap(tmp string) error {
	parent := filepath.Dir(d.Path)
	old, err := os.MkdirTemp(parent, d.tempPrefix("old"))
	if err != nil {
		removeTree(tmp)
		return err
	}
	if err := os.Remove(old); err != nil { // only the unique name is needed
		removeTree(tmp)
		return err
	}
	if err := writeJournal(d.journalPath(), journal{New: filepath.Base(tmp), Old: filepath.Base(old)}); err != nil {
		removeTree(tmp)
		return err
	}
	if err := rename(d.Path, old); err != nil {
		removeTree(tmp)
		os.Remove(d.journalPath())
		return err
	}
	if err := rename(tmp, d.Path); err != nil {
		if rerr := rename(old, d.Path); rerr != nil {
			// The journal stays: the next run restores the directory.
			return fmt.Errorf("%w; restoring %s also failed (%v): the next topogen gen restores it", err, filepath.ToSlash(d.Name), rerr)
		}
		removeTree(tmp)
		os.Remove(d.journalPath())
		return err
	}
	if err := os.Remove(d.journalPath()); err != nil {
		return &CleanupError{Leftover: d.journalPath(), Err: err}
	}
	if err := removeTree(old); err != nil {
		return &CleanupError{Leftover: old, Err: err}
	}
	return nil
}

// writeJournal writes the journal under a temporary name and renames it
// into place, so a journal is always whole.
func writeJournal(p string, j journal) error {
	b, _ := json.Marshal(j)
	tmp := p + "-tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}

// pendingSwap reports whether an interrupted journaled swap awaits
// recovery.
func (d *Dir) pendingSwap() bool {
	_, err := os.Lstat(d.journalPath())
	return err == nil
}

// recoverSwap completes or rolls back a swap the journal records: the
// directory present means it is whole (old or new) and the leftovers go;
// absent, the previous tree is renamed back (or, if already gone, the new
// one is renamed in).
func (d *Dir) recoverSwap() error {
	b, err := os.ReadFile(d.journalPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var j journal
	if err := json.Unmarshal(b, &j); err != nil || !d.isTemp(j.New) || !d.isTemp(j.Old) || strings.ContainsAny(j.New+j.Old, `/\`) {
		return fmt.Errorf("%s is not a journal topogen wrote; remove it once %s is as it should be", filepath.ToSlash(d.journalPath()), filepath.ToSlash(d.Name))
	}
	parent := filepath.Dir(d.Path)
	newTree, oldTree := filepath.Join(parent, j.New), filepath.Join(parent, j.Old)
	_, err = os.Lstat(d.Path)
	switch {
	case err == nil:
	case errors.Is(err, fs.ErrNotExist):
		if _, err := os.Lstat(oldTree); err == nil {
			if err := rename(oldTree, d.Path); err != nil {
				return fmt.Errorf("rolling back an interrupted swap: %w", err)
			}
		} else if err := rename(newTree, d.Path); err != nil {
			return fmt.Errorf("completing an interrupted swap: %w", err)
		}
	default:
		return err
	}
	removeTree(newTree)
	removeTree(oldTree)
	return os.Remove(d.journalPath())
}

// removeStale removes the temporary siblings a killed run left.
func (d *Dir) removeStale() error {
	entries, err := os.ReadDir(filepath.Dir(d.Path))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		if d.isTemp(e.Name()) || e.Name() == filepath.Base(d.journalPath())+"-tmp" {
			if err := removeTree(filepath.Join(filepath.Dir(d.Path), e.Name())); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}
