package model

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
