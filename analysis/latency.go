package analysis

import (
	"cmp"
	"slices"

	"github.com/topogen/topogen/model"
)

func latency(t *model.Topology) Latency {
	pref := t.Preferred()
	l := Latency{
		IntraRegionRTTMillis: IntraRegionRTTMillis,
		PrimaryWrite:         WriteMajority(t, pref.Name),
		LocalReadMillis:      LocalReadMillis,
		Regions:              []RegionLatency{},
	}
	for _, r := range t.Regions {
		rl := RegionLatency{Region: r.Name, CloudRegion: r.CloudRegion, WriteIfPrimaryMillis: -1, NearestOtherMillis: -1}
		if slices.ContainsFunc(t.RegionMembers(r.Name), func(m model.Member) bool { return m.Priority > 0 && m.Votes > 0 }) {
			rl.WriteIfPrimaryMillis = WriteMajority(t, r.Name).Millis
		}
		if r.Name == pref.Name {
			rl.ReadFromPrimaryMillis = LocalReadMillis
		} else if ms, ok := RTTMillis(t, r.CloudRegion, pref.CloudRegion); ok {
			rl.ReadFromPrimaryMillis = ms
		} else {
			rl.ReadFromPrimaryMillis = -1
		}
		for _, o := range t.Regions {
			if o.Name == r.Name {
				continue
			}
			ms, ok := RTTMillis(t, r.CloudRegion, o.CloudRegion)
			if !ok {
				continue
			}
			if rl.NearestOther == "" || ms < rl.NearestOtherMillis {
				rl.NearestOther, rl.NearestOtherMillis = o.Name, ms
			}
		}
		l.Regions = append(l.Regions, rl)
	}
	// Cross-region read: readPreference primary (the driver default) sends
	// every read of a client outside the primary's region across; the worst
	// such region is the estimate.
	for _, rl := range l.Regions {
		if rl.Region == pref.Name {
			continue
		}
		cur := l.CrossRegionRead
		switch {
		case cur.From == "", cur.Millis >= 0 && (rl.ReadFromPrimaryMillis < 0 || rl.ReadFromPrimaryMillis > cur.Millis):
			l.CrossRegionRead = ReadEstimate{From: rl.Region, To: pref.Name, Millis: rl.ReadFromPrimaryMillis}
		}
	}
	return l
}

// WriteMajority estimates a w:majority write with the primary in region
// from: the primary's own vote is free, its region's other voters answer in
// IntraRegionRTTMillis, other regions' voters in their RTT; voters are taken
// closest first until they make a majority (mongodb-facts.md §1.6: $majority
// counts voting data-bearing members), and the estimate is the RTT of the
// last one needed. Millis is -1 when a needed RTT is unknown.
func WriteMajority(t *model.Topology, from string) WriteEstimate {
	home, _ := t.Region(from)
	w := WriteEstimate{From: from, Acks: []Ack{}}
	type cand struct {
		region string
		votes  int
		rtt    float64
		known  bool
	}
	var cands []cand
	for _, r := range t.Regions {
		if r.Voters == 0 {
			continue
		}
		if r.Name == from {
			// The primary acknowledges its own write; with a single voter
			// w:majority is the primary's journal alone.
			cands = append(cands, cand{r.Name, 1, 0, true})
			if r.Voters > 1 {
				cands = append(cands, cand{r.Name, r.Voters - 1, IntraRegionRTTMillis, true})
			}
			continue
		}
		ms, ok := RTTMillis(t, home.CloudRegion, r.CloudRegion)
		cands = append(cands, cand{r.Name, r.Voters, ms, ok})
	}
	// Unknown RTTs sort last: if one is needed the estimate is unknown.
	slices.SortStableFunc(cands, func(a, b cand) int {
		if a.known != b.known {
			if a.known {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.rtt, b.rtt), cmp.Compare(a.region, b.region))
	})
	votes := 0
	for _, c := range cands {
		if votes >= t.Majority() {
			break
		}
		// Count only the votes still needed: "eu 1 at 70 ms", not all of
		// eu's voters.
		got := min(c.votes, t.Majority()-votes)
		votes += got
		if n := len(w.Acks); n > 0 && w.Acks[n-1].Region == c.region && c.known {
			w.Acks[n-1].Votes += got
			w.Acks[n-1].RTTMillis = c.rtt
		} else {
			w.Acks = append(w.Acks, Ack{Region: c.region, Votes: got, RTTMillis: c.rtt})
		}
		if !c.known {
			w.Millis = -1
			w.Acks[len(w.Acks)-1].RTTMillis = -1
			return w
		}
		w.Millis = c.rtt
	}
	return w
}
