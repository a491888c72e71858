package kubernetes

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	yamlv2 "go.yaml.in/yaml/v2"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/kio"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
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
	if len(t.RegionPatches(r.Name)) == 0 {
		return buildIDs(baseDocs, overlayDocs)
	}
	return buildPatched(t, r, baseDocs, overlayDocs)
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

// buildPatched is build with the region's patches: each patch must name
// one of the built objects, found among their ResIds, which a build of
// the objects reduced to their ResIds gives in the same order (as in
// buildIDs, in a fraction of the time of the full objects); then the full
// objects are built with the patches.
func buildPatched(t *model.Topology, r model.Region, base, overlay []doc) ([]generators.File, error) {
	patches := t.RegionPatches(r.Name)
	key, err := buildKey(base, overlay, patches)
	if err != nil {
		return nil, err
	}
	if files, err, ok := patchedBuilds.get(key); ok {
		return files, err
	}
	files, err := buildPatchedOnce(patches, base, overlay)
	patchedBuilds.put(key, files, err)
	return files, err
}

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

// buildPatchedOnce is buildPatched without the cache.
func buildPatchedOnce(patches []model.Patch, base, overlay []doc) ([]generators.File, error) {
	kz := krusty.MakeKustomizer(options())
	idFS := filesys.MakeFsInMemory()
	if _, err := writeTree(idFS, base, overlay, idOnly); err != nil {
		return nil, err
	}
	ids, err := kz.Run(idFS, overlayDir)
	if err != nil {
		return nil, fmt.Errorf("kustomize: %w", err)
	}
	fs := filesys.MakeFsInMemory()
	k, err := writeTree(fs, base, overlay, whole)
	if err != nil {
		return nil, err
	}
	for _, p := range patches {
		docs, err := patchDocs(p)
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			patch, err := checkPatchTarget(ids, p, d)
			if err != nil {
				return nil, err
			}
			k.Patches = append(k.Patches, types.Patch{Patch: patch})
		}
	}
	if err := writeKustomization(fs, overlayDir, k); err != nil {
		return nil, err
	}
	m, err := kz.Run(fs, overlayDir)
	if err != nil {
		var files []string
		for _, p := range patches {
			files = append(files, p.File)
		}
		return nil, &PatchError{File: strings.Join(files, ", "), Msg: "kustomize cannot apply the patches: " + err.Error(), Fix: "fix the patch"}
	}
	return split(m, objectYAML)
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

// patchDocs splits a patch file into its YAML documents; each must be a
// strategic-merge patch naming its target (apiVersion, kind, metadata.name).
func patchDocs(p model.Patch) ([]*kyaml.RNode, error) {
	nodes, err := kio.FromBytes(p.Data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.File, err)
	}
	var docs []*kyaml.RNode
	for _, n := range nodes {
		if n.IsNilOrEmpty() {
			continue
		}
		if n.YNode().Kind != kyaml.MappingNode || n.GetKind() == "" || n.GetName() == "" {
			return nil, &PatchError{File: p.File, Msg: "not a strategic-merge patch", Fix: "write the target's apiVersion, kind and metadata.name and the fields to change"}
		}
		docs = append(docs, n)
	}
	if len(docs) == 0 {
		return nil, &PatchError{File: p.File, Msg: "the patch file is empty", Fix: "remove it"}
	}
	return docs, nil
}

// checkPatchTarget fails when a patch matches no generated object, naming
// the file: kustomize's own message names neither file nor region. A patch
// without a namespace gets its target's, so users need not repeat it.
func checkPatchTarget(m resmap.ResMap, p model.Patch, n *kyaml.RNode) (string, error) {
	kind, name, ns := n.GetKind(), n.GetName(), n.GetNamespace()
	for _, res := range m.Resources() {
		if res.GetKind() == kind && res.GetName() == name && (ns == "" || ns == res.GetNamespace()) {
			if ns == "" && res.GetNamespace() != "" {
				if err := n.SetNamespace(res.GetNamespace()); err != nil {
					return "", fmt.Errorf("%s: %w", p.File, err)
				}
			}
			doc, err := n.String()
			if err != nil {
				return "", fmt.Errorf("%s: %w", p.File, err)
			}
			return doc, nil
		}
	}
	return "", &PatchError{File: p.File, Msg: fmt.Sprintf("the patch for %s %q matches no generated object", kind, name),
		Fix: "name an object of out/" + "kubernetes/<region>/ (kind and metadata.name), or remove the patch"}
}

// PatchError is a user patch that cannot be applied.
type PatchError struct {
	File, Msg, Fix string
}

func (e *PatchError) Error() string { return e.File + ": " + e.Msg }

// CheckPatches applies the user's patches to every region and reports the
// ones that fail as diagnostics on their files, for `topogen vet`/`gen` to
// print with the invalid-input exit code.
func CheckPatches(t *model.Topology) model.Diagnostics {
	if len(t.Patches) == 0 {
		return nil
	}
	var diags model.Diagnostics
	seen := map[string]bool{}
	for _, r := range t.Regions {
		if len(t.RegionPatches(r.Name)) == 0 {
			continue
		}
		if _, err := Region(t, r); err != nil {
			var pe *PatchError
			d := model.Diagnostic{Summary: err.Error()}
			if errors.As(err, &pe) {
				d = model.Diagnostic{Pos: model.Pos{File: pe.File, Line: 1, Col: 1}, Summary: pe.Msg + " in region " + r.Name, Fix: pe.Fix}
			}
			if !seen[d.String()] {
				seen[d.String()] = true
				diags = append(diags, d)
			}
		}
	}
	return diags
}
