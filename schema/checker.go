package schema

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"strconv"
	"time"

	"cuelang.org/go/cue"

	"github.com/topogen/topogen/model"
)

// checker collects diagnostics positioned at CUE values.
type checker struct {
	v         cue.Value
	dir       string
	userFiles map[string]bool // display names of the topology's files
	diags     model.Diagnostics
	// partial: the topology has CUE errors and only its valid regions are
	// checked (parts.check), so checks of the whole are skipped.
	partial bool
	// leftOut are the CIDRs of the regions a partial check left out, which
	// a suggested CIDR must avoid too.
	leftOut []netip.Prefix
}

// sel builds a CUE path; all-digit elements after a list field are
// indexes (e.g. "zones", "2").
func sel(path ...string) cue.Path {
	s := make([]cue.Selector, len(path))
	for i, p := range path {
		if n, err := strconv.Atoi(p); err == nil && i > 0 && isListField(path[i-1]) {
			s[i] = cue.Index(n)
		} else {
			s[i] = cue.Str(p)
		}
	}
	return cue.MakePath(s...)
}

func isListField(name string) bool {
	switch name {
	case "zones", "continents", "countries", "alertmanagers", "adminPrincipals", "publicAccessCIDRs", "clientCIDRs",
		"regions", "values", "ranges", "key": // the last four in sharding
		return true
	}
	return false
}

// pos is the position of the value at path in the user's files, falling back
// to the closest parent the user wrote (a defaulted value sits in the schema),
// or to the first field under it the user wrote (for "regions").
func (c *checker) pos(path ...string) model.Pos {
	if len(path) == 1 && path[0] == "regions" {
		// The regions map spans files; point at the first region's file.
		if it, err := c.v.LookupPath(sel("regions")).Fields(); err == nil && it.Next() {
			return c.pos("regions", it.Selector().Unquoted(), "cloudRegion")
		}
	}
	for n := len(path); n >= 0; n-- {
		val := c.v.LookupPath(sel(path[:n]...))
		if !val.Exists() {
			continue
		}
		if p, ok := c.userPos(val); ok {
			return p
		}
		// A struct unified with a schema definition reports the
		// definition's position; its conjunct written by the user has the
		// user's (the "{" after a region's name).
		if op, args := val.Expr(); op == cue.AndOp && val.IncompleteKind() == cue.StructKind {
			for _, a := range args {
				if p, ok := c.userPos(a); ok {
					return p
				}
			}
		}
		if it, err := val.List(); err == nil && it.Next() {
			if p, ok := c.userPos(it.Value()); ok {
				return p
			}
		}
		if it, err := val.Fields(); err == nil {
			for it.Next() {
				if p, ok := c.userPos(it.Value()); ok {
					return p
				}
			}
		}
	}
	return model.Pos{File: filepath.ToSlash(c.dir)}
}

func (c *checker) userPos(v cue.Value) (model.Pos, bool) {
	p := v.Pos()
	if p.IsValid() && c.userFiles[p.Filename()] {
		return model.Pos{File: p.Filename(), Line: p.Line(), Col: p.Column()}, true
	}
	return model.Pos{}, false
}

// pathString renders a field path the way CUE prints it (quoting names that
// are not identifiers).
func pathString(path ...string) string { return sel(path...).String() }

func (c *checker) errorf(path []string, fix, format string, args ...any) {
	c.diags = append(c.diags, model.Diagnostic{Severity: model.Error, Pos: c.pos(path...), Path: pathString(path...), Summary: fmt.Sprintf(format, args...), Fix: fix})
}

func (c *checker) warnf(path []string, fix, format string, args ...any) {
	c.diags = append(c.diags, model.Diagnostic{Severity: model.Warning, Pos: c.pos(path...), Path: pathString(path...), Summary: fmt.Sprintf(format, args...), Fix: fix})
}

// duration parses a #Duration ("50ms", "1m", "30d").
func (c *checker) duration(s string, path ...string) time.Duration {
	d, err := model.ParseDuration(s)
	if err != nil {
		c.errorf(path, `write a whole number and one unit of ms, s, m, h or d, e.g. "1m"`, "%q is not a duration", s)
	}
	return d
}
