package outdir

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/topogen/topogen/generators"
)

// BenchmarkWrite writes a tree shaped like the default out/ (about 90
// files in 15 directories) into a fresh directory.
func BenchmarkWrite(b *testing.B) {
	var files []generators.File
	for d := range 15 {
		for i := range 6 {
			files = append(files, generators.File{Path: fmt.Sprintf("d%d/sub/f%d.yaml", d, i), Data: make([]byte, 2000)})
		}
	}
	tree := generators.NewTree()
	if err := tree.Add(files...); err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	out := filepath.Join(dir, "out")
	for b.Loop() {
		if _, err := Write(out, tree); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := os.RemoveAll(out); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
