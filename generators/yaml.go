package generators

import (
	"encoding/json"
	"math"

	yamlv2 "go.yaml.in/yaml/v2"
)

// YAML renders v as sigs.k8s.io/yaml.Marshal does (and so kustomize's
// Resource.AsYAML, which ends in its JSONToYAML): JSON field names and
// omitempty from the json tags, keys sorted by yaml.v2. That path parses
// the JSON text again with yaml.v2, a YAML parser, only to learn which
// numbers are integers; decoding the JSON with encoding/json and giving
// integral numbers back their int type (JSONValues) yields the same value
// for yaml.v2 to marshal, without the parse. The golden trees hold the
// bytes.
func YAML(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var x any
	if err := json.Unmarshal(b, &x); err != nil {
		return nil, err
	}
	return yamlv2.Marshal(JSONValues(x))
}

// JSONValues gives decoded JSON values the types a YAML parse of the JSON
// text would: a number with an integral value becomes an int (JSON does
// not tell 2.0 from 2, and yaml.v2 reads 2 as an int). It changes maps and
// slices in place.
func JSONValues(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = JSONValues(e)
		}
	case []any:
		for i, e := range x {
			x[i] = JSONValues(e)
		}
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int(x)
		}
	}
	return v
}
