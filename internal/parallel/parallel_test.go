package parallel

import (
	"sync/atomic"
	"testing"
)

func TestDo(t *testing.T) {
	for _, tc := range []struct{ n, limit int }{{0, 2}, {1, 2}, {5, 1}, {5, 2}, {7, 0}, {3, 10}} {
		done := make([]int32, tc.n)
		var running, most atomic.Int32
		Do(tc.n, tc.limit, func(i int) {
			r := running.Add(1)
			for m := most.Load(); r > m && !most.CompareAndSwap(m, r); m = most.Load() {
			}
			atomic.AddInt32(&done[i], 1)
			running.Add(-1)
		})
		for i, d := range done {
			if d != 1 {
				t.Errorf("n=%d limit=%d: job %d ran %d times", tc.n, tc.limit, i, d)
			}
		}
		if tc.limit > 0 && int(most.Load()) > tc.limit {
			t.Errorf("n=%d limit=%d: %d jobs ran at once", tc.n, tc.limit, most.Load())
		}
	}
}

// TestDoPanics: a panic in a job reaches the caller's goroutine as a
// *PanicError (so the CLI's recover turns it into exit 2), after every
// other job ran.
func TestDoPanics(t *testing.T) {
	var ran atomic.Int32
	err := Safe("target kubernetes", func() error {
		Do(5, 2, func(i int) {
			ran.Add(1)
			if i == 3 {
				panic("boom")
			}
		})
		return nil
	})
	p, ok := err.(*PanicError)
	if !ok {
		t.Fatalf("Safe = %v, want a *PanicError", err)
	}
	if want := "internal error in target kubernetes: job 3: boom; please report it with the topology that caused it"; p.Error() != want {
		t.Errorf("got %q, want %q", p.Error(), want)
	}
	if ran.Load() != 5 {
		t.Errorf("%d jobs ran, want 5", ran.Load())
	}
}
