package testmemo

import (
	"errors"
	"sync"
	"testing"
)

func TestGetComputesOnce(t *testing.T) {
	var m Memo[string, int]
	calls := 0
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			v, err := m.Get("a", func() (int, error) { calls++; return 42, nil })
			if v != 42 || err != nil {
				t.Errorf("Get = %d, %v; want 42, nil", v, err)
			}
		})
	}
	wg.Wait()
	if calls != 1 {
		t.Errorf("computed %d times, want once", calls)
	}
}

func TestErrorNotRemembered(t *testing.T) {
	var m Memo[string, int]
	boom := errors.New("boom")
	if _, err := m.Get("a", func() (int, error) { return 0, boom }); err != boom {
		t.Fatalf("err = %v, want boom", err)
	}
	v, err := m.Get("a", func() (int, error) { return 7, nil })
	if v != 7 || err != nil {
		t.Errorf("after an error Get = %d, %v; want 7, nil", v, err)
	}
}
