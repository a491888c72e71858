package terraform

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/topogen/topogen/generators"
)

// The HCL writer every file of the target uses: hclwrite files and bodies
// with the module-wide uniqueness checks, references, literals and
// comments.

// header opens every file.
const header = generators.Notice

// file is one .tf file under construction. Errors (internal bugs such as a
// malformed reference) are kept and reported once by Generate.
type file struct {
	name  string
	f     *hclwrite.File
	root  *hclwrite.Body
	seen  map[string]string
	err   error
	empty bool
}

func newFile(name string, seen map[string]string) *file {
	f := &file{name: name, f: hclwrite.NewEmptyFile(), seen: seen, empty: true}
	f.root = f.f.Body()
	f.comment(header)
	f.root.AppendNewline()
	return f
}

func (f *file) fail(format string, args ...any) {
	if f.err == nil {
		f.err = fmt.Errorf(format, args...)
	}
}

// comment appends comment lines at the top level, before the next block.
func (f *file) comment(lines ...string) {
	if !f.empty {
		f.root.AppendNewline()
		f.empty = true
	}
	f.root.AppendUnstructuredTokens(commentTokens(lines...))
}

func commentTokens(lines ...string) hclwrite.Tokens {
	var toks hclwrite.Tokens
	text := generators.CommentLines(lines...)
	for len(text) > 0 {
		line, rest, _ := strings.Cut(text, "\n")
		toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenComment, Bytes: []byte(line + "\n")})
		text = rest
	}
	return toks
}

// block appends a top-level block, separated from the previous one by a
// blank line. Resources, data sources, outputs and variables must be unique
// across the module.
func (f *file) block(typ string, labels ...string) body {
	if typ == "resource" || typ == "data" || typ == "ephemeral" || typ == "output" || typ == "variable" {
		key := typ + " " + strings.Join(labels, ".")
		if prev, dup := f.seen[key]; dup {
			f.fail("%s defined twice (also in %s): two names map to one identifier", key, prev)
		}
		f.seen[key] = f.name
		for _, l := range labels {
			if n, rest, ok := asciiName(l); !(ok && n == l && rest == "") && !hclsyntax.ValidIdentifier(l) {
				f.fail("%s: %q is not a valid identifier", key, l)
			}
		}
	}
	if f.empty {
		f.empty = false
	} else {
		f.root.AppendNewline()
	}
	return newBody(f.root.AppendNewBlock(typ, labels).Body(), f)
}

// resource and data are the common blocks; provider is the aws alias the
// block uses: there is no default provider, so every block names one.
func (f *file) resource(typ, name, provider string) body {
	b := f.block("resource", typ, name)
	b.provider(provider)
	return b
}

func (f *file) data(typ, name, provider string) body {
	b := f.block("data", typ, name)
	b.provider(provider)
	return b
}

// body wraps a block body with typed setters. Layout follows the Terraform
// style guide: the provider meta-argument first, then arguments, nested
// blocks, and depends_on last, each group set apart by a blank line.
type body struct {
	b *hclwrite.Body
	f *file
	// blank: a blank line goes before the next attribute or block.
	blank *bool
}

func newBody(b *hclwrite.Body, f *file) body { return body{b: b, f: f, blank: new(bool)} }

// sep emits the pending blank line.
func (b body) sep() {
	if *b.blank {
		b.b.AppendNewline()
		*b.blank = false
	}
}

func (b body) str(name, v string)          { b.val(name, cty.StringVal(v)) }
func (b body) num(name string, v int)      { b.val(name, cty.NumberIntVal(int64(v))) }
func (b body) boolean(name string, v bool) { b.val(name, cty.BoolVal(v)) }
func (b body) val(name string, v cty.Value) {
	b.sep()
	b.b.SetAttributeValue(name, v)
}
func (b body) raw(name string, toks hclwrite.Tokens) {
	b.sep()
	b.b.SetAttributeRaw(name, toks)
}

// ref sets an attribute to a reference such as "aws_vpc.us.id".
func (b body) ref(name, expr string) { b.raw(name, b.f.tr(expr)) }

// refs sets an attribute to a tuple of references.
func (b body) refs(name string, exprs ...string) {
	elems := make([]hclwrite.Tokens, len(exprs))
	for i, e := range exprs {
		elems[i] = b.f.tr(e)
	}
	b.raw(name, tupleOf(elems...))
}

func (b body) strs(name string, vs ...string) { b.val(name, strList(vs...)) }

func (b body) provider(alias string) {
	b.ref("provider", "aws."+alias)
	*b.blank = true
}

func (b body) dependsOn(exprs ...string) {
	*b.blank = true
	b.refs("depends_on", exprs...)
}

func (b body) tags(kv ...string) { b.val("tags", strMap(kv...)) }

// tfsecIgnore tells tfsec that the next attribute or block is knowingly
// flagged by rule, with the reason on the line before (tfsec's inline
// "tfsec:ignore:<rule>" comments). The README lists every rule ignored.
func (b body) tfsecIgnore(rule, reason string) {
	b.sep()
	b.b.AppendUnstructuredTokens(commentTokens(reason))
	b.b.AppendUnstructuredTokens(hclwrite.Tokens{{Type: hclsyntax.TokenComment, Bytes: []byte("#tfsec:ignore:" + rule + "\n")}})
}

