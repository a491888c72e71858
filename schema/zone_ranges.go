package schema

// Zone ranges: the sharding block's zone values and ranges, checked for
// emptiness and overlap, and turned into the updateZoneKeyRange bounds that
// cover the whole key space.

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/topogen/topogen/model"
)

// claim is one zone's range of the location field: [lo, hi) on the whole
// key, where the fields after the location are MinKey in lo and MinKey (a
// range) or MaxKey (a value) in hi.
type claim struct {
	zone string
	// path of the value or range, for diagnostics.
	path []string
	// lo and hi on the location field; hiMax: the rest of hi is MaxKey.
	lo, hi string
	hiMax  bool
	what   string
}

// compare orders claim bounds: (loc, rest) with rest MinKey < MaxKey.
func cmpBound(aLoc string, aMax bool, bLoc string, bMax bool) int {
	if c := strings.Compare(aLoc, bLoc); c != 0 {
		return c
	}
	switch {
	case aMax == bMax:
		return 0
	case aMax:
		return 1
	}
	return -1
}

// zoneClaims collects every non-default zone's values and ranges, sorted,
// and reports empty and overlapping ones: "a range can only be associated
// with one zone", and new bounds "cannot overlap with an existing range"
// (sh.updateZoneKeyRange, Behavior). Strings compare by their bytes, as
// BSON strings under the simple collation the shard key uses.
func (c *checker) zoneClaims(raw rawTopology) ([]claim, bool) {
	var cs []claim
	ok := true
	for _, zn := range slices.Sorted(maps.Keys(raw.Sharding.Zones)) {
		z := raw.Sharding.Zones[zn]
		if z.Default {
			continue
		}
		for i, v := range z.Values {
			cs = append(cs, claim{zone: zn, path: []string{"sharding", "zones", zn, "values", strconv.Itoa(i)}, lo: v, hi: v, hiMax: true, what: strconv.Quote(v)})
		}
		for i, r := range z.Ranges {
			p := []string{"sharding", "zones", zn, "ranges", strconv.Itoa(i)}
			if r.Min >= r.Max {
				c.errorf(p, "give min < max (min inclusive, max exclusive), e.g. {min: \"DE\", max: \"DF\"}",
					"range [%q, %q) of zone %q is empty", r.Min, r.Max, zn)
				ok = false
				continue
			}
			cs = append(cs, claim{zone: zn, path: p, lo: r.Min, hi: r.Max, what: fmt.Sprintf("[%q, %q)", r.Min, r.Max)})
		}
	}
	slices.SortStableFunc(cs, func(a, b claim) int { return cmpBound(a.lo, false, b.lo, false) })
	// Compare each claim with the one reaching furthest so far: a wide
	// range overlaps every value it spans, not only the next.
	for i, reach := 1, 0; i < len(cs); i++ {
		prev, cur := cs[reach], cs[i]
		if cmpBound(cur.hi, cur.hiMax, prev.hi, prev.hiMax) > 0 {
			reach = i
		}
		if cmpBound(cur.lo, false, prev.hi, prev.hiMax) < 0 {
			later, earlier := cur, prev
			if slices.Compare(cur.path, prev.path) < 0 {
				later, earlier = prev, cur
			}
			c.errorf(later.path, "give each location value to one zone only",
				"%s of zone %q overlaps %s of zone %q (%s): a key range belongs to one zone", later.what, later.zone, earlier.what, earlier.zone, c.pos(earlier.path...))
			ok = false
		}
	}
	return cs, ok
}

// zoneRanges turns the sorted claims into the sh.updateZoneKeyRange calls
// of a key of n fields: each claim, and for the default zone every gap
// between them from {MinKey, ...} to {MaxKey, ...}. Bounds after the
// location field are MinKey or MaxKey: a value v is [{v, MinKey}, {v,
// MaxKey}), as MongoDB's "segmenting data by location" tutorial writes
// it; a hashed field accepts only NumberLong, MinKey or MaxKey in a zone
// range (SERVER-44865). Documents without the location field sort as null,
// below every string: the default zone's first range holds them.
func zoneRanges(cs []claim, def string, n int) []model.ZoneRange {
	bound := func(loc model.KeyBound, rest string) []model.KeyBound {
		b := []model.KeyBound{loc}
		for range n - 1 {
			b = append(b, model.KeyBound{Special: rest})
		}
		return b
	}
	val := func(v string) model.KeyBound { return model.KeyBound{Value: v} }
	restOf := func(max bool) string {
		if max {
			return model.MaxKey
		}
		return model.MinKey
	}
	var out []model.ZoneRange
	cursor := bound(model.KeyBound{Special: model.MinKey}, model.MinKey)
	for _, cl := range cs {
		lo := bound(val(cl.lo), model.MinKey)
		if def != "" && slices.Compare(keyOrder(cursor), keyOrder(lo)) < 0 {
			out = append(out, model.ZoneRange{Zone: def, Min: cursor, Max: lo})
		}
		hi := bound(val(cl.hi), restOf(cl.hiMax))
		out = append(out, model.ZoneRange{Zone: cl.zone, Min: lo, Max: hi})
		cursor = hi
	}
	end := bound(model.KeyBound{Special: model.MaxKey}, model.MaxKey)
	if def != "" && slices.Compare(keyOrder(cursor), keyOrder(end)) < 0 {
		out = append(out, model.ZoneRange{Zone: def, Min: cursor, Max: end})
	}
	return out
}

// keyOrder makes a bound comparable with slices.Compare: MinKey, then
// values, then MaxKey ("Comparison/Sort Order" of BSON types).
func keyOrder(b []model.KeyBound) []string {
	out := make([]string, len(b))
	for i, k := range b {
		switch k.Special {
		case model.MinKey:
			out[i] = "0"
		case model.MaxKey:
			out[i] = "2"
		default:
			out[i] = "1" + k.Value
		}
	}
	return out
}
