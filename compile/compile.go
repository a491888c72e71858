// Package compile runs every target over a resolved topology and collects
// their files into one tree. It is the only place that knows the list of
// targets; the CLI and the tests call it.
package compile

import (
	"cmp"
	"fmt"
	"os"
	"time"

	"github.com/topogen/topogen/analysis"
	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/generators/kubernetes"
	"github.com/topogen/topogen/generators/reconfig"
	"github.com/topogen/topogen/generators/snapshot"
	"github.com/topogen/topogen/generators/terraform"
	"github.com/topogen/topogen/impact"
	"github.com/topogen/topogen/internal/parallel"
	"github.com/topogen/topogen/model"
)

// Options carry what a compile starts from besides the topology: what the
// output directory held before this run (the topology it was generated
// from, the base of a pending reconfig plan) and what Check built. The
// zero value is a first generation that builds everything.
type Options struct {
	// Previous is the topology out/topology.json was written from; nil when
	// there is none.
	Previous *model.Topology
	// ReconfigBase is the topology a pending reconfig plan in
	// out/replset/reconfig starts from; nil when there is none.
	ReconfigBase *model.Topology
	// Checked is what Check built for this topology; Compile reuses it.
	Checked Checked
}

// Checked is what Check built on its way that Compile would build again:
// each patched region's Kubernetes tree (applying the patches is how
// Check knows that they apply). It belongs to the topology Check ran on;
// the zero value holds nothing.
type Checked struct {
	kubernetes kubernetes.Built
}

// SnapshotPath is the file of the output directory that records the
// topology it was generated from (the destructive-change guard reads it).
const SnapshotPath = snapshot.Path

// PreviousFrom reads Options from the files of an existing output
// directory (as read by outdir.ReadTree). Unreadable snapshots are errors:
// the change analysis would silently miss changes.
func PreviousFrom(existing map[string][]byte) (Options, error) {
	var opts Options
	if b, ok := existing[snapshot.Path]; ok {
		t, err := snapshot.Decode(b)
		if err != nil {
			return opts, err
		}
		opts.Previous = t
	}
	if b, ok := existing[reconfig.BasePath]; ok {
		t, err := snapshot.Decode(b)
		if err != nil {
			return opts, err
		}
		opts.ReconfigBase = t
	}
	return opts, nil
}

// Changes lists the topology-level changes since the previous generation.
func Changes(t *model.Topology, opts Options) []impact.Change {
	if opts.Previous == nil {
		return nil
	}
	return impact.Compare(opts.Previous, t)
}

// Compile renders every target into one tree. It does no I/O.
func Compile(t *model.Topology, opts Options) (*generators.Tree, error) {
	in := Input{Topology: t, Options: opts}
	// Targets are pure and independent: run them concurrently, at most one
	// per CPU (more would only raise peak memory), collect in list order so
	// errors and output do not depend on scheduling. Targets marked After
	// run next, in order, with the files of the others.
	results := make([][]generators.File, len(Targets))
	errs := make([]error, len(Targets))
	run := func(i int, in Input) {
		// A panic in a target is a bug: it becomes an error naming the
		// target (exit 2, "please report"), never a stack trace.
		errs[i] = parallel.Safe("target "+Targets[i].Name, func() (err error) {
			results[i], err = Targets[i].Generate(in)
			return err
		})
	}
	var after []int
	var now []int
	for i, target := range Targets {
		if target.After {
			after = append(after, i)
		} else {
			now = append(now, i)
		}
	}
	parallel.Do(len(now), 0, func(k int) { run(now[k], in) })
	tree := generators.NewTree()
	collect := func(i int) error {
		target := Targets[i]
		if _, ok := errs[i].(*parallel.PanicError); ok {
			return errs[i]
		}
		if errs[i] != nil {
			return fmt.Errorf("%s: %w", target.Name, errs[i])
		}
		for _, f := range results[i] {
			if owner := TargetOf(f.Path); owner != target.Name {
				return fmt.Errorf("internal error in target %s: it wrote %s, which is under %s's paths; please report", target.Name, f.Path, cmp.Or(owner, "no target"))
			}
		}
		if err := tree.Add(results[i]...); err != nil {
			return fmt.Errorf("%s: %w", target.Name, err)
		}
		return nil
	}
	for _, i := range now {
		if err := collect(i); err != nil {
			return nil, err
		}
	}
	for _, i := range after {
		in.Files = tree
		run(i, in)
		if err := collect(i); err != nil {
			return nil, err
		}
	}
	return tree, nil
}

// ReconfigSteps are the reconfigs the reconfig target writes for t: from
// the previous generation when t changes it, else from the pending plan's
// base; nil when one reconfig suffices.
func ReconfigSteps(t *model.Topology, opts Options) ([]impact.Step, error) {
	base, err := reconfig.Base(t, opts.Previous, opts.ReconfigBase)
	if err != nil || base == nil {
		return nil, err
	}
	return impact.ReconfigSteps(base, t), nil
}

// Check runs the checks that need the resolved model and returns their
// diagnostics, and what it built that Compile reuses (Options.Checked);
// vet, explain, gen, check and diff all run it: SLO feasibility
// (analysis), user patches that match no object or do not apply
// (kubernetes), AWS names over AWS's length limits and the EKS version
// against the EKS release calendar today (terraform).
func Check(t *model.Topology) (Checked, model.Diagnostics) {
	now, err := Today()
	if err != nil {
		return Checked{}, model.Diagnostics{{Severity: model.Error, Path: TodayEnv, Summary: err.Error(), Fix: "set it to a date such as 2026-12-03, or unset it"}}
	}
	return CheckAt(t, now)
}

// TodayEnv fixes the day Check judges the EKS calendar on (YYYY-MM-DD, UTC):
// the CLI tests set it so that their expected warnings do not change as
// the calendar moves, and it reproduces an earlier CI run.
const TodayEnv = "TOPOGEN_TODAY"

// Today is the day Check uses: TodayEnv when set, else now.
func Today() (time.Time, error) {
	v := os.Getenv(TodayEnv)
	if v == "" {
		return time.Now(), nil
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("environment variable %s=%q is not a date (YYYY-MM-DD)", TodayEnv, v)
	}
	return d, nil
}

// CheckAt is Check on the day now: the EKS calendar check is the only one
// that depends on the date, and tests fix it.
func CheckAt(t *model.Topology, now time.Time) (Checked, model.Diagnostics) {
	var ds model.Diagnostics
	ds = append(ds, terraform.CheckEKSVersion(t, now)...)
	ds = append(ds, terraform.CheckEKSAccess(t)...)
	ds = append(ds, analysis.Check(t)...)
	ds = append(ds, analysis.CheckRollout(t)...)
	built, patches := kubernetes.CheckPatches(t)
	ds = append(ds, patches...)
	ds = append(ds, terraform.CheckNames(t)...)
	ds = append(ds, checkPorts(t)...)
	return Checked{kubernetes: built}, ds.Sort()
}
