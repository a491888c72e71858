package report

import (
	"fmt"
	"strings"

	"github.com/topogen/topogen/impact"
)

// stageWords names a plan step's stage in the comment.
var stageWords = map[string]string{
	impact.StageTerraform: "terraform apply",
	impact.StageSync:      "sync",
	impact.StageReconfig:  "reconfig",
}

// writePlan renders the rollout plan: what each change does to the
// members, then the steps in order with the voters up at each, then the
// warnings.
func writePlan(b *strings.Builder, p *impact.Plan) {
	if p == nil {
		return
	}
	fmt.Fprintf(b, "\n### Rollout plan\n\nRegions one at a time, in the order topogen derives and proves quorum-safe: **%s**; inside a region one member at a time. %d voters, majority %d.\n\n",
		strings.Join(p.Order, " → "), p.Voters, p.Majority)
	if len(p.PreviousOrder) > 0 {
		fmt.Fprintf(b, "The rollout order changes from %s: the Argo CD RollingSync steps and the Flux dependsOn chain follow.\n\n", strings.Join(p.PreviousOrder, " → "))
	}
	for _, c := range p.Changes {
		fmt.Fprintf(b, "- `%s`: %s%s\n", c.Path, escape(c.Effect), impact.StepList(c.Steps))
	}
	if len(p.Steps) == 0 {
		b.WriteString("\nNo member restarts and no reconfig.\n")
	} else {
		b.WriteString("\n| step | stage | region | what | voters up | one more voter down |\n|---:|---|---|---|---:|---|\n")
		for _, s := range p.Steps {
			n1 := "✅ majority kept"
			if !s.NPlus1 {
				n1 = "⚠️ writes stop"
			}
			what := escape(s.What)
			if s.File != "" {
				what += " (`" + s.File + "`)"
			}
			fmt.Fprintf(b, "| %d | %s | %s | %s | %d/%d | %s |\n", s.Step, stageWords[s.Stage], s.Region, strings.ReplaceAll(what, "|", "\\|"), s.VotersUp, s.Voters, n1)
		}
		fmt.Fprintf(b, "\nAt least **%d of %d voters** up at every step.\n", p.MinVotersUp, p.Voters)
	}
	if len(p.Warnings) > 0 {
		b.WriteString("\n> [!WARNING]\n")
		for _, w := range p.Warnings {
			b.WriteString("> - " + escape(w) + "\n")
		}
	}
}
