package analysis

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/topogen/topogen/internal/prettyjson"
)

// JSON renders the report as indented JSON with a final newline.
func (r Report) JSON() []byte {
	b, err := prettyjson.Marshal(r)
	if err != nil {
		panic(err) // Report holds strings, numbers, bools and slices only.
	}
	return b
}

// Text renders the report as plain-text tables.
func (r Report) Text() []byte {
	var b bytes.Buffer
	if r.Sharding != nil {
		r.Sharding.writeText(&b, r)
		return b.Bytes()
	}
	fmt.Fprintf(&b, "Topology %s, replica set %s: %s, majority %d; primary preferred in %s.\n\n",
		r.Topology, r.ReplicaSet, plural(r.Voters, "voting member"), r.Majority, r.Primary)

	b.WriteString("Members\n")
	writeMembers(&b, r.Regions)

	fmt.Fprintf(&b, "\nFailures (time to a new primary = %s)\n", r.Failover.Formula)
	writeFailures(&b, r.Failures, r.Voters)

	l := r.Latency
	fmt.Fprintf(&b, "\nLatency (inter-region RTT: cloudping.co p50 over one year, see analysis/rtt.go; intra-region %s; w:majority = RTT to the closest voters completing %s)\n",
		millis(l.IntraRegionRTTMillis), plural(r.Majority, "vote"))
	tb := table{header: []string{"REGION", "CLOUD REGION", "W:MAJORITY IF PRIMARY HERE", "READ FROM PRIMARY", "NEAREST OTHER REGION"}}
	for _, g := range l.Regions {
		w := "n/a (not electable)"
		if g.WriteIfPrimaryMillis >= 0 || g.Region == r.Primary {
			w = millis(g.WriteIfPrimaryMillis)
		}
		read := millis(g.ReadFromPrimaryMillis)
		if g.Region == r.Primary {
			read += " (local)"
		}
		near := "none"
		if g.NearestOther != "" {
			near = g.NearestOther + " " + millis(g.NearestOtherMillis)
		}
		tb.add(g.Region, g.CloudRegion, w, read, near)
	}
	tb.write(&b)

	b.WriteString("\nSLOs\n")
	tb = table{header: []string{"SLO", "TARGET", "VERDICT", "ESTIMATE"}}
	for _, c := range r.SLOs {
		tb.add(c.Name, c.Target, strings.ToUpper(c.Verdict), c.Estimate)
	}
	tb.write(&b)
	for _, c := range r.SLOs {
		if c.Cause != "" {
			fmt.Fprintf(&b, "  %s: %s\n", c.Name, c.Cause)
		}
		if c.Accepted != "" {
			fmt.Fprintf(&b, "  %s accepted: %q\n", c.Name, c.Accepted)
		}
	}
	r.RPO.writeText(&b)
	r.Rollout.writeText(&b)
	if len(r.MissingRTT) > 0 {
		fmt.Fprintf(&b, "\nUnknown round trips (add analysis.rttMillis): %s\n", strings.Join(r.MissingRTT, ", "))
	}
	return b.Bytes()
}

// writeMembers is the members table of one set.
func writeMembers(b *bytes.Buffer, regions []RegionRow) {
	tb := table{header: []string{"REGION", "CLOUD REGION", "MEMBERS", "VOTERS", "PRIORITY", "TAGS"}}
	for _, g := range regions {
		prio := strconv.Itoa(g.Priority)
		if !g.Electable {
			prio += " (never primary)"
		}
		tb.add(g.Name, g.CloudRegion, strconv.Itoa(g.Members), strconv.Itoa(g.Voters), prio,
			"region="+g.Tags.Region+" zone="+strings.Join(g.Tags.Zones, "|"))
	}
	tb.write(b)
}

// writeFailures is the failure table of one set of voters.
func writeFailures(b *bytes.Buffer, failures []Failure, voters int) {
	tb := table{header: []string{"LOST", "MEMBERS LOST", "VOTES LEFT", "MAJORITY", "NEW PRIMARY IN", "W:MAJORITY WRITES", "TIME TO PRIMARY"}}
	for _, f := range failures {
		maj, prim, writes := "kept", f.Primary, "yes"
		if !f.MajorityKept {
			maj = "lost"
		}
		if f.Election == "none" {
			prim += " (unchanged)"
		}
		if prim == "" {
			prim = "none"
		}
		if !f.MajorityWrites {
			writes = "NO: writes stop"
		}
		tb.add(f.lostLabel(), strconv.Itoa(f.MembersLost), fmt.Sprintf("%d/%d", f.VotesLeft, voters), maj, prim, writes, f.TimeToPrimary)
	}
	tb.write(b)
}

// table aligns columns with two spaces between them.
type table struct {
	header []string
	rows   [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) write(b *bytes.Buffer) {
	width := make([]int, len(t.header))
	for _, row := range append([][]string{t.header}, t.rows...) {
		for i, c := range row {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	for _, row := range append([][]string{t.header}, t.rows...) {
		var line strings.Builder
		for i, c := range row {
			line.WriteString(c)
			if i < len(row)-1 {
				line.WriteString(strings.Repeat(" ", width[i]-utf8.RuneCountInString(c)+2))
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
