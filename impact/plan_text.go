package impact

import (
	"fmt"
	"strconv"
	"strings"
)

// Text renders the plan for `topogen diff`'s text format: every line starts
// with "# ", so the unified diffs after it still apply with patch.
func (p *Plan) Text() string {
	if p == nil {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Rollout plan: regions %s, one member at a time; %d voters, majority %d\n",
		strings.Join(p.Order, " → "), p.Voters, p.Majority)
	if len(p.PreviousOrder) > 0 {
		fmt.Fprintf(&b, "The rollout order changes from %s (the Argo CD steps and Flux dependsOn chain follow).\n", strings.Join(p.PreviousOrder, " → "))
	}
	for _, c := range p.Changes {
		fmt.Fprintf(&b, "  %s: %s%s\n", c.Path, c.Effect, StepList(c.Steps))
	}
	if len(p.Steps) == 0 {
		b.WriteString("No member restarts and no reconfig.\n")
	}
	for _, s := range p.Steps {
		fmt.Fprintf(&b, "  %2d. [%s] %s — %s\n", s.Step, s.Stage, s.What, VotersWords(s))
	}
	if len(p.Steps) > 0 {
		fmt.Fprintf(&b, "At least %d of %d voters up at every step.\n", p.MinVotersUp, p.Voters)
	}
	for _, w := range p.Warnings {
		b.WriteString("WARNING: " + w + "\n")
	}
	var out strings.Builder
	for _, line := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
		out.WriteString("# " + line + "\n")
	}
	return out.String()
}

// StepList renders step numbers as " (steps 1–9)", " (step 4)",
// " (steps 1–3, 7)" or "" when there are none.
func StepList(steps []int) string {
	if len(steps) == 0 {
		return ""
	}
	var parts []string
	for i := 0; i < len(steps); {
		j := i
		for j+1 < len(steps) && steps[j+1] == steps[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, strconv.Itoa(steps[i])+"–"+strconv.Itoa(steps[j]))
		} else {
			parts = append(parts, strconv.Itoa(steps[i]))
		}
		i = j + 1
	}
	word := "steps"
	if len(steps) == 1 {
		word = "step"
	}
	return " (" + word + " " + strings.Join(parts, ", ") + ")"
}

// VotersWords is a step's voter count and its N+1 verdict in words.
func VotersWords(s PlanStep) string {
	v := fmt.Sprintf("%d of %d voters up", s.VotersUp, s.Voters)
	if s.NPlus1 {
		return v + ", majority kept with one more down"
	}
	return v + ", NOT safe: one more voter down stops writes"
}
