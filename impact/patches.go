package impact

import (
	"fmt"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/topogen/topogen/model"
)

// patches reports the user's kustomize patches (patches/<region|all>/) that
// were added, removed or changed, classified by what their documents do to
// the generated objects: deleting or replacing one, or changing volume
// claim templates, is destructive; replicas a reconfig; images, volumes,
// the pod template or the mongod config a rolling restart; anything else
// (labels, annotations) safe. A removed patch is classified by what it
// did, since removing it undoes that. The change's Path is the patch file,
// which is also the key that acknowledges a destructive one.
func (c *comparer) patches(old, new *model.Topology) {
	before := byKey(old.Patches, func(p model.Patch) string { return p.File })
	seen := map[string]bool{}
	for _, p := range new.Patches {
		seen[p.File] = true
		o, had := before[p.File]
		switch {
		case !had:
			c.patch(p, "added", p)
		case string(o.Data) != string(p.Data):
			// The worse of what it did and what it does now.
			oc, _ := classifyPatch(o)
			nc, _ := classifyPatch(p)
			if classRank(oc) > classRank(nc) {
				c.patch(p, "changed", o)
			} else {
				c.patch(p, "changed", p)
			}
		}
	}
	for _, p := range old.Patches {
		if !seen[p.File] {
			c.patch(p, "removed", p)
		}
	}
}

func (c *comparer) patch(p model.Patch, verb string, by model.Patch) {
	class, what := classifyPatch(by)
	c.out = append(c.out, Change{
		Class:   class,
		Path:    p.File,
		Pos:     model.Pos{File: p.File, Line: 1, Col: 1},
		Summary: fmt.Sprintf("user patch %s %s: %s (%s)", p.File, verb, what, class),
	})
}

func classRank(c Class) int {
	switch c {
	case Destructive:
		return 3
	case Reconfig:
		return 2
	case Rolling:
		return 1
	}
	return 0
}

// classifyPatch returns the worst class among a patch's documents and what
// each does, in words.
func classifyPatch(p model.Patch) (Class, string) {
	docs, d := model.ParsePatch(p)
	if d != nil {
		return Safe, d.Summary
	}
	worst, parts := Safe, []string(nil)
	for _, doc := range docs {
		class, what := classifyDoc(doc)
		if classRank(class) > classRank(worst) {
			worst = class
		}
		parts = append(parts, fmt.Sprintf("%s %s %s", doc.Kind, doc.Name, what))
	}
	return worst, strings.Join(parts, "; ")
}

func classifyDoc(doc model.PatchDoc) (Class, string) {
	switch v := model.MapAt(doc.Body, "$patch"); {
	case v != nil && v.Value == "delete":
		return Destructive, "deleted (destructive: the generated object is removed from the cluster)"
	case v != nil && v.Value == "replace":
		return Destructive, "replaced (destructive: the generated object is replaced by the patch)"
	}
	spec := model.MapAt(doc.Body, "spec")
	switch {
	case model.MapAt(spec, "volumeClaimTemplates") != nil:
		return Destructive, "volume claim templates changed (destructive: they are immutable, the StatefulSet and its volumes must be re-created)"
	case model.MapAt(spec, "replicas") != nil:
		return Reconfig, "replicas changed (replica-set reconfig: members are added or removed outside the topology)"
	case hasKey(doc.Body, "image"):
		return Rolling, "image changed (rolling restart)"
	case hasKey(doc.Body, "volumes") || hasKey(doc.Body, "volumeMounts"):
		return Rolling, "volumes changed (rolling restart)"
	case doc.Kind == "ConfigMap" && hasKey(doc.Body, "mongod.conf"):
		return Rolling, "mongod config changed (rolling restart)"
	case model.MapAt(spec, "template") != nil:
		return Rolling, "pod template changed (rolling restart)"
	}
	return Safe, "changed (safe: no restart)"
}

// hasKey reports whether any mapping under n has the key.
func hasKey(n *yaml.Node, key string) bool {
	if n == nil {
		return false
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return true
			}
		}
	}
	for _, c := range n.Content {
		if hasKey(c, key) {
			return true
		}
	}
	return false
}
