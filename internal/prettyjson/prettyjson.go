// Package prettyjson renders the JSON files and reports topogen writes:
// two-space indentation, a final newline, and no HTML escaping, so the
// "<", ">", "&" and "→" of PromQL, diffs and summaries stay readable.
package prettyjson

import (
	"bytes"
	"encoding/json"
)

// Marshal renders v.
func Marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
