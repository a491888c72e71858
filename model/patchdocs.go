package model

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	yaml "go.yaml.in/yaml/v3"
)

// Limits on a user patch file, checked before anything else parses it: a
// kustomize patch is a few lines, and YAML aliases would let a few bytes
// expand into gigabytes when kustomize copies the node tree (a 9×9 alias
// "billion laughs" was OOM-killed at 24 GB).
const (
	MaxPatchSize = 1 << 20 // bytes per patch file
	maxPatchDocs = 100     // documents per patch file
)

// PatchDoc is one YAML document of a user patch.
type PatchDoc struct {
	Kind, Name string
	// Line and Col are where the document starts in its file.
	Line, Col int
	// Body is the document's mapping.
	Body *yaml.Node
}

// ParsePatch splits a patch file into its documents, refusing what only a
// hostile or broken file holds: over MaxPatchSize, anchors and aliases, a
// document that is not a mapping naming its target. Errors carry the
// file's position.
func ParsePatch(p Patch) ([]PatchDoc, *Diagnostic) {
	at := func(line, col int, summary, fix string) *Diagnostic {
		line, col = max(line, 1), max(col, 1) // a whole-file problem: its start
		return &Diagnostic{Pos: Pos{File: p.File, Line: line, Col: col}, Summary: summary, Fix: fix}
	}
	if len(p.Data) > MaxPatchSize {
		return nil, at(0, 0, fmt.Sprintf("patch is %d bytes, over the %d-byte limit", len(p.Data), MaxPatchSize), "a kustomize patch changes a few fields; split it or move the change into the topology")
	}
	if i := bytes.IndexByte(p.Data, 0); i >= 0 {
		line := bytes.Count(p.Data[:i], []byte("\n")) + 1
		return nil, at(line, i-bytes.LastIndexByte(p.Data[:i], '\n'), "patch holds a NUL byte", "save the file as UTF-8 text")
	}
	dec := yaml.NewDecoder(bytes.NewReader(p.Data))
	var docs []PatchDoc
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line, col := yamlErrorPos(err)
			return nil, at(line, col, "invalid YAML: "+yamlErrorText(err), "fix the YAML syntax")
		}
		if len(docs) >= maxPatchDocs {
			return nil, at(n.Line, n.Column, fmt.Sprintf("patch holds more than %d documents", maxPatchDocs), "split it into several files")
		}
		if bad := findAlias(&n); bad != nil {
			return nil, at(bad.Line, bad.Column, "YAML anchors and aliases are not allowed in patches", "write the values out; a patch changes a few fields")
		}
		if n.Kind != yaml.DocumentNode || len(n.Content) == 0 || n.Content[0].Kind == yaml.ScalarNode && n.Content[0].Tag == "!!null" {
			continue // an empty document (a trailing ---)
		}
		body := n.Content[0]
		if body.Kind != yaml.MappingNode {
			return nil, at(body.Line, body.Column, "a patch document must be a mapping (a strategic-merge patch)", "write the target's apiVersion, kind and metadata.name and the fields to change")
		}
		kind := scalarAt(body, "kind")
		name := scalarAt(mapAt(body, "metadata"), "name")
		if kind == "" || name == "" {
			return nil, at(body.Line, body.Column, "not a strategic-merge patch: kind or metadata.name is missing", "write the target's apiVersion, kind and metadata.name and the fields to change")
		}
		docs = append(docs, PatchDoc{Kind: kind, Name: name, Line: body.Line, Col: body.Column, Body: body})
	}
	if len(docs) == 0 {
		return nil, at(0, 0, "the patch file is empty", "remove it")
	}
	return docs, nil
}

// findAlias returns the first node that is an alias or carries an anchor.
func findAlias(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return n
	}
	for _, c := range n.Content {
		if bad := findAlias(c); bad != nil {
			return bad
		}
	}
	return nil
}

// mapAt returns the value of key in mapping m, or nil.
func mapAt(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func scalarAt(m *yaml.Node, key string) string {
	if v := mapAt(m, key); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

// MapAt is mapAt for the packages that classify patches.
func MapAt(m *yaml.Node, key string) *yaml.Node { return mapAt(m, key) }

// yamlErrorPos reads the line from a YAML syntax error ("yaml: line 3:
// ..."); the column is not reported by the parser, so it is 1.
func yamlErrorPos(err error) (line, col int) {
	var n int
	if _, e := fmt.Sscanf(err.Error(), "yaml: line %d:", &n); e == nil && n > 0 {
		return n, 1
	}
	return 0, 0
}

// yamlErrorText drops the "yaml: line N: " prefix the position replaces.
func yamlErrorText(err error) string {
	s := err.Error()
	if line, _ := yamlErrorPos(err); line > 0 {
		if _, rest, ok := bytes.Cut([]byte(s), []byte(": ")); ok {
			if _, rest2, ok := bytes.Cut(rest, []byte(": ")); ok {
				return string(rest2)
			}
		}
	}
	return s
}
