package schema

import (
	"maps"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// isLabelKey: a Kubernetes label key is a qualified name, an optional
// DNS-subdomain prefix and "/", then a name of at most 63 characters; the
// API server's own check (k8s.io/apimachinery validation.IsQualifiedName).
func isLabelKey(k string) bool { return len(validation.IsQualifiedName(k)) == 0 }

// checkSelectorLabels: keys must be label keys, and not topogen's own
// (set on every object, so a selector label could not change them).
func (c *checker) checkSelectorLabels(labels map[string]string) {
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		path := []string{"monitoring", "selectorLabels", k}
		switch {
		case !isLabelKey(k):
			c.errorf(path, `write a label key such as "release" or "example.com/team"`, "%q is not a Kubernetes label key", k)
		case strings.HasPrefix(k, "app.kubernetes.io/") || strings.HasPrefix(k, "topogen.io/"):
			c.errorf(path, "use another key; topogen sets app.kubernetes.io/* and topogen.io/* labels itself", "label key %q is topogen's own", k)
		}
	}
}
