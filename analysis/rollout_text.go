package analysis

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// writeText renders the rollout order and its proof as explain's
// "Rollout" table: one row per member restart.
func (ro Rollout) writeText(b *bytes.Buffer) {
	verdict := "SAFE: every step keeps a majority with one more voter down (N+1)"
	if !ro.Safe {
		verdict = "NOT SAFE: " + ro.Cause
	}
	fmt.Fprintf(b, "\nRollout (a change restarting every member: regions %s, one member at a time; majority %d of %d)\n",
		strings.Join(ro.Regions, " → "), ro.Majority, ro.Voters)
	tb := table{header: []string{"STEP", "REGION", "MEMBER", "VOTES", "VOTERS UP", "+1 VOTER DOWN", "N+1"}}
	for _, s := range ro.Steps {
		pod := s.Pod
		if s.Primary {
			pod += " (primary at rest: last, steps down first)"
		}
		ok := "ok"
		if !s.NPlus1 {
			ok = "FAILS"
		}
		tb.add(strconv.Itoa(s.Step), s.Region, pod, strconv.Itoa(s.Votes),
			fmt.Sprintf("%d/%d", s.VotersUp, ro.Voters), fmt.Sprintf("%d/%d", s.VotersUpNPlus1, ro.Voters), ok)
	}
	tb.write(b)
	fmt.Fprintf(b, "  %s; at least %d of %d voters up at every step.\n", verdict, ro.MinVotersUp, ro.Voters)
	for _, l := range ro.RegionLoss {
		fmt.Fprintf(b, "  Losing region %s while a voter of %s restarts leaves %d of %d votes, below the majority: writes stop until the restart ends (at rest the set survives it).\n",
			l.Lost, l.During, l.VotesLeft, ro.Voters)
	}
}
