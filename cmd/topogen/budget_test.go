package main

import (
	"testing"
	"time"
)

func TestEnvSeconds(t *testing.T) {
	const def = 30 * time.Second
	for _, tc := range []struct {
		v    string
		want time.Duration
	}{
		{"", def},
		{"2", 2 * time.Second},
		{"0.25", 250 * time.Millisecond},
		{"1.5", 1500 * time.Millisecond},
		{"4294967295", 4294967295 * time.Second},
		{"4294967296", def},
		{"0", def},
		{"0.0001", def},
		{"-1", def},
		{"x", def},
		{"NaN", def},
		{"Inf", def},
		{"2s", def},
	} {
		t.Setenv("TOPOGEN_TEST_SECONDS", tc.v)
		if got := envSeconds("TOPOGEN_TEST_SECONDS", def); got != tc.want {
			t.Errorf("%q: %v, want %v", tc.v, got, tc.want)
		}
	}
}
