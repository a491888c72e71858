package schema_test

import (
	"bytes"
	"testing"

	"github.com/topogen/topogen/internal/testtopo"
	"github.com/topogen/topogen/schema"
)

// TestMongoImagePinned: the default mongod image is a patch release of the
// release line (7.0.40 and 8.0.29, the pins in topology.cue), the version's
// own patch when it names one, and carries the digest when one is given.
func TestMongoImagePinned(t *testing.T) {
	for _, c := range []struct{ version, extra, want string }{
		{"7.0", ``, "mongo:7.0.40"},
		{"8.0", ``, "mongo:8.0.29"},
		{"7.0.12", ``, "mongo:7.0.12"},
		{"7.0", `mongodb: imageDigest: "sha256:` + sha + `"`, "mongo:7.0.40@sha256:" + sha},
		{"7.0", `mongodb: image: "registry.example/mongo:7.0.40"`, "registry.example/mongo:7.0.40"},
	} {
		files := testtopo.ReadDir(t, "../regions")
		files["global.cue"] = bytes.Replace(files["global.cue"], []byte(`mongodb: version: "7.0"`), []byte(`mongodb: version: "`+c.version+`"`), 1)
		files["zz_image.cue"] = []byte("package regions\n\n" + c.extra + "\n")
		topo := testtopo.LoadFiles(t, "../regions", files)
		if topo.MongoDB.Image != c.want {
			t.Errorf("%q: image %q, want %q", c.version+" "+c.extra, topo.MongoDB.Image, c.want)
		}
	}
}

const sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func TestPinnedImage(t *testing.T) {
	for ref, want := range map[string]bool{
		"mongo:7.0.40": true, "mongo:7.0": false, "mongo": false, "mongo:latest": false,
		"percona/mongodb_exporter:0.53.0": true, "registry:5000/mongo": false, "registry:5000/mongo:7.0.40": true,
		"mongo:7.0@sha256:" + sha: true, "percona/percona-server-mongodb:7.0.28-15": true,
	} {
		if got := schema.PinnedImage(ref); got != want {
			t.Errorf("%s: pinned %v, want %v", ref, got, want)
		}
	}
}
