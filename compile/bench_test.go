package compile

import (
	"testing"

	"github.com/topogen/topogen/generators/replset"
	"github.com/topogen/topogen/generators/snapshot"
	"github.com/topogen/topogen/model"
	"github.com/topogen/topogen/schema"
)

// benchTopologies are the topologies every benchmark runs on.
var benchTopologies = []struct{ name, dir string }{
	{"default", "../regions"},
	{"7x7", "../golden/seven-by-seven/input"},
}

// loadChecked loads and validates a topology and runs the model checks, as
// every command does first; it returns what the checks built, which gen
// hands to Compile.
func loadChecked(b *testing.B, dir string) (*model.Topology, Checked) {
	t, diags := schema.Load(dir)
	if t == nil {
		b.Fatal(diags)
	}
	checked, more := Check(t)
	if diags = append(diags, more...); diags.HasErrors() {
		b.Fatal(diags)
	}
	return t, checked
}

// BenchmarkGen measures what `topogen gen` does in-process: load and
// validate the topology, run the model checks, render every target.
func BenchmarkGen(b *testing.B) {
	for _, bc := range benchTopologies {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				t, checked := loadChecked(b, bc.dir)
				if _, err := Compile(t, Options{Checked: checked}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCore measures the compiler core alone: load, validate and
// resolve the topology, run the model checks, render the replica-set
// config and the model snapshot. BenchmarkGen adds the Kubernetes,
// Terraform, Prometheus, GitOps and failover targets.
func BenchmarkCore(b *testing.B) {
	for _, bc := range benchTopologies {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				t, _ := loadChecked(b, bc.dir)
				if _, err := replset.Generate(t); err != nil {
					b.Fatal(err)
				}
				if _, err := snapshot.Generate(t); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTarget measures each target alone, and the load, on every
// benchmark topology (loaded once for the targets), to show where
// BenchmarkGen's time goes.
func BenchmarkTarget(b *testing.B) {
	for _, bc := range benchTopologies {
		t, _ := loadChecked(b, bc.dir)
		for _, target := range Targets {
			if target.After {
				continue // needs the other targets' files
			}
			b.Run(bc.name+"/"+target.Name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := target.Generate(Input{Topology: t}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		b.Run(bc.name+"/load", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if t, diags := schema.Load(bc.dir); t == nil {
					b.Fatal(diags)
				}
			}
		})
	}
}
