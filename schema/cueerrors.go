package schema

import (
	"fmt"
	"regexp"
	"strings"

	"cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/token"

	"github.com/topogen/topogen/model"
)

// cueDiagnostics turns CUE's errors into Diagnostics, positioned in the
// user's files where CUE knows such a position, with a hint how to fix.
func cueDiagnostics(err error, fromFS func(string) string) model.Diagnostics {
	var out model.Diagnostics
	for _, e := range errors.Errors(err) {
		format, args := e.Msg()
		msg := fmt.Sprintf(format, args...)
		d := model.Diagnostic{
			Pos:     userPos(e, fromFS),
			Path:    strings.TrimPrefix(strings.Join(e.Path(), "."), "#Topology."),
			Summary: msg,
			Fix:     cueFix(msg),
		}
		out = append(out, d)
	}
	return collapseDisjunctions(out).Sort()
}

var (
	reDisjunction = regexp.MustCompile(`^\d+ errors in empty disjunction:?$`)
	reTypeOperand = regexp.MustCompile(` and (int|string|number|bool|float|bytes)\b`)
)

// collapseDisjunctions rewrites what CUE reports for a field whose value
// matches no branch of a disjunction with a default (e.g. port: int &
// >=1024 | *27017 given 80): a dangling "2 errors in empty disjunction:"
// line, a "conflicting values 27017 and 80" against the default, and the
// real reason ("out of bound >=1024"). Only the real reason stays, one
// line per field.
func collapseDisjunctions(ds model.Diagnostics) model.Diagnostics {
	marked := map[string]bool{}
	for _, d := range ds {
		if reDisjunction.MatchString(d.Summary) {
			marked[d.Path] = true
		}
	}
	if len(marked) == 0 {
		return ds
	}
	byPath := map[string]model.Diagnostics{}
	for _, d := range ds {
		if marked[d.Path] && !reDisjunction.MatchString(d.Summary) {
			byPath[d.Path] = append(byPath[d.Path], d)
		}
	}
	var out model.Diagnostics
	done := map[string]bool{}
	for _, d := range ds {
		if !marked[d.Path] {
			out = append(out, d)
			continue
		}
		if done[d.Path] {
			continue
		}
		done[d.Path] = true
		group := byPath[d.Path]
		var best model.Diagnostics
		for _, pick := range []func(model.Diagnostic) bool{
			func(g model.Diagnostic) bool {
				return reOutOfBounds.MatchString(g.Summary) || reRegex.MatchString(g.Summary)
			},
			func(g model.Diagnostic) bool { return reTypeOperand.MatchString(g.Summary) },
			func(model.Diagnostic) bool { return true },
		} {
			for _, g := range group {
				if pick(g) {
					best = append(best, g)
				}
			}
			if len(best) > 0 {
				break
			}
		}
		if len(best) == 0 {
			d.Summary = "the value matches none of the values the schema allows"
			d.Fix = "use a value of the documented type and bounds, or remove the field to get the default"
			best = model.Diagnostics{d}
		}
		out = append(out, best...)
	}
	return out
}

// userPos prefers a position in the topology's own files over one in the
// embedded schema: the user can only edit the former.
func userPos(e errors.Error, fromFS func(string) string) model.Pos {
	var candidates []token.Pos
	if p := e.Position(); p.IsValid() {
		candidates = append(candidates, p)
	}
	candidates = append(candidates, e.InputPositions()...)
	var first model.Pos
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
func toPos(p token.Pos, fromFS func(string) string) model.Pos {
	name := p.Filename()
	if fromFS != nil && (strings.HasPrefix(name, "/"+virtTopologyDir+"/") || strings.HasPrefix(name, "/"+virtSchemaDir+"/")) {
		name = fromFS(name)
	}
	return model.Pos{File: name, Line: p.Line(), Col: p.Column()}
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
		return "the schema has no such field: check its spelling (topogen's schema documents every field) or remove it"
	case reIncomplete.MatchString(msg):
		return "this field is required: give it a concrete value of the type the schema documents"
	case reOutOfBounds.MatchString(msg):
		return "use a value inside the bounds the message names"
	case reRegex.MatchString(msg):
		return "use a value of the documented form"
	case reConflict.MatchString(msg):
		return "use a value of the type the schema expects"
	case strings.Contains(msg, "import failed") || strings.Contains(msg, "cannot find package"):
		return "a topology imports only CUE's standard library and " + schemaImportPath
	case strings.HasPrefix(msg, "expected ") || strings.Contains(msg, "illegal") || strings.Contains(msg, "unexpected"):
		return "fix the CUE syntax at this position"
	}
	return "fix the value at this position"
}
