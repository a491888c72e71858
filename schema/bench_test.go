package schema

import "testing"

// BenchmarkLoad measures loading and validating the default topology alone.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if t, diags := Load("../regions"); t == nil {
			b.Fatal(diags)
		}
	}
}
