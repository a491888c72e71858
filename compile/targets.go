package compile

import (
	"strings"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/generators/failover"
	"github.com/topogen/topogen/generators/gitops"
	"github.com/topogen/topogen/generators/kubernetes"
	"github.com/topogen/topogen/generators/prometheus"
	"github.com/topogen/topogen/generators/reconfig"
	"github.com/topogen/topogen/generators/replset"
	"github.com/topogen/topogen/generators/snapshot"
	"github.com/topogen/topogen/generators/terraform"
	"github.com/topogen/topogen/model"
	"github.com/topogen/topogen/outdir"
)

// Target is one output target. Every file of the output directory comes
// from exactly one target, and TargetOf finds it by path.
type Target struct {
	Name string
	// Paths the target writes, relative to the output directory: a
	// directory ends in "/", anything else is one file. The longest match
	// owns a path, so replset/ holds what replset/failover/ does not.
	Paths []string
	// Generate renders the target's files. It does no I/O.
	Generate func(Input) ([]generators.File, error)
	// After: the target runs once every other target has, with their files
	// in Input.Files (the manifest lists them).
	After bool
}

// Input is what a target renders from.
type Input struct {
	Topology *model.Topology
	// Options say what the output directory held before (the reconfig
	// target plans from it).
	Options
	// Files are the other targets' files; set for After targets only.
	Files *generators.Tree
}

// pure adapts a target that needs the topology only.
func pure(g func(*model.Topology) ([]generators.File, error)) func(Input) ([]generators.File, error) {
	return func(in Input) ([]generators.File, error) { return g(in.Topology) }
}

// Targets in the order `topogen diff` lists them: the resolved model first
// (it is what the topology edit means), then the trees in the order changes
// reach production, the manifest last. A new target is one package and
// one line here.
var Targets = []Target{
	{Name: "model", Paths: []string{snapshot.Path}, Generate: pure(snapshot.Generate)},
	{Name: "kubernetes", Paths: []string{"kubernetes/"}, Generate: generateKubernetes},
	{Name: "terraform", Paths: []string{"terraform/"}, Generate: pure(terraform.Generate)},
	{Name: "replset", Paths: []string{"replset/"}, Generate: pure(replset.Generate)},
	{Name: "failover", Paths: []string{"replset/failover/"}, Generate: pure(failover.Generate)},
	{Name: "reconfig", Paths: []string{reconfig.Dir + "/"}, Generate: generateReconfig},
	{Name: "prometheus", Paths: []string{"prometheus/", "grafana/"}, Generate: pure(prometheus.Generate)},
	{Name: "gitops", Paths: []string{"gitops/"}, Generate: pure(gitops.Generate)},
	{Name: "manifest", Paths: []string{outdir.ManifestPath}, Generate: generateManifest, After: true},
}

// generateKubernetes renders the Kubernetes trees, reusing the patched
// regions Check built.
func generateKubernetes(in Input) ([]generators.File, error) {
	return kubernetes.GenerateFrom(in.Topology, in.Checked.kubernetes)
}

// generateReconfig writes the reconfig steps from the base ReconfigSteps
// picks.
func generateReconfig(in Input) ([]generators.File, error) {
	base, err := reconfig.Base(in.Topology, in.Previous, in.ReconfigBase)
	if err != nil {
		return nil, err
	}
	return reconfig.Generate(in.Topology, base)
}

// generateManifest marks the directory as topogen's and lists its files.
func generateManifest(in Input) ([]generators.File, error) {
	return []generators.File{{Path: outdir.ManifestPath, Data: outdir.Manifest(in.Files)}}, nil
}

// TargetOf is the name of the target that writes path (relative to the
// output directory, forward slashes), or "" when none does.
func TargetOf(path string) string {
	name, longest := "", 0
	for _, t := range Targets {
		for _, p := range t.Paths {
			match := path == p || strings.HasSuffix(p, "/") && strings.HasPrefix(path, p)
			if match && len(p) > longest {
				name, longest = t.Name, len(p)
			}
		}
	}
	return name
}

// TargetIndex is the position of a target in Targets, -1 for none.
func TargetIndex(name string) int {
	for i, t := range Targets {
		if t.Name == name {
			return i
		}
	}
	return -1
}
