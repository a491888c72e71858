//go:build unix

package outdir

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// lockParent takes an exclusive flock(2) on the directory's parent so that
// two gens writing the same output directory run one after the other (and
// one never removes the other's temporary tree as stale). A parent that
// does not exist yet needs no lock.
func lockParent(parent string) (func(), error) {
	f, err := os.Open(parent)
	if errors.Is(err, fs.ErrNotExist) {
		return func() {}, nil
	}
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}
