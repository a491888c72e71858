package schema

import (
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/topogen/topogen/model"
)

// loadPatches reads dir/patches/<region|all>/*.yaml (and *.yml), sorted by
// file so that the output never depends on directory order. A missing
// patches/ directory is no patches.
func loadPatches(dir string, t *model.Topology) ([]model.Patch, model.Diagnostics) {
	root := filepath.Join(dir, model.PatchesDir)
	subdirs, err := os.ReadDir(root)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, model.Diagnostics{{Pos: model.Pos{File: filepath.ToSlash(root)}, Summary: "cannot read patches directory: " + unwrapPathError(err)}}
	}
	var out []model.Patch
	var diags model.Diagnostics
	for _, sd := range subdirs {
		if !sd.IsDir() {
			continue
		}
		region := sd.Name()
		if _, ok := t.Region(region); !ok && region != model.PatchesAll {
			// Positioned at the directory's first file, if any.
			pos := model.Pos{File: filepath.ToSlash(filepath.Join(root, region))}
			if es, err := os.ReadDir(filepath.Join(root, region)); err == nil && len(es) > 0 {
				pos = model.Pos{File: filepath.ToSlash(filepath.Join(root, region, es[0].Name())), Line: 1, Col: 1}
			}
			diags = append(diags, model.Diagnostic{
				Pos:     pos,
				Summary: "patches directory " + region + " names no region",
				Fix:     "name it after a region of the topology, or \"" + model.PatchesAll + "\" for every region",
			})
			continue
		}
		entries, err := os.ReadDir(filepath.Join(root, region))
		if err != nil {
			diags = append(diags, model.Diagnostic{Pos: model.Pos{File: filepath.ToSlash(filepath.Join(root, region))}, Summary: "cannot read patches directory: " + unwrapPathError(err)})
			continue
		}
		for _, e := range entries {
			if e.IsDir() || !(strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml")) {
				continue
			}
			if info, err := e.Info(); err == nil && info.Size() > model.MaxPatchSize {
				diags = append(diags, model.Diagnostic{Pos: model.Pos{File: path.Join(model.PatchesDir, region, e.Name())}, Summary: fmt.Sprintf("patch is %d bytes, over the %d-byte limit", info.Size(), model.MaxPatchSize), Fix: "a kustomize patch changes a few fields; split it or move the change into the topology"})
				continue
			}
			b, err := readLimited(filepath.Join(root, region, e.Name()), model.MaxPatchSize)
			if err != nil {
				diags = append(diags, model.Diagnostic{Pos: model.Pos{File: filepath.ToSlash(filepath.Join(root, region, e.Name()))}, Summary: "cannot read patch: " + unwrapPathError(err)})
				continue
			}
			p := model.Patch{Region: region, File: path.Join(model.PatchesDir, region, e.Name()), Data: b}
			// Hostile YAML (aliases, huge files, NULs) stops here, before
			// kustomize sees it.
			if _, d := model.ParsePatch(p); d != nil {
				diags = append(diags, *d)
				continue
			}
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b model.Patch) int { return strings.Compare(a.File, b.File) })
	return out, diags
}

// readLimited reads at most limit+1 bytes of a regular file (a FIFO or a
// device is refused, not opened).
func readLimited(name string, limit int64) ([]byte, error) {
	info, err := os.Lstat(name)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("over the %d-byte limit", limit)
	}
	return b, nil
}
