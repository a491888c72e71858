package schema

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing/fstest"

	"cuelang.org/go/cue"
	cuebuild "cuelang.org/go/cue/build"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/load"

	"github.com/topogen/topogen/model"
)

// schemaFiles is the topology language, compiled into the binary so that a
// topology directory needs nothing but its own files.
//
//go:embed *.cue
var schemaFiles embed.FS

// moduleFile mirrors cue.mod/module.cue at the repository root.
const moduleFile = `module: "github.com/topogen/topogen@v0"
language: version: "v0.17.0"
`

// Virtual layout the loader builds: the module root holds the schema
// package and the user's topology package side by side.
// schemaImportPath is the schema package as topologies import it.
const schemaImportPath = "github.com/topogen/topogen/schema"

const (
	virtSchemaDir   = "schema"
	virtTopologyDir = "topology"
)

// Load reads the topology package in dir (its *.cue files, not
// subdirectories), validates it and resolves the model. Diagnostics hold
// every problem found, errors and warnings; the topology is nil when any is
// an error.
func Load(dir string) (*model.Topology, model.Diagnostics) {
	files, diags := ReadFiles(dir)
	if diags.HasErrors() {
		return nil, diags
	}
	t, diags := LoadFiles(dir, files)
	if t == nil {
		return t, diags
	}
	patches, pdiags := loadPatches(dir, t)
	if pdiags.HasErrors() {
		return nil, append(diags, pdiags...).Sort()
	}
	t.Patches = patches
	return t, diags
}

// ReadFiles reads the topology package's files in dir (its *.cue files,
// not subdirectories), keyed by base name, for LoadFiles.
func ReadFiles(dir string) (map[string][]byte, model.Diagnostics) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, model.Diagnostics{{
			Pos:     model.Pos{File: filepath.ToSlash(dir)},
			Summary: "cannot read topology directory: " + unwrapPathError(err),
			Fix:     "pass the directory holding the topology's .cue files with -t, or create one with `topogen init DIR`",
		}}
	}
	files := map[string][]byte{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".cue") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, model.Diagnostics{{Pos: model.Pos{File: displayPath(dir, e.Name())}, Summary: "cannot read file: " + unwrapPathError(err)}}
		}
		files[e.Name()] = b
	}
	return files, nil
}

// LoadFiles is Load over in-memory files, keyed by base name; dir is only
// used to name files in diagnostics.
func LoadFiles(dir string, files map[string][]byte) (*model.Topology, model.Diagnostics) {
	if len(files) == 0 {
		return nil, model.Diagnostics{{
			Pos:     model.Pos{File: filepath.ToSlash(dir)},
			Summary: "no .cue files found",
			Fix:     "point -t at a topology directory, or create one with `topogen init DIR`",
		}}
	}
	if diags := checkFiles(dir, files); diags.HasErrors() {
		return nil, diags.Sort()
	}
	v, diags := build(dir, files)
	if diags.HasErrors() {
		return nil, diags.Sort()
	}
	return resolve(v, dir, userFileSet(dir, files))
}

