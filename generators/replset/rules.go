package replset

import (
	"fmt"
	"maps"
	"net"
	"slices"
	"strconv"
	"strings"
)

// CheckConfig applies the rules mongod 7.0/8.0 enforces on a replica-set
// configuration (mongodb-facts.md §1.1-§1.7), and the ones it silently
// tolerates but that break writes (§1.6: a write-concern mode needing more
// distinct tag values than exist). initiate adds the replSetInitiate rules
// (§1.7: version must be 1). It also requires an odd number of voters: not
// a server rule (§1.3 calls it a recommendation), but every configuration
// the set is meant to stay in must have one. It returns one message per
// violation.
func CheckConfig(c Config, initiate bool) []string {
	return checkConfig(c, initiate, true)
}

// CheckTransitionConfig applies only the rules mongod enforces, for the
// intermediate steps of a reconfig plan: adding or removing one voter at a
// time (§1.8) passes through an even count, which mongod accepts.
func CheckTransitionConfig(c Config) []string {
	return checkConfig(c, false, false)
}

func checkConfig(c Config, initiate, requireOdd bool) []string {
	var errs []string
	add := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }

	if c.ID == "" {
		add("_id (the set name) is empty")
	}
	if c.Version <= 0 || c.Version >= 1<<31 {
		add("version %d is outside 1..2^31-1", c.Version)
	}
	if initiate && c.Version != 1 {
		add("version %d: a configuration used to initiate must have version 1", c.Version)
	}
	if n := len(c.Members); n < 1 || n > 50 {
		add("%d members: must be at least 1 and no more than 50", n)
	}
	ids := map[int]bool{}
	hosts := map[string]bool{}
	voters, electable, localhost := 0, 0, 0
	tagValues := map[string]map[string]bool{}
	for i, m := range c.Members {
		if m.ID < 0 {
			add("members.%d._id %d is negative", i, m.ID)
		}
		if ids[m.ID] {
			add("members.%d._id %d is used twice", i, m.ID)
		}
		ids[m.ID] = true
		host, port, err := net.SplitHostPort(m.Host)
		if err != nil || host == "" {
			add("members.%d.host %q is not host:port", i, m.Host)
		} else if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
			add("members.%d.host %q has an invalid port", i, m.Host)
		}
		if hosts[strings.ToLower(m.Host)] {
			add("members.%d.host %q is used twice", i, m.Host)
		}
		hosts[strings.ToLower(m.Host)] = true
		if host == "localhost" || strings.HasPrefix(host, "127.") || host == "::1" {
			localhost++
		}
		if strings.HasSuffix(host, ".svc.cluster.local") {
			add("members.%d.host %q is a cluster-local name other clusters cannot resolve (§Errors 6)", i, m.Host)
		}
		if m.Votes != 0 && m.Votes != 1 {
			add("members.%d.votes %d: must be 0 or 1", i, m.Votes)
		}
		if m.Priority < 0 || m.Priority > 1000 {
			add("members.%d.priority %d: must be between 0 and 1000", i, m.Priority)
		}
		if m.Priority > 0 && m.Votes == 0 {
			add("members.%d: priority must be 0 when non-voting (votes:0)", i)
		}
		voters += m.Votes
		if m.Priority > 0 {
			electable++
		}
		for _, kv := range [][2]string{{"region", m.Tags.Region}, {"zone", m.Tags.Zone}} {
			k, v := kv[0], kv[1]
			if v == "" {
				add("members.%d.tags.%s is empty", i, k)
				continue
			}
			if tagValues[k] == nil {
				tagValues[k] = map[string]bool{}
			}
			tagValues[k][v] = true
		}
	}
	if localhost != 0 && localhost != len(c.Members) {
		add("either all host names must be localhost references, or none; found %d out of %d", localhost, len(c.Members))
	}
	if voters < 1 || voters > 7 {
		add("%d voting members: must be at least 1 and no more than 7", voters)
	}
	if requireOdd && voters%2 == 0 {
		add("%d voting members: an even number can tie an election", voters)
	}
	if electable == 0 {
		add("no member with priority > 0: the set could never elect a primary")
	}
	s := c.Settings
	if s.HeartbeatIntervalMillis <= 0 || s.HeartbeatTimeoutSecs <= 0 || s.ElectionTimeoutMillis <= 0 {
		add("settings: heartbeatIntervalMillis, heartbeatTimeoutSecs and electionTimeoutMillis must be > 0")
	}
	if s.CatchUpTimeoutMillis < -1 {
		add("settings.catchUpTimeoutMillis %d: must be >= -1", s.CatchUpTimeoutMillis)
	}
	for _, mode := range slices.Sorted(maps.Keys(s.GetLastErrorModes)) {
		req := s.GetLastErrorModes[mode]
		for _, tag := range slices.Sorted(maps.Keys(req)) {
			n := req[tag]
			switch {
			case tagValues[tag] == nil:
				add("settings.getLastErrorModes.%s: no member has tag %q (NoSuchKey)", mode, tag)
			case n <= 0:
				add("settings.getLastErrorModes.%s.%s must be positive", mode, tag)
			case n > len(tagValues[tag]):
				add("settings.getLastErrorModes.%s.%s = %d but only %d distinct values exist: writes with this mode would fail", mode, tag, n, len(tagValues[tag]))
			}
		}
	}
	return errs
}
