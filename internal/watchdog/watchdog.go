// Package watchdog bounds the time and memory of a phase the program
// cannot interrupt (CUE evaluation has no cancellation): a goroutine
// samples the heap and the clock, and when either budget is exceeded it
// calls a function that reports it and ends the process — before the Go
// runtime would die with "fatal error: out of memory" and a stack trace.
package watchdog

import (
	"runtime/metrics"
	"sync"
	"time"
)

// Budget is what a phase may use.
type Budget struct {
	// Heap is the most heap memory (live and not yet swept objects).
	Heap uint64
	// Time is the longest the phase may run.
	Time time.Duration
}

// heapMetric tracks allocation as it happens (unlike the live heap, which
// is only known after a GC cycle); reading it does not stop the world.
const heapMetric = "/memory/classes/heap/objects:bytes"

// interval between samples: small next to the budget's reach (allocating
// a GiB takes CUE well over a second), negligible cost (~1 µs a sample).
const interval = 5 * time.Millisecond

// Start watches until stop is called. exceeded is called at most once,
// from the watchdog goroutine, with what ran out ("memory" or "time");
// it must end the process (the phase cannot be stopped otherwise).
func Start(b Budget, exceeded func(what string)) (stop func()) {
	done := make(chan struct{})
	var once sync.Once
	go func() {
		sample := []metrics.Sample{{Name: heapMetric}}
		deadline := time.Now().Add(b.Time)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case now := <-t.C:
				metrics.Read(sample)
				switch {
				case b.Heap > 0 && sample[0].Value.Kind() == metrics.KindUint64 && sample[0].Value.Uint64() > b.Heap:
					exceeded("memory")
					return
				case b.Time > 0 && now.After(deadline):
					exceeded("time")
					return
				}
			}
		}
	}()
	return func() { once.Do(func() { close(done) }) }
}
