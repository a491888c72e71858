package report

import (
	"github.com/topogen/topogen/impact"
	"github.com/topogen/topogen/internal/prettyjson"
)

// jsonReport is the --format json document: the Markdown's facts for tools
// (a bot that labels destructive pull requests, a dashboard), in the same
// order.
type jsonReport struct {
	Summary         jsonSummary   `json:"summary"`
	Targets         []TargetCount `json:"targets"`
	TopologyChanges []jsonChange  `json:"topologyChanges"`
	// Plan is the rollout plan (impact.BuildPlan); absent without topology
	// changes.
	Plan  *impact.Plan `json:"plan,omitempty"`
	Files []jsonFile   `json:"files"`
}

type jsonSummary struct {
	Files           int `json:"files"`
	Added           int `json:"added"`
	Changed         int `json:"changed"`
	Removed         int `json:"removed"`
	TopologyChanges int `json:"topologyChanges"`
	Destructive     int `json:"destructive"`
}

type jsonChange struct {
	Class   string `json:"class"`
	Region  string `json:"region,omitempty"`
	Path    string `json:"path,omitempty"`
	Summary string `json:"summary"`
}

type jsonFile struct {
	Path      string `json:"path"`
	Target    string `json:"target"`
	Status    string `json:"status"`
	Additions int    `json:"additions"`
	Deletions int    `json:"deletions"`
	Diff      string `json:"diff"`
}

// JSON renders the report as an indented JSON document. Lists are never
// null, so consumers need no special case for "no changes".
func JSON(files []FileChange, changes []impact.Change, plan *impact.Plan) ([]byte, error) {
	files = sortFiles(files)
	changes = sortChanges(changes)
	r := jsonReport{
		Targets:         countTargets(files),
		TopologyChanges: []jsonChange{},
		Plan:            plan,
		Files:           []jsonFile{},
	}
	if r.Targets == nil {
		r.Targets = []TargetCount{}
	}
	for _, c := range changes {
		r.TopologyChanges = append(r.TopologyChanges, jsonChange{Class: string(c.Class), Region: c.Region, Path: c.Path, Summary: c.Summary})
		if c.Class == impact.Destructive {
			r.Summary.Destructive++
		}
	}
	r.Summary.TopologyChanges = len(changes)
	for _, f := range files {
		add, del := f.Added, f.Removed
		r.Files = append(r.Files, jsonFile{Path: f.Path, Target: TargetOf(f.Path), Status: f.Status, Additions: add, Deletions: del, Diff: f.Diff})
		switch f.Status {
		case Added:
			r.Summary.Added++
		case Changed:
			r.Summary.Changed++
		case Removed:
			r.Summary.Removed++
		}
	}
	r.Summary.Files = len(files)
	return prettyjson.Marshal(r)
}
