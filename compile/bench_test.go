package compile

import (
	"testing"

	"github.com/topogen/topogen/schema"
)

// BenchmarkGen measures what `topogen gen` does in-process: load and
// validate the topology, run the model checks, render every target.
func BenchmarkGen(b *testing.B) {
	for _, bc := range []struct{ name, dir string }{
		{"default", "../regions"},
		{"7x7", "../golden/seven-by-seven/input"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				t, diags := schema.Load(bc.dir)
				if t == nil {
					b.Fatal(diags)
				}
				diags = append(diags, Check(t)...)
				if diags.HasErrors() {
					b.Fatal(diags)
				}
				if _, err := Compile(t, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
