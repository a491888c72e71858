package kubernetes

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	yamlv2 "go.yaml.in/yaml/v2"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

const (
	baseDir    = "/base"
	overlayDir = "/overlay"
)

// options are krusty's defaults (no managed-by label of kustomize's own),
// with kustomize's fixed kind order so that the Namespace comes first; the
// written kustomization asks for the same order (sortOptions).
func options() *krusty.Options {
	o := krusty.MakeDefaultOptions()
	o.Reorder = krusty.ReorderOptionLegacy
	return o
}

// doc is a rendered object (renderMap).
type doc struct {
	kind, name string
	m          map[string]any
}

func renderDocs(objs []object, labels objectLabels) ([]doc, error) {
	docs := make([]doc, 0, len(objs))
	for _, o := range objs {
		m, err := renderMap(o, labels)
		if err != nil {
			return nil, err
		}
		docs = append(docs, doc{o.kind, o.name, m})
	}
	return docs, nil
}

// writeDocs writes each doc's file, its content being encode(doc), and
// returns the sorted file names.
func writeDocs(fs filesys.FileSystem, dir string, docs []doc, encode func(map[string]any) any) ([]string, error) {
	var list []string
	for _, d := range docs {
		b, err := json.Marshal(encode(d.m))
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", d.kind, d.name, err)
		}
		n := names.ObjectFile(d.kind, d.name)
		if slices.Contains(list, n) {
			return nil, fmt.Errorf("internal error: two objects named %s", n)
		}
		if err := fs.WriteFile(dir+"/"+n, b); err != nil {
			return nil, err
		}
		list = append(list, n)
	}
	slices.Sort(list)
	return list, nil
}

// whole is a doc's full content; idOnly is what kustomize identifies it
// by (resid.ResId: group/version/kind, name, namespace).
func whole(m map[string]any) any { return m }

func idOnly(m map[string]any) any {
	md, _ := m["metadata"].(map[string]any)
	id := map[string]any{"name": md["name"]}
	if ns, ok := md["namespace"]; ok {
		id["namespace"] = ns
	}
	return map[string]any{"apiVersion": m["apiVersion"], "kind": m["kind"], "metadata": id}
}

// writeTree writes the base and overlay kustomizations over docs.
func writeTree(fs filesys.FileSystem, base, overlay []doc, encode func(map[string]any) any) (types.Kustomization, error) {
	baseList, err := writeDocs(fs, baseDir, base, encode)
	if err != nil {
		return types.Kustomization{}, err
	}
	if err := writeKustomization(fs, baseDir, types.Kustomization{Resources: baseList}); err != nil {
		return types.Kustomization{}, err
	}
	overlayList, err := writeDocs(fs, overlayDir, overlay, encode)
	if err != nil {
		return types.Kustomization{}, err
	}
	k := types.Kustomization{Resources: append([]string{".." + baseDir}, overlayList...)}
	return k, writeKustomization(fs, overlayDir, k)
}

func writeKustomization(fs filesys.FileSystem, dir string, k types.Kustomization) error {
	k.APIVersion = types.KustomizationVersion
	k.Kind = types.KustomizationKind
	b, err := yaml.Marshal(k)
	if err != nil {
		return err
	}
	return fs.WriteFile(dir+"/"+KustomizationFile, b)
}

// build runs krusty over base + overlay (+ the user's patches) and splits
// the result into one file per object, in kustomize's legacy kind order.
func build(t *model.Topology, r model.Region, base, overlay []object) ([]generators.File, error) {
	// Every object carries the common and region labels. The builders'
	// render sets them (labelObject) rather than a labels: transformer in
	// the kustomizations below: the transformer's field-spec setup cost
	// more than the rest of the build, for the same objects.
	labels := objectLabels{all: commonLabels(t), monitors: t.Monitoring.SelectorLabels}
	maps.Copy(labels.all, names.RegionLabels(r.Name))
	baseDocs, err := renderDocs(base, labels)
	if err != nil {
		return nil, err
	}
	overlayDocs, err := renderDocs(overlay, labels)
	if err != nil {
		return nil, err
	}
	patches := t.RegionPatches(r.Name)
	if len(patches) == 0 {
		return buildIDs(baseDocs, overlayDocs)
	}
	return buildPatched(patches, baseDocs, overlayDocs)
}

// buildIDs is build without patches. Then kustomize changes no object's
// content (no transformer, generator or namespace in the kustomizations):
// it orders the objects (legacy kind order, by ResId) and refuses two with
// one ResId. So the same tree is built with each object reduced to its
// ResId, which parses in a fraction of the time (parsing the full
// objects was a third of gen), and each object is then rendered from its
// own value in the built order, as objectYAML renders a built node: the
// node decodes to the same JSON value. TestKustomizeReproduces runs the
// full build over every written tree and wants these objects back; the
// golden trees hold the bytes.
func buildIDs(base, overlay []doc) ([]generators.File, error) {
	fs := filesys.MakeFsInMemory()
	if _, err := writeTree(fs, base, overlay, idOnly); err != nil {
		return nil, err
	}
	m, err := krusty.MakeKustomizer(options()).Run(fs, overlayDir)
	if err != nil {
		return nil, fmt.Errorf("kustomize: %w", err)
	}
	byID := map[string]map[string]any{}
	for _, d := range append(slices.Clip(base), overlay...) {
		byID[docIDOf(d.m)] = d.m
	}
	return split(m, func(res *resource.Resource) ([]byte, error) {
		v, ok := byID[docID(res.GetApiVersion(), res.GetKind(), res.GetNamespace(), res.GetName())]
		if !ok {
			return nil, fmt.Errorf("internal error: kustomize built %s, which no object is", res.CurId())
		}
		return yamlv2.Marshal(generators.JSONValues(v))
	})
}

// docID identifies an object as kustomize's ResId does (group, version,
// kind, namespace, name).
func docID(apiVersion, kind, namespace, name string) string {
	return apiVersion + " " + kind + " " + namespace + " " + name
}

func docIDOf(m map[string]any) string {
	md, _ := m["metadata"].(map[string]any)
	str := func(v any) string { s, _ := v.(string); return s }
	return docID(str(m["apiVersion"]), str(m["kind"]), str(md["namespace"]), str(md["name"]))
}

// split writes each object of the build as its own file, its bytes from
// encode.
func split(m resmap.ResMap, encode func(*resource.Resource) ([]byte, error)) ([]generators.File, error) {
	var out []generators.File
	seen := map[string]bool{}
	for _, res := range m.Resources() {
		b, err := encode(res)
		if err != nil {
			return nil, err
		}
		n := names.ObjectFile(res.GetKind(), res.GetName())
		if seen[n] {
			return nil, fmt.Errorf("two objects would be written to %s", n)
		}
		seen[n] = true
		out = append(out, generators.File{Path: n, Data: b})
	}
	return out, nil
}
