package model

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Severity of a diagnostic.
type Severity int

const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Pos is a source position; File is as the user named it (relative to the
// working directory where possible, forward slashes).
type Pos struct {
	File      string
	Line, Col int
}

func (p Pos) String() string {
	if p.File == "" {
		return ""
	}
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Diagnostic is one problem with a topology: where, which field, what is
// wrong and how to fix it.
type Diagnostic struct {
	Severity Severity
	Pos      Pos
	// Path is the CUE field path, e.g. "regions.eu.cidr".
	Path string
	// Summary says what is wrong and what was expected.
	Summary string
	// Fix says how to fix it; may be empty when the summary says it all.
	Fix string
}

// String renders the diagnostic on one line:
// "file:line:col: path: summary; fix". Warnings are prefixed "warning: ".
func (d Diagnostic) String() string {
	var b strings.Builder
	if d.Severity == Warning {
		b.WriteString("warning: ")
	}
	if p := d.Pos.String(); p != "" {
		b.WriteString(p)
		b.WriteString(": ")
	}
	if d.Path != "" {
		b.WriteString(d.Path)
		b.WriteString(": ")
	}
	b.WriteString(d.Summary)
	if d.Fix != "" {
		b.WriteString("; ")
		b.WriteString(d.Fix)
	}
	return b.String()
}

// Diagnostics is every problem found; a load never stops at the first.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an error (an empty or
// warning-only list is not).
func (ds Diagnostics) HasErrors() bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity == Error })
}

// Errors returns the errors only.
func (ds Diagnostics) Errors() Diagnostics {
	return slices.DeleteFunc(slices.Clone(ds), func(d Diagnostic) bool { return d.Severity != Error })
}

// Warnings returns the warnings only.
func (ds Diagnostics) Warnings() Diagnostics {
	return slices.DeleteFunc(slices.Clone(ds), func(d Diagnostic) bool { return d.Severity != Warning })
}

// Sort orders diagnostics by file, line, column, path and text, and drops
// exact duplicates, so output is the same on every run.
func (ds Diagnostics) Sort() Diagnostics {
	out := slices.Clone(ds)
	slices.SortStableFunc(out, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.Pos.File, b.Pos.File),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Col, b.Pos.Col),
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.String(), b.String()),
		)
	})
	return slices.Compact(out)
}

// Error makes Diagnostics usable as an error: one diagnostic per line.
func (ds Diagnostics) Error() string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}
