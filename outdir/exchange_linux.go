package outdir

import (
	"errors"

	"golang.org/x/sys/unix"
)

// platformExchange swaps two paths with renameat2(RENAME_EXCHANGE). A
// kernel or filesystem without it answers ENOSYS or EINVAL (rename(2)).
func platformExchange(a, b string) error {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EINVAL) {
		return errNoExchange
	}
	return err
}
