package replset

import "text/template"

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

// scriptHelpers defines the template "helpers" (jsHelpers) on t, for
// {{template "helpers"}} in a script template.
func scriptHelpers(t *template.Template) *template.Template {
	template.Must(t.New("helpers").Parse(jsHelpers))
	return t
}
