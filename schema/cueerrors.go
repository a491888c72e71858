package schema

import (
	"fmt"
	"regexp"
	"strings"

	"cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/token"
)

// cueDiagnostics turns CUE's errors into Diagnostics, positioned in the
// user's files where CUE knows such a position, with a hint how to fix.
func cueDiagnostics(err error, fromFS func(string) string) Diagnostics {
	var out Diagnostics
	for _, e := range errors.Errors(err) {
		format, args := e.Msg()
		msg := fmt.Sprintf(format, args...)
		d := Diagnostic{
			Pos:     userPos(e, fromFS),
			Path:    strings.TrimPrefix(strings.Join(e.Path(), "."), "#Topology."),
			Summary: msg,
			Fix:     cueFix(msg),
		}
		out = append(out, d)
	}
	return out.Sort()
}

// userPos prefers a position in the topology's own files over one in the
// embedded schema: the user can only edit the former.
func userPos(e errors.Error, fromFS func(string) string) Pos {
	var candidates []token.Pos
	if p := e.Position(); p.IsValid() {
		candidates = append(candidates, p)
	}
	candidates = append(candidates, e.InputPositions()...)
	var first Pos
	for _, p := range candidates {
		if !p.IsValid() {
			continue
		}
		pos := toPos(p, fromFS)
		if first.File == "" {
			first = pos
		}
		if !strings.HasPrefix(pos.File, virtSchemaDir+"/") {
			return pos
		}
	}
	return first
}

// toPos converts a CUE position; CUE already applied FromFSPath to names of
// files it loaded, so only names still inside the virtual tree are mapped.
func toPos(p token.Pos, fromFS func(string) string) Pos {
	name := p.Filename()
	if fromFS != nil && (strings.HasPrefix(name, "/"+virtTopologyDir+"/") || strings.HasPrefix(name, "/"+virtSchemaDir+"/")) {
		name = fromFS(name)
	}
	return Pos{File: name, Line: p.Line(), Col: p.Column()}
}

var (
	reNotAllowed  = regexp.MustCompile(`field not allowed`)
	reIncomplete  = regexp.MustCompile(`incomplete value|non-concrete value|field is required but not present`)
	reConflict    = regexp.MustCompile(`conflicting values|mismatched types`)
	reOutOfBounds = regexp.MustCompile(`invalid value .* \(out of bound`)
	reRegex       = regexp.MustCompile(`does not match`)
)

// cueFix says how to fix the common CUE errors in topology terms.
func cueFix(msg string) string {
	switch {
	case reNotAllowed.MatchString(msg):
		return "the schema has no such field: check its spelling against schema/topology.cue or remove it"
	case reIncomplete.MatchString(msg):
		return "this field is required: give it a concrete value (see schema/topology.cue for its type)"
	case reOutOfBounds.MatchString(msg):
		return "use a value inside the bounds the message names"
	case reRegex.MatchString(msg):
		return "use a value of the documented form (see schema/topology.cue)"
	case reConflict.MatchString(msg):
		return "use a value of the type the schema expects (see schema/topology.cue)"
	}
	return ""
}
