package kubernetes

import (
	"math"

	yamlv2 "go.yaml.in/yaml/v2"
	"sigs.k8s.io/kustomize/api/resource"
)

// objectYAML renders a built object exactly as `kustomize build` (and so
// `kubectl kustomize`) prints it: Resource.AsYAML, which encodes the node as
// YAML, parses that into a map, marshals the map to JSON and converts the
// JSON with sigs.k8s.io/yaml.JSONToYAML (keys sorted by yaml.v2). Those
// round trips are most of a build's time. Decoding the node into the same
// map directly and marshalling it with yaml.v2 gives the same bytes (the
// golden trees and the kustomize rebuild test hold it to that).
func objectYAML(res *resource.Resource) ([]byte, error) {
	m := map[string]any{}
	if err := res.YNode().Decode(&m); err != nil {
		return nil, err
	}
	return yamlv2.Marshal(jsonValues(m))
}

// jsonValues gives values the types a JSON round trip would: a float with
// an integral value becomes an int, as JSON does not tell 2.0 from 2.
func jsonValues(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = jsonValues(e)
		}
	case []any:
		for i, e := range x {
			x[i] = jsonValues(e)
		}
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int(x)
		}
	}
	return v
}
