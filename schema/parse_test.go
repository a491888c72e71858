package schema

import (
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"50ms", 50 * time.Millisecond, true}, {"1m", time.Minute, true}, {"30d", 30 * 24 * time.Hour, true},
		{"6h", 6 * time.Hour, true}, {"1 minute", 0, false}, {"", 0, false}, {"5", 0, false}, {"-1m", 0, false},
		{"99999999999999999999d", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestParseQuantity(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"32Gi", 32 << 30, true}, {"500m", 0.5, true}, {"8", 8, true}, {"1Ti", 1 << 40, true}, {"1.5G", 1.5e9, true},
		{"x", 0, false}, {"Gi", 0, false}, {"-1Gi", 0, false}, {"99999999999999999999Pi", 0, false}, {"8Ei", 0, false}, {"7Ei", 7 << 60, true}, {"1e3", 1000, true},
	}
	for _, tt := range tests {
		got, err := ParseQuantity(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseQuantity(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestSplitPath(t *testing.T) {
	got := splitPath(`regions."../x".zones[2]`)
	want := []string{"regions", "../x", "zones", "2"}
	if len(got) != len(want) {
		t.Fatalf("%q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%q", got)
		}
	}
}

func TestLabelKey(t *testing.T) {
	for key, ok := range map[string]bool{
		"release": true, "example.com/team": true, "a.b-c.d/x_y.z": true, "A9": true,
		"": false, "bad key": false, "-x": false, "x-": false, "Example.com/x": false, "/x": false, "a/b/c": false,
		"x123456789012345678901234567890123456789012345678901234567890123": false, // 64-character name
	} {
		if got := isLabelKey(key); got != ok {
			t.Errorf("labelKey %q: got %v, want %v", key, got, ok)
		}
	}
}
