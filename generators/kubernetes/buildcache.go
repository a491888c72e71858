package kubernetes

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/model"
)

// patchedBuilds remembers patched builds by their whole input: vet, gen,
// check and diff check the patches (CheckPatches) and then gen, check and
// diff compile the same regions, and each patched build is most of the
// time of a gen with patches. A changed object or patch is another key.
var patchedBuilds buildCache

// buildCache maps a build's input (buildKey) to its files or error; it
// holds a few builds (those of one topology), and forgets them all when
// full.
type buildCache struct {
	sync.Mutex
	m map[[sha256.Size]byte]cachedBuild
}

type cachedBuild struct {
	files []generators.File
	err   error
}

const buildCacheSize = 16

func (c *buildCache) get(key [sha256.Size]byte) ([]generators.File, error, bool) {
	c.Lock()
	defer c.Unlock()
	b, ok := c.m[key]
	return cloneFiles(b.files), b.err, ok
}

func (c *buildCache) put(key [sha256.Size]byte, files []generators.File, err error) {
	c.Lock()
	defer c.Unlock()
	if c.m == nil || len(c.m) >= buildCacheSize {
		c.m = map[[sha256.Size]byte]cachedBuild{}
	}
	c.m[key] = cachedBuild{cloneFiles(files), err}
}

// cloneFiles copies files, paths and bytes: callers own what they get.
func cloneFiles(files []generators.File) []generators.File {
	if files == nil {
		return nil
	}
	out := make([]generators.File, len(files))
	for i, f := range files {
		out[i] = generators.File{Path: f.Path, Data: bytes.Clone(f.Data)}
	}
	return out
}

// buildKey hashes everything a patched build depends on: every object's
// content in order, base and overlay apart, and each patch's file name
// and bytes.
func buildKey(base, overlay []doc, patches []model.Patch) ([sha256.Size]byte, error) {
	h := sha256.New()
	for i, docs := range [][]doc{base, overlay} {
		fmt.Fprintf(h, "docs %d %d\x00", i, len(docs))
		for _, d := range docs {
			b, err := json.Marshal(d.m)
			if err != nil {
				return [sha256.Size]byte{}, fmt.Errorf("%s %s: %w", d.kind, d.name, err)
			}
			fmt.Fprintf(h, "%d\x00", len(b))
			h.Write(b)
		}
	}
	for _, p := range patches {
		fmt.Fprintf(h, "patch %d %s %d\x00", len(p.File), p.File, len(p.Data))
		h.Write(p.Data)
	}
	var key [sha256.Size]byte
	h.Sum(key[:0])
	return key, nil
}
