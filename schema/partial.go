package schema

import (
	"encoding/json"
	"net/netip"

	"cuelang.org/go/cue"

	"github.com/topogen/topogen/model"
)

// parts is a topology with CUE errors cut into its top-level fields and
// its regions, each validated on its own: CUE reports a missing value only
// where nothing else is wrong, and the Go checks can still run on the
// parts that are valid.
type parts struct {
	// diags are the parts' CUE errors.
	diags model.Diagnostics
	// valid holds each valid top-level field as JSON; "regions" holds the
	// valid regions.
	valid map[string]json.RawMessage
	// complete: every top-level field but regions is valid, which the Go
	// checks need (they read names and the DNS domain).
	complete bool
	// leftOut are the CIDRs of the regions with errors.
	leftOut []netip.Prefix
}

// splitParts validates every top-level field of the schema definition def,
// and every region, on its own.
func splitParts(def, v cue.Value, fromFS func(string) string) parts {
	p := parts{valid: map[string]json.RawMessage{}, complete: true}
	// validJSON validates x and returns it as JSON, or records its errors.
	validJSON := func(x cue.Value) (json.RawMessage, bool) {
		if err := x.Validate(cue.Concrete(true), cue.Final(), cue.All()); err != nil {
			p.diags = append(p.diags, cueDiagnostics(err, fromFS)...)
			return nil, false
		}
		b, err := x.MarshalJSON()
		return b, err == nil
	}
	fields, err := def.Fields(cue.Optional(true))
	if err != nil {
		return parts{}
	}
	// An optional field the topology leaves out (sharding) is no part:
	// LookupPath finds its constraint, which is not concrete.
	written := map[string]bool{}
	if it, err := v.Fields(); err == nil {
		for it.Next() {
			written[it.Selector().Unquoted()] = true
		}
	}
	for fields.Next() {
		name := fields.Selector().Unquoted()
		x := v.LookupPath(cue.MakePath(fields.Selector()))
		if !x.Exists() || fields.IsOptional() && !written[name] {
			continue
		}
		if name != "regions" {
			b, ok := validJSON(x)
			p.complete = p.complete && ok
			p.valid[name] = b
			continue
		}
		it, err := x.Fields()
		if err != nil {
			validJSON(x)
			p.complete = false
			continue
		}
		regions := map[string]json.RawMessage{}
		for it.Next() {
			r := it.Value()
			if b, ok := validJSON(r); ok {
				regions[it.Selector().Unquoted()] = b
				continue
			}
			if s, err := r.LookupPath(cue.ParsePath("cidr")).String(); err == nil {
				if cidr, err := netip.ParsePrefix(s); err == nil {
					p.leftOut = append(p.leftOut, cidr.Masked())
				}
			}
		}
		b, err := json.Marshal(regions)
		p.complete = p.complete && err == nil
		p.valid[name] = b
	}
	return p
}

// check runs the Go checks on the valid parts, so one run reports the
// overlapping CIDRs of two regions along with a bad value in a third.
// Regions with errors are left out, and checks of the whole (region count,
// votes, ids) are skipped. Only errors are returned: warnings wait for a
// topology CUE accepts.
func (p parts) check(v cue.Value, dir string, userFiles map[string]bool) model.Diagnostics {
	if !p.complete {
		return nil
	}
	b, err := json.Marshal(p.valid)
	if err != nil {
		return nil
	}
	var raw rawTopology
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil
	}
	c := &checker{v: v, dir: dir, userFiles: userFiles, partial: true, leftOut: p.leftOut}
	_, ds := c.resolveRaw(raw)
	return ds.Errors()
}

// appendNew appends the diagnostics of more that ds does not hold yet.
func appendNew(ds, more model.Diagnostics) model.Diagnostics {
	seen := map[string]bool{}
	for _, d := range ds {
		seen[d.Path+"\x00"+d.Summary] = true
	}
	for _, d := range more {
		if k := d.Path + "\x00" + d.Summary; !seen[k] {
			seen[k] = true
			ds = append(ds, d)
		}
	}
	return ds
}
