// Package parallel runs independent jobs on a bounded number of goroutines.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Do calls f(0) … f(n-1), at most limit at a time (at most one per CPU
// when limit ≤ 0), and returns when all have returned. Jobs are started
// in index order. Running more CPU-bound jobs than CPUs only holds more of
// them in memory at once.
func Do(n, limit int, f func(i int)) {
	if limit <= 0 {
		limit = runtime.GOMAXPROCS(0)
	}
	workers := min(limit, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				f(i)
			}
		})
	}
	wg.Wait()
}
