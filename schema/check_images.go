package schema

import (
	"regexp"
	"strings"

	"github.com/topogen/topogen/model"
)

// patchTag: a tag naming a patch release ("7.0.40", "v0.53.0",
// "7.0.28-15", "7.0.40-jammy"), not a release line ("7.0") or "latest".
var patchTag = regexp.MustCompile(`^v?[0-9]+\.[0-9]+\.[0-9]+([-.][0-9A-Za-z.-]+)?$`)

// checkImages warns about an image that is neither a patch release nor a
// digest: a floating tag ("mongo:7.0", "latest") gives a node pulling it
// later another mongod than the one reviewed, and pods of one StatefulSet
// can run different builds.
func (c *checker) checkImages(t *model.Topology) {
	for _, img := range []struct {
		path []string
		ref  string
	}{
		{[]string{"mongodb", "image"}, t.MongoDB.Image},
		{[]string{"mongodb", "exporterImage"}, t.MongoDB.ExporterImage},
		{[]string{"backup", "image"}, t.Backup.Image},
	} {
		if img.ref == "" || PinnedImage(img.ref) {
			continue
		}
		c.warnf(img.path, `name a patch release ("mongo:7.0.40"), or add its digest`,
			"image %q is not pinned to a patch release or a digest: nodes pulling it later may run another build", img.ref)
	}
}

// PinnedImage reports whether an image reference names a patch release or a
// digest.
func PinnedImage(ref string) bool {
	if strings.Contains(ref, "@sha256:") {
		return true
	}
	i := strings.LastIndex(ref, ":")
	if i < 0 || strings.Contains(ref[i:], "/") {
		return false // no tag: latest
	}
	return patchTag.MatchString(ref[i+1:])
}