// build loads the package, unifies it with #Topology and checks it is
// concrete. Every CUE error becomes a Diagnostic.
func build(dir string, files map[string][]byte) (cue.Value, model.Diagnostics) {
	mfs := fstest.MapFS{
		"cue.mod/module.cue": {Data: []byte(moduleFile)},
	}
	schemaNames, _ := fs.Glob(schemaFiles, "*.cue")
	for _, n := range schemaNames {
		b, _ := schemaFiles.ReadFile(n)
		mfs[path.Join(virtSchemaDir, n)] = &fstest.MapFile{Data: b}
	}
	for n, b := range files {
		mfs[path.Join(virtTopologyDir, n)] = &fstest.MapFile{Data: b}
	}
	fromFS := func(p string) string {
		p = strings.TrimPrefix(p, "/")
		if rest, ok := strings.CutPrefix(p, virtTopologyDir+"/"); ok {
			return displayPath(dir, rest)
		}
		return p // schema/*.cue: the embedded schema, named as in the repository
	}
	cfg := &load.Config{
		FS:         mfs,
		ModuleRoot: "/",
		Dir:        "/" + virtTopologyDir,
		FromFSPath: fromFS,
	}
	insts := load.Instances([]string{"."}, cfg)
	if len(insts) != 1 {
		return cue.Value{}, model.Diagnostics{{Pos: model.Pos{File: filepath.ToSlash(dir)}, Summary: fmt.Sprintf("expected one CUE package, found %d", len(insts)), Fix: "give every .cue file in the directory the same package clause"}}
	}
	if err := insts[0].Err; err != nil {
		return cue.Value{}, cueDiagnostics(err, fromFS)
	}
	ctx := cuecontext.New()
	// No early v.Err(): it holds only the first error; Validate(All) below
	// reports every one.
	v := ctx.BuildInstance(insts[0])
	// Unify with #Topology even when the package embeds it already, so a
	// topology that forgot the import is still held to the schema.
	// The schema instance the package imports, if it does (the usual
	// case), is already loaded; otherwise load it.
	var schemaInst *cuebuild.Instance
	for _, imp := range insts[0].Imports {
		if imp.ImportPath == schemaImportPath {
			schemaInst = imp
		}
	}
	if schemaInst == nil {
		schemaInst = load.Instances([]string{"/" + virtSchemaDir}, &load.Config{FS: mfs, ModuleRoot: "/", Dir: "/", FromFSPath: fromFS})[0]
	}
	if err := schemaInst.Err; err != nil {
		return cue.Value{}, model.Diagnostics{{Summary: "internal error: the embedded schema does not load: " + err.Error()}}
	}
	def := ctx.BuildInstance(schemaInst).LookupPath(cue.ParsePath("#Topology"))
	v = def.Unify(v)
	if err := v.Validate(cue.Concrete(true), cue.Final(), cue.All()); err != nil {
		diags := cueDiagnostics(err, fromFS)
		// CUE leaves out missing values when a value has other errors;
		// validating each region and top-level field apart reports them
		// too, so one run shows every error CUE can find.
		parts := splitParts(def, v, fromFS)
		diags = appendNew(diags, parts.diags)
		// A missing field is reported at the schema's declaration; point at
		// the closest enclosing value the user wrote instead.
		c := &checker{v: v, dir: dir, userFiles: userFileSet(dir, files)}
		for i, d := range diags {
			if !c.userFiles[d.Pos.File] && d.Path != "" {
				diags[i].Pos = c.pos(splitPath(d.Path)...)
			}
		}
		diags = appendNew(diags, parts.check(v, dir, c.userFiles))
		return cue.Value{}, diags.Sort()
	}
	return v, nil
}

func displayPath(dir, name string) string {
	return filepath.ToSlash(filepath.Join(dir, name))
}

// unwrapPathError drops the path from an I/O error: the diagnostic names it.
func unwrapPathError(err error) string {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

// userFileSet holds the display names of the topology's own files.
func userFileSet(dir string, files map[string][]byte) map[string]bool {
	m := map[string]bool{}
	for n := range files {
		m[displayPath(dir, n)] = true
	}
	return m
}

// splitPath splits a dotted CUE path as printed in diagnostics; quoted
// labels ("../x") and list indexes ("zones[2]") are handled.
func splitPath(p string) []string {
	var out []string
	for p != "" {
		if strings.HasPrefix(p, "\"") {
			end := strings.Index(p[1:], "\"")
			if end < 0 {
				return append(out, p)
			}
			out = append(out, p[1:end+1])
			p = strings.TrimPrefix(p[end+2:], ".")
			continue
		}
		seg, rest, _ := strings.Cut(p, ".")
		if name, idx, ok := strings.Cut(seg, "["); ok {
			out = append(out, name, strings.TrimSuffix(idx, "]"))
		} else {
			out = append(out, seg)
		}
		p = rest
	}
	return out
}
