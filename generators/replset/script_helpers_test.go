package replset

import (
	"strings"
	"testing"

	"github.com/topogen/topogen/internal/mongoshtest"
	"github.com/topogen/topogen/internal/mongostub"
)

// TestURIOptionsInMongosh runs the scripts' uriOptions helper in the real
// mongosh. With the init Job's TOPOGEN_URI_OPTIONS (kubernetes initjob.go:
// tls and the CA file, no timeout) each script's connection string is the
// one it built before the helper existed, character for character (the
// old literals are written out below); an option TOPOGEN_URI_OPTIONS names
// replaces the script's default of that name, whatever its case, as the
// driver's option names are case-insensitive (mongodb 7.9.1
// lib/connection_string.js: CaseInsensitiveMap).
func TestURIOptionsInMongosh(t *testing.T) {
	findOnce.Do(func() { mongoshtest.Find(t) })
	parallel(t)
	const job = "tls=true&tlsCAFile=/etc/mongodb/tls/ca.crt"
	cases := []struct{ defaults, options, want string }{
		// init-replset.js, with and without credentials.
		{"serverSelectionTimeoutMS=5000&connectTimeoutMS=5000&socketTimeoutMS=10000", job,
			"serverSelectionTimeoutMS=5000&connectTimeoutMS=5000&socketTimeoutMS=10000&" + job},
		{"serverSelectionTimeoutMS=5000&connectTimeoutMS=5000&socketTimeoutMS=10000&authSource=admin", job,
			"serverSelectionTimeoutMS=5000&connectTimeoutMS=5000&socketTimeoutMS=10000&authSource=admin&" + job},
		// init-sharding.js.
		{"serverSelectionTimeoutMS=5000&connectTimeoutMS=5000&authSource=admin", job,
			"serverSelectionTimeoutMS=5000&connectTimeoutMS=5000&authSource=admin&" + job},
		// ensure-users.js, with and without credentials.
		{"serverSelectionTimeoutMS=120000", job, "serverSelectionTimeoutMS=120000&" + job},
		{"serverSelectionTimeoutMS=120000&authSource=admin", job, "serverSelectionTimeoutMS=120000&authSource=admin&" + job},
		// Replaced, any case.
		{"serverSelectionTimeoutMS=5000&connectTimeoutMS=5000&socketTimeoutMS=10000", "tls=false&serverselectiontimeoutms=1000&connectTimeoutMS=1000",
			"socketTimeoutMS=10000&tls=false&serverselectiontimeoutms=1000&connectTimeoutMS=1000"},
	}
	var script strings.Builder
	script.WriteString(jsURIOptions)
	var want strings.Builder
	for _, c := range cases {
		script.WriteString("print(uriOptions(" + jsString(c.defaults) + ", " + jsString(c.options) + "));\n")
		want.WriteString(c.want + "\n")
	}
	res := mongoshtest.Run(t, mongostub.New(t, nil), nil, "--nodb", "--quiet", "--eval", script.String())
	if res.Exit != 0 || res.Stdout != want.String() {
		t.Errorf("exit %d, stdout:\n%s\nwant:\n%s\nstderr:\n%s", res.Exit, res.Stdout, want.String(), res.Stderr)
	}
}

func jsString(s string) string { return `"` + s + `"` }
