package kubernetes

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/kio"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/internal/parallel"
	"github.com/topogen/topogen/model"
)

// buildPatched is build with the region's patches: each patch must name
// one of the built objects, found among their ResIds, which a build of
// the objects reduced to their ResIds gives in the same order (as in
// buildIDs, in a fraction of the time of the full objects); then the full
// objects are built with the patches.
func buildPatched(patches []model.Patch, base, overlay []doc) ([]generators.File, error) {
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
// print with the invalid-input exit code. Applying them is building the
// patched regions (kustomize's errors come from patching the whole
// objects), so it returns those builds for GenerateFrom.
func CheckPatches(t *model.Topology) (Built, model.Diagnostics) {
	if len(t.Patches) == 0 {
		return Built{}, nil
	}
	var patched []int
	for i, r := range t.Regions {
		if len(t.RegionPatches(r.Name)) > 0 {
			patched = append(patched, i)
		}
	}
	// Regions are independent: built concurrently, as Generate builds
	// them, and reported in region order.
	built := Built{t: t, regions: make([][]generators.File, len(t.Regions))}
	errs := make([]error, len(t.Regions))
	parallel.Do(len(patched), 0, func(k int) {
		i := patched[k]
		built.regions[i], errs[i] = Region(t, t.Regions[i])
	})
	var diags model.Diagnostics
	seen := map[string]bool{}
	for _, i := range patched {
		err := errs[i]
		if err == nil {
			continue
		}
		built.regions[i] = nil
		var pe *PatchError
		d := model.Diagnostic{Summary: err.Error()}
		if errors.As(err, &pe) {
			d = model.Diagnostic{Pos: model.Pos{File: pe.File, Line: 1, Col: 1}, Summary: pe.Msg + " in region " + t.Regions[i].Name, Fix: pe.Fix}
		}
		if !seen[d.String()] {
			seen[d.String()] = true
			diags = append(diags, d)
		}
	}
	return built, diags
}

// Built holds the trees of the regions with patches, as CheckPatches built
// them, for GenerateFrom to reuse rather than build them again (a patched
// build is most of a patched region's time). It belongs to the topology it
// was built from, which must not change after; for any other topology it
// holds nothing. The zero value holds nothing.
type Built struct {
	t *model.Topology
	// regions are Region's files by region index; nil for a region not
	// built (no patches, or patches that fail).
	regions [][]generators.File
}

// region is region i's tree when b holds it for t. The files' bytes are
// shared: callers only read them.
func (b Built) region(t *model.Topology, i int) ([]generators.File, bool) {
	if b.t != t || i >= len(b.regions) || b.regions[i] == nil {
		return nil, false
	}
	return slices.Clone(b.regions[i]), true
}