// block appends a nested block, set apart from what precedes and follows.
func (b body) block(typ string, labels ...string) body {
	if len(b.b.Attributes()) > 0 || len(b.b.Blocks()) > 0 {
		*b.blank = true
	}
	b.sep()
	nb := newBody(b.b.AppendNewBlock(typ, labels).Body(), b.f)
	*b.blank = true
	return nb
}

// tr turns a reference written in HCL syntax into tokens. The references
// generators write are dotted names with [N] indexes, tokenized directly;
// anything else goes through the HCL parser, so a typo is an error here
// rather than in `terraform validate`.
func (f *file) tr(expr string) hclwrite.Tokens {
	if toks, ok := simpleTraversal(expr); ok {
		return toks
	}
	trav, diags := hclsyntax.ParseTraversalAbs([]byte(expr), f.name, hcl.InitialPos)
	if diags.HasErrors() {
		f.fail("internal error: bad reference %q: %s", expr, diags.Error())
		return hclwrite.TokensForValue(cty.NullVal(cty.DynamicPseudoType))
	}
	return hclwrite.TokensForTraversal(trav)
}

// asciiName splits s into a leading ASCII identifier and the rest; ok is
// false when s does not start with one.
func asciiName(s string) (name, rest string, ok bool) {
	i := 0
	for i < len(s) && (s[i] == '_' || s[i] == '-' || 'a' <= s[i] && s[i] <= 'z' || 'A' <= s[i] && s[i] <= 'Z' || '0' <= s[i] && s[i] <= '9') {
		i++
	}
	if i == 0 || s[0] == '-' || '0' <= s[0] && s[0] <= '9' {
		return "", s, false
	}
	return s[:i], s[i:], true
}

// simpleTraversal tokenizes name(.name|[digits])* with ASCII identifiers,
// the same tokens hclwrite.TokensForTraversal gives for the parsed form.
func simpleTraversal(expr string) (hclwrite.Tokens, bool) {
	var toks hclwrite.Tokens
	tok := func(t hclsyntax.TokenType, b string) {
		toks = append(toks, &hclwrite.Token{Type: t, Bytes: []byte(b)})
	}
	n, rest, ok := asciiName(expr)
	if !ok {
		return nil, false
	}
	tok(hclsyntax.TokenIdent, n)
	for rest != "" {
		switch rest[0] {
		case '.':
			if n, rest, ok = asciiName(rest[1:]); !ok {
				return nil, false
			}
			tok(hclsyntax.TokenDot, ".")
			tok(hclsyntax.TokenIdent, n)
		case '[':
			end := strings.IndexByte(rest, ']')
			if end < 2 || strings.Trim(rest[1:end], "0123456789") != "" || len(rest[1:end]) > 1 && rest[1] == '0' {
				return nil, false
			}
			tok(hclsyntax.TokenOBrack, "[")
			tok(hclsyntax.TokenNumberLit, rest[1:end])
			tok(hclsyntax.TokenCBrack, "]")
			rest = rest[end+1:]
		default:
			return nil, false
		}
	}
	return toks, true
}

// call is a function call expression.
func call(name string, args ...hclwrite.Tokens) hclwrite.Tokens {
	return hclwrite.TokensForFunctionCall(name, args...)
}

func lit(s string) hclwrite.Tokens { return hclwrite.TokensForValue(cty.StringVal(s)) }

// template renders a quoted template: string parts are literal text,
// hclwrite.Tokens parts are interpolated expressions.
func template(parts ...any) hclwrite.Tokens {
	toks := hclwrite.Tokens{{Type: hclsyntax.TokenOQuote, Bytes: []byte(`"`)}}
	for _, p := range parts {
		switch p := p.(type) {
		case string:
			// TokensForValue quotes and escapes; keep the inside.
			q := hclwrite.TokensForValue(cty.StringVal(p))
			toks = append(toks, q[1:len(q)-1]...)
		case hclwrite.Tokens:
			toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenTemplateInterp, Bytes: []byte("${")})
			toks = append(toks, p...)
			toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenTemplateSeqEnd, Bytes: []byte("}")})
		}
	}
	return append(toks, &hclwrite.Token{Type: hclsyntax.TokenCQuote, Bytes: []byte(`"`)})
}

func strList(vs ...string) cty.Value {
	if len(vs) == 0 {
		return cty.ListValEmpty(cty.String)
	}
	l := make([]cty.Value, len(vs))
	for i, v := range vs {
		l[i] = cty.StringVal(v)
	}
	return cty.TupleVal(l)
}

// strMap is an object of string values from key, value pairs (hclwrite
// prints keys sorted).
func strMap(kv ...string) cty.Value {
	m := map[string]cty.Value{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = cty.StringVal(kv[i+1])
	}
	return cty.ObjectVal(m)
}
