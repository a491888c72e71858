package mongostub

import (
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// sameValue compares two BSON values by their canonical Extended JSON.
func sameValue(a, b any) bool {
	ja, errA := bson.MarshalExtJSON(bson.D{{Key: "v", Value: a}}, true, false)
	jb, errB := bson.MarshalExtJSON(bson.D{{Key: "v", Value: b}}, true, false)
	return errA == nil && errB == nil && string(ja) == string(jb)
}

// compareDocs orders two range bounds field by field.
func compareDocs(a, b bson.D) int {
	for i := range min(len(a), len(b)) {
		if c := compareValues(a[i].Value, b[i].Value); c != 0 {
			return c
		}
	}
	return len(a) - len(b)
}

// compareValues orders the values a zone range bound holds by BSON's
// comparison order (MongoDB manual, "Comparison/Sort Order": MinKey,
// numbers, strings, ..., MaxKey).
func compareValues(a, b any) int {
	rank := func(v any) int {
		switch v.(type) {
		case bson.MinKey:
			return 0
		case int32, int64, float64:
			return 1
		case string:
			return 2
		case bson.MaxKey:
			return 9
		}
		return 5
	}
	ra, rb := rank(a), rank(b)
	if ra != rb {
		return ra - rb
	}
	switch av := a.(type) {
	case string:
		return strings.Compare(av, b.(string))
	case int32, int64, float64:
		fa, fb := number(a), number(b)
		switch {
		case fa < fb:
			return -1
		case fa > fb:
			return 1
		}
	}
	return 0
}

func number(v any) float64 {
	switch n := v.(type) {
	case int32:
		return float64(n)
	case int64:
		return float64(n)
	case float64:
		return n
	}
	return 0
}
