package watchdog

import (
	"testing"
	"time"
)

func TestBudgets(t *testing.T) {
	for _, tc := range []struct {
		name   string
		budget Budget
		work   func()
		want   string
	}{
		{"memory", Budget{Heap: 64 << 20, Time: time.Minute}, func() {
			var keep [][]byte
			for range 1000 {
				keep = append(keep, make([]byte, 1<<20))
				time.Sleep(time.Millisecond)
			}
			_ = keep
		}, "memory"},
		{"time", Budget{Heap: 1 << 40, Time: 50 * time.Millisecond}, func() { time.Sleep(time.Second) }, "time"},
		{"within", Budget{Heap: 1 << 40, Time: time.Minute}, func() {}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := make(chan string, 1)
			stop := Start(tc.budget, func(what string) { got <- what })
			done := make(chan struct{})
			go func() { tc.work(); close(done) }()
			select {
			case w := <-got:
				if w != tc.want {
					t.Errorf("exceeded %q, want %q", w, tc.want)
				}
			case <-done:
				if tc.want != "" {
					t.Errorf("budget %s not enforced", tc.want)
				}
			}
			stop()
			stop() // idempotent
		})
	}
}
