package generators

import "strings"

// The text every target's files share: the comment block and the
// kustomization.yaml listing a directory's objects.

// CommentLines renders lines as "#" comment lines, the comment syntax of
// YAML, HCL and shell: "# text", or "#" alone for an empty line; a line
// holding newlines becomes several.
func CommentLines(lines ...string) string {
	var b strings.Builder
	for _, l := range lines {
		for _, ll := range strings.Split(l, "\n") {
			if ll == "" {
				b.WriteString("#\n")
				continue
			}
			b.WriteString("# " + ll + "\n")
		}
	}
	return b.String()
}

// KustomizationFile is the file kustomize (and `kubectl apply -k`) reads in
// a directory.
const KustomizationFile = "kustomization.yaml"

// Kustomization renders a KustomizationFile listing resources in order,
// headed by YAMLHeader. legacyOrder asks kustomize to emit objects in its
// legacy kind order (sortOptions.order: legacy), so `kubectl kustomize`
// reproduces a tree written in that order.
func Kustomization(resources []string, legacyOrder bool) []byte {
	var b strings.Builder
	b.WriteString(YAMLHeader)
	b.WriteString("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n")
	if legacyOrder {
		b.WriteString("sortOptions:\n  order: legacy\n")
	}
	b.WriteString("resources:\n")
	for _, r := range resources {
		b.WriteString("- " + r + "\n")
	}
	return []byte(b.String())
}
