package kubernetes

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
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

func writeObjects(fs filesys.FileSystem, dir string, objs []object, labels objectLabels) ([]string, error) {
	var list []string
	for _, o := range objs {
		b, err := render(o, labels)
		if err != nil {
			return nil, err
		}
		n := names.ObjectFile(o.kind, o.name)
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
	fs := filesys.MakeFsInMemory()
	// Every object carries the common and region labels. The builders'
	// render sets them (labelObject) rather than a labels: transformer in
	// the kustomizations below: the transformer's field-spec setup cost
	// more than the rest of the build, for the same objects.
	labels := objectLabels{all: commonLabels(t), monitors: t.Monitoring.SelectorLabels}
	maps.Copy(labels.all, names.RegionLabels(r.Name))
	baseList, err := writeObjects(fs, baseDir, base, labels)
	if err != nil {
		return nil, err
	}
	if err := writeKustomization(fs, baseDir, types.Kustomization{Resources: baseList}); err != nil {
		return nil, err
	}
	overlayList, err := writeObjects(fs, overlayDir, overlay, labels)
	if err != nil {
		return nil, err
	}
	k := types.Kustomization{Resources: append([]string{".." + baseDir}, overlayList...)}
	if err := writeKustomization(fs, overlayDir, k); err != nil {
		return nil, err
	}
	kz := krusty.MakeKustomizer(options())
	m, err := kz.Run(fs, overlayDir)
	if err != nil {
		return nil, fmt.Errorf("kustomize: %w", err)
	}

	patches := t.RegionPatches(r.Name)
	if len(patches) > 0 {
		for _, p := range patches {
			docs, err := patchDocs(p)
			if err != nil {
				return nil, err
			}
			for _, d := range docs {
				patch, err := checkPatchTarget(m, p, d)
				if err != nil {
					return nil, err
				}
				k.Patches = append(k.Patches, types.Patch{Patch: patch})
			}
		}
		if err := writeKustomization(fs, overlayDir, k); err != nil {
			return nil, err
		}
		if m, err = kz.Run(fs, overlayDir); err != nil {
			var files []string
			for _, p := range patches {
				files = append(files, p.File)
			}
			return nil, &PatchError{File: strings.Join(files, ", "), Msg: "kustomize cannot apply the patches: " + err.Error(), Fix: "fix the patch"}
		}
	}
	return split(m)
}

// split writes each object of the build as its own file.
func split(m resmap.ResMap) ([]generators.File, error) {
	var out []generators.File
	seen := map[string]bool{}
	for _, res := range m.Resources() {
		b, err := objectYAML(res)
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
