package kubernetes

import (
	yamlv2 "go.yaml.in/yaml/v2"
	"sigs.k8s.io/kustomize/api/resource"

	"github.com/topogen/topogen/generators"
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
	return yamlv2.Marshal(generators.JSONValues(m))
}
