package schema

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func copyTopology(t *testing.T, from string) string {
	t.Helper()
	dir := t.TempDir()
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".cue") {
			b, err := os.ReadFile(filepath.Join(from, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

func writeFile(t *testing.T, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLoadPatches(t *testing.T) {
	dir := copyTopology(t, "../regions")
	writeFile(t, filepath.Join(dir, "patches", "us", "b.yaml"), "kind: X\nmetadata: {name: x}\n")
	writeFile(t, filepath.Join(dir, "patches", "us", "a.yml"), "kind: Y\nmetadata: {name: y}\n")
	writeFile(t, filepath.Join(dir, "patches", "us", "README.md"), "ignored\n")
	writeFile(t, filepath.Join(dir, "patches", "all", "c.yaml"), "kind: Z\nmetadata: {name: z}\n")
	topo, diags := Load(dir)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var got []string
	for _, p := range topo.Patches {
		got = append(got, p.Region+":"+p.File)
	}
	want := "all:patches/all/c.yaml us:patches/us/a.yml us:patches/us/b.yaml"
	if strings.Join(got, " ") != want {
		t.Errorf("patches %v, want %s", got, want)
	}
	var us []string
	for _, p := range topo.RegionPatches("us") {
		us = append(us, p.File)
	}
	if strings.Join(us, " ") != "patches/all/c.yaml patches/us/a.yml patches/us/b.yaml" {
		t.Errorf("RegionPatches(us) = %v", us)
	}
	if len(topo.RegionPatches("eu")) != 1 {
		t.Errorf("RegionPatches(eu) = %v", topo.RegionPatches("eu"))
	}
}

func TestLoadPatchesUnknownRegion(t *testing.T) {
	dir := copyTopology(t, "../regions")
	writeFile(t, filepath.Join(dir, "patches", "mars", "x.yaml"), "kind: X\nmetadata: {name: x}\n")
	topo, diags := Load(dir)
	if topo != nil || !diags.HasErrors() {
		t.Fatal("a patches directory naming no region loaded")
	}
	if !strings.Contains(diags.Error(), "patches directory mars names no region") {
		t.Errorf("diagnostics %v", diags)
	}
}

func TestNoPatchesDirectory(t *testing.T) {
	topo, diags := Load("../regions")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if topo.Patches != nil {
		t.Errorf("patches %v without a patches directory", topo.Patches)
	}
}
