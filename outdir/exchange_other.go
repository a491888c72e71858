//go:build !linux

package outdir

// platformExchange: no atomic exchange here; the swap uses its journal.
func platformExchange(a, b string) error { return errNoExchange }
