package schema

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"unicode/utf8"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/parser"

	"github.com/topogen/topogen/model"
)

// checkFiles checks what cue/load would otherwise drop or misreport: a
// file without a package clause is silently left out of the package (and
// the region it held vanishes from out/), a file of another package makes
// the directory two packages, and NUL bytes or invalid UTF-8 give errors
// without a field. Every file gets its own diagnostic.
func checkFiles(dir string, files map[string][]byte) model.Diagnostics {
	var diags model.Diagnostics
	pkgs := map[string]string{} // file → package
	names := slices.Sorted(maps.Keys(files))
	for _, n := range names {
		b := files[n]
		file := displayPath(dir, n)
		if i := bytes.IndexByte(b, 0); i >= 0 {
			line, col := lineCol(b, i)
			diags = append(diags, model.Diagnostic{Pos: model.Pos{File: file, Line: line, Col: col}, Summary: "the file holds a NUL byte, so it is not CUE text", Fix: "remove the byte (or the file, if it is not part of the topology)"})
			continue
		}
		if !utf8.Valid(b) {
			i := invalidUTF8(b)
			line, col := lineCol(b, i)
			diags = append(diags, model.Diagnostic{Pos: model.Pos{File: file, Line: line, Col: col}, Summary: "the file is not valid UTF-8", Fix: "save it as UTF-8"})
			continue
		}
		f, err := parser.ParseFile(file, b, parser.PackageClauseOnly)
		if err != nil {
			for _, e := range errors.Errors(err) {
				format, args := e.Msg()
				p := e.Position()
				diags = append(diags, model.Diagnostic{Pos: model.Pos{File: file, Line: p.Line(), Col: p.Column()}, Summary: "syntax error: " + fmt.Sprintf(format, args...), Fix: "fix the CUE syntax"})
			}
			continue
		}
		if f.PackageName() == "" {
			diags = append(diags, model.Diagnostic{Pos: model.Pos{File: file, Line: 1, Col: 1}, Summary: "the file has no package clause, so CUE would leave it out of the topology", Fix: "add the package clause the other files have as its first line, e.g. `package regions`"})
			continue
		}
		pkgs[n] = f.PackageName()
	}
	// The package most files declare (ties: the first by name) is the
	// topology's; a file of another one is an error.
	count := map[string]int{}
	for _, p := range pkgs {
		count[p]++
	}
	var main string
	for _, p := range slices.Sorted(maps.Keys(count)) {
		if main == "" || count[p] > count[main] {
			main = p
		}
	}
	for _, n := range names {
		p, ok := pkgs[n]
		if !ok || p == main {
			continue
		}
		f, _ := parser.ParseFile(n, files[n], parser.PackageClauseOnly)
		pos := model.Pos{File: displayPath(dir, n), Line: 1, Col: 1}
		if f != nil {
			for _, d := range f.Decls {
				if pk, ok := d.(*ast.Package); ok && pk.Name.Pos().IsValid() {
					pos.Line, pos.Col = pk.Name.Pos().Line(), pk.Name.Pos().Column()
				}
			}
		}
		diags = append(diags, model.Diagnostic{Pos: pos, Summary: fmt.Sprintf("the file is package %s, the other files package %s; a topology is one package", p, main), Fix: fmt.Sprintf("write `package %s`, or move the file out of the topology directory", main)})
	}
	return diags
}

// lineCol is the 1-based line and column (in bytes) of offset i.
func lineCol(b []byte, i int) (int, int) {
	return bytes.Count(b[:i], []byte("\n")) + 1, i - bytes.LastIndexByte(b[:i], '\n')
}

func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return 0
}
