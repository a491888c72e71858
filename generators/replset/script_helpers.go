package replset

import (
	"bytes"
	"encoding/json"
	"text/template"

	"github.com/topogen/topogen/generators"
)

// jsHelpers are the functions every generated mongosh script starts with:
// log with topogen's prefix, fail (log, exit 1), and describe, which tells
// a server error (code, codeName) from any other: mongosh throws on
// ok: 0 replies, so scripts match on err.code, never on a returned ok.
const jsHelpers = `function log(msg) {
  print("topogen: " + msg);
}

function fail(msg) {
  log(msg);
  quit(1);
}

function describe(e) {
  return e.code === undefined ? String(e.message) : e.codeName + " (" + e.code + "): " + e.message;
}
`

// jsCredentials sets auth, the userinfo part of the scripts' connection
// strings, from the files username and password in
// TOPOGEN_CREDENTIALS_DIR (the mounted admin Secret); "" without it.
// readCredential, one file of a mounted Secret or fail naming it, also
// reads the users script's users. It uses the helpers' fail and a
// const env = process.env.
const jsCredentials = `// Credentials come from files, never from the command line (/proc/<pid>/cmdline
// is world-readable).
function readCredential(dir, f) {
  try {
    return require("fs").readFileSync(dir + "/" + f, "utf8").trim();
  } catch (e) {
    fail("cannot read " + dir + "/" + f + ": " + e.message);
  }
}
const credentialsDir = env.TOPOGEN_CREDENTIALS_DIR;
const auth = credentialsDir
  ? encodeURIComponent(readCredential(credentialsDir, "username")) + ":" + encodeURIComponent(readCredential(credentialsDir, "password")) + "@"
  : "";
`

// jsConnectionString builds every connection string of a script:
// mongodbURI(hosts, query) is "mongodb://" auth hosts "/admin?" query,
// then the script's TIMEOUTS and, with credentials, authSource=admin (the
// users live in admin), less the options TOPOGEN_URI_OPTIONS names, then
// TOPOGEN_URI_OPTIONS (OPTIONS, default "tls=true"). Written once so that
// no script assembles the authSource or the options its own way. It uses
// the credentials' auth, a const env = process.env and the script's
// TIMEOUTS ("k=v&k=v").
//
// uriOptions joins the defaults with the options, an option named in both
// taking the latter's value. Appending could never replace a default: the
// driver (mongodb 7.9.1, the pinned mongosh's, lib/connection_string.js
// parseOptions) refuses a name spelled twice the same way ('URI option
// "..." cannot appear more than once in the connection string') and,
// option names being case-insensitive (its CaseInsensitiveMap), keeps the
// first spelling of a name in another case and drops the later one
// silently. With no name in common the result is the defaults, "&", the
// options. TestScriptConnectionsInMongosh checks each script's
// connections.
const jsConnectionString = `// uriOptions: the defaults ("k=v&k=v") whose names options does not set,
// then options (option names are case-insensitive).
function uriOptions(defaults, options) {
  const name = (o) => o.split("=")[0].toLowerCase();
  const given = options.split("&").map(name);
  return defaults.split("&").filter((o) => !given.includes(name(o))).concat(options).join("&");
}
const OPTIONS = env.TOPOGEN_URI_OPTIONS || "tls=true";
// mongodbURI: a connection string to hosts ("host:port,..."), database
// admin, query ("k=v&" or ""), then TIMEOUTS and, with credentials,
// authSource=admin, except what OPTIONS names, then OPTIONS.
function mongodbURI(hosts, query) {
  return "mongodb://" + auth + hosts + "/admin?" + query +
    uriOptions(TIMEOUTS + (auth ? "&authSource=admin" : ""), OPTIONS);
}
`

// scriptHelpers defines the templates "notice" (the first line of every
// script: generators.Notice as a comment), "helpers" (jsHelpers),
// "credentials" (jsCredentials) and "connectionString"
// (jsConnectionString, after "credentials") on t, for {{template
// "helpers"}} and the others in a script template.
func scriptHelpers(t *template.Template) *template.Template {
	template.Must(t.New("notice").Parse("// " + generators.Notice))
	template.Must(t.New("helpers").Parse(jsHelpers))
	template.Must(t.New("credentials").Parse(jsCredentials))
	template.Must(t.New("connectionString").Parse(jsConnectionString))
	return t
}

// renderScript executes a script template. Its data are the generator's
// own, so an error is a bug in the template.
func renderScript(t *template.Template, data any) []byte {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// scriptJSON renders v as a literal of a script: JSON (encoding/json,
// whose escaping of "<", ">" and "&" is valid JavaScript), on one line or,
// with indent, indented by two spaces. Its values are the generator's own
// types, which always marshal.
func scriptJSON(v any, indent bool) string {
	var b []byte
	var err error
	if indent {
		b, err = json.MarshalIndent(v, "", "  ")
	} else {
		b, err = json.Marshal(v)
	}
	if err != nil {
		panic(err)
	}
	return string(b)
}
