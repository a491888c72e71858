// Package testmemo memoises what tests compute again and again from inputs
// they only read: a topology loaded, a tree rendered, a file parsed. A
// test binary keeps one Memo per kind of result; the values are shared,
// so callers only read them (or copy before changing).
package testmemo

import "sync"

// Memo maps a key to the value computed for it the first time. The zero
// Memo is ready to use, and safe for tests running in parallel: a key's
// value is computed once, under the lock (each computation is a
// deterministic function of the key, so waiting beats doing it twice).
type Memo[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]V
}

// Get returns the value of k, computing it with f the first time. An
// error is returned and not remembered (the test that gets it fails).
func (m *Memo[K, V]) Get(k K, f func() (V, error)) (V, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.m[k]; ok {
		return v, nil
	}
	v, err := f()
	if err != nil {
		return v, err
	}
	if m.m == nil {
		m.m = map[K]V{}
	}
	m.m[k] = v
	return v, nil
}
