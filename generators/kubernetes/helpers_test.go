package kubernetes

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/topogen/topogen/internal/testmemo"
	"github.com/topogen/topogen/internal/testtopo"

	"sigs.k8s.io/kustomize/kyaml/kio"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/model"
)

// Loading, rendering and parsing are memoized: the tests only read the
// results (TestSizingChangeIsLocal mutates a fresh copy from loadFresh;
// the parsed nodes are only looked up, kyaml.Lookup creates nothing).
// The memos are safe for the mongosh tests, which run in parallel.
var (
	withES   testmemo.Memo[string, *model.Topology]
	rendered testmemo.Memo[*model.Topology, []generators.File]
	// parsedObjects: a manifest's objects by path and content.
	parsedObjects testmemo.Memo[string, []*kyaml.RNode]
)

func load(t *testing.T, dir string) *model.Topology { return testtopo.Shared(t, dir) }

func loadFresh(t *testing.T, dir string) *model.Topology { return testtopo.Load(t, dir) }

// loadWith loads dir's .cue files plus extra ones (for settings no golden
// topology uses).
func loadWith(t *testing.T, dir string, extra map[string]string) *model.Topology {
	t.Helper()
	files := testtopo.ReadDir(t, dir)
	for n, s := range extra {
		files[n] = []byte(s)
	}
	return testtopo.LoadFiles(t, dir, files)
}

// externalSecretsCUE turns ExternalSecrets on in a topology package.
const externalSecretsCUE = "package %s\n\nkubernetes: externalSecrets: enabled: true\n"

func withExternalSecrets(t *testing.T, dir string) *model.Topology {
	t.Helper()
	topo, err := withES.Get(dir, func() (*model.Topology, error) {
		pkg := "regions"
		if !strings.HasSuffix(dir, "regions") {
			b, err := os.ReadFile(filepath.Join(dir, "global.cue"))
			if err != nil {
				return nil, err
			}
			for _, l := range strings.Split(string(b), "\n") {
				if p, ok := strings.CutPrefix(l, "package "); ok {
					pkg = strings.TrimSpace(p)
					break
				}
			}
		}
		return loadWith(t, dir, map[string]string{"zz_external_secrets.cue": strings.Replace(externalSecretsCUE, "%s", pkg, 1)}), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return topo
}

func generate(t *testing.T, topo *model.Topology) []generators.File {
	t.Helper()
	files, err := rendered.Get(topo, func() ([]generators.File, error) { return Generate(topo) })
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// parsed is one generated object.
type parsed struct {
	path string
	node *kyaml.RNode
}

// objectsIn parses every manifest of one region (kustomization.yaml aside).
func objectsIn(t *testing.T, files []generators.File, region string) []parsed {
	t.Helper()
	var out []parsed
	prefix := "kubernetes/" + region + "/"
	for _, f := range files {
		if !strings.HasPrefix(f.Path, prefix) || strings.HasSuffix(f.Path, "/"+KustomizationFile) {
			continue
		}
		nodes, err := parsedObjects.Get(f.Path+"\x00"+string(f.Data), func() ([]*kyaml.RNode, error) { return kio.FromBytes(f.Data) })
		if err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		if len(nodes) != 1 {
			t.Fatalf("%s holds %d objects, want 1", f.Path, len(nodes))
		}
		out = append(out, parsed{f.Path, nodes[0]})
	}
	return out
}

func find(objs []parsed, kind, name string) *kyaml.RNode {
	for _, o := range objs {
		if o.node.GetKind() == kind && o.node.GetName() == name {
			return o.node
		}
	}
	return nil
}

func mustString(t *testing.T, n *kyaml.RNode, path ...string) string {
	t.Helper()
	v, err := n.Pipe(kyaml.Lookup(path...))
	if err != nil || v == nil {
		t.Fatalf("%s/%s: no %v", n.GetKind(), n.GetName(), path)
	}
	return kyaml.GetValue(v)
}
