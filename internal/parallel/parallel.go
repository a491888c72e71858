// Package parallel runs independent jobs on a bounded number of goroutines.
package parallel

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// Do calls f(0) … f(n-1), at most limit at a time (at most one per CPU
// when limit ≤ 0), and returns when all have returned. Jobs are started
// in index order. Running more CPU-bound jobs than CPUs only holds more of
// them in memory at once.
//
// A panic in a job does not kill the process from its goroutine (where no
// recover can reach it): the first one is re-raised in the caller's
// goroutine, as a *PanicError, once every job has returned.
func Do(n, limit int, f func(i int)) {
	if limit <= 0 {
		limit = runtime.GOMAXPROCS(0)
	}
	workers := min(limit, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	var first atomic.Pointer[PanicError]
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				if err := Safe(fmt.Sprintf("job %d", i), func() error { f(i); return nil }); err != nil {
					first.CompareAndSwap(nil, err.(*PanicError))
				}
			}
		})
	}
	wg.Wait()
	if p := first.Load(); p != nil {
		panic(p)
	}
}

// PanicError is a panic caught in a job: a bug in topogen, reported as an
// error instead of a stack trace.
type PanicError struct {
	Job   string
	Value any
	Stack []byte // for -v debugging and tests; never printed to users
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("internal error in %s: %v; please report it with the topology that caused it", e.Job, e.Value)
}

// Safe calls f and returns its error, or a panic in it as a *PanicError
// naming job. A *PanicError raised by a nested Do keeps its own job.
func Safe(job string, f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if p, ok := r.(*PanicError); ok {
				err = &PanicError{Job: job + ": " + p.Job, Value: p.Value, Stack: p.Stack}
				return
			}
			err = &PanicError{Job: job, Value: r, Stack: debug.Stack()}
		}
	}()
	return f()
}
