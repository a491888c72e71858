package analysis

import (
	"cmp"
	"slices"

	"github.com/topogen/topogen/model"
)

// Round-trip times between AWS regions, in milliseconds.
//
// Source: cloudping.co inter-region latency, percentile p50, timeframe one
// year ("https://www.cloudping.co/api/latencies?percentile=p_50&timeframe=1Y"),
// as published in the snapshot
// https://github.com/oaustegard/oaustegard.github.io/blob/main/web-utilities/aws-ping-p50-1y.json
// (commit 4a1414d; taken in 2025 or later: it lists mx-central-1 and
// ap-southeast-7, which opened in January 2025). cloudping measures
// EC2-to-EC2 round trips from every region to every other one. Each entry
// below is the mean of the two directions, rounded to a whole millisecond
// (no pair differed by more than 5 ms). These are medians: a p99 is higher,
// so treat every estimate built on them as a typical figure, not a bound.
// Topologies override or extend pairs with analysis.rttMillis.
//
// Each unordered pair appears once, under the lexically smaller region.
var awsRTTMillis = map[string]map[string]float64{
	"ap-northeast-1": {"ap-northeast-2": 36, "ap-south-1": 134, "ap-southeast-1": 71, "ap-southeast-2": 107, "ca-central-1": 145, "eu-central-1": 227, "eu-north-1": 247, "eu-south-1": 218, "eu-west-1": 201, "eu-west-2": 212, "eu-west-3": 218, "sa-east-1": 258, "us-east-1": 149, "us-east-2": 135, "us-west-1": 108, "us-west-2": 98},
	"ap-northeast-2": {"ap-south-1": 134, "ap-southeast-1": 74, "ap-southeast-2": 145, "ca-central-1": 175, "eu-central-1": 231, "eu-north-1": 250, "eu-south-1": 222, "eu-west-1": 232, "eu-west-2": 242, "eu-west-3": 249, "sa-east-1": 288, "us-east-1": 179, "us-east-2": 165, "us-west-1": 133, "us-west-2": 123},
	"ap-south-1":     {"ap-southeast-1": 64, "ap-southeast-2": 154, "ca-central-1": 192, "eu-central-1": 129, "eu-north-1": 148, "eu-south-1": 110, "eu-west-1": 126, "eu-west-2": 117, "eu-west-3": 109, "sa-east-1": 301, "us-east-1": 191, "us-east-2": 202, "us-west-1": 231, "us-west-2": 222},
	"ap-southeast-1": {"ap-southeast-2": 95, "ca-central-1": 215, "eu-central-1": 161, "eu-north-1": 181, "eu-south-1": 152, "eu-west-1": 182, "eu-west-2": 172, "eu-west-3": 167, "sa-east-1": 327, "us-east-1": 219, "us-east-2": 203, "us-west-1": 170, "us-west-2": 161},
	"ap-southeast-2": {"ca-central-1": 198, "eu-central-1": 252, "eu-north-1": 272, "eu-south-1": 243, "eu-west-1": 256, "eu-west-2": 266, "eu-west-3": 280, "sa-east-1": 312, "us-east-1": 200, "us-east-2": 188, "us-west-1": 139, "us-west-2": 141},
	"ca-central-1":   {"eu-central-1": 93, "eu-north-1": 106, "eu-south-1": 102, "eu-west-1": 69, "eu-west-2": 79, "eu-west-3": 86, "sa-east-1": 126, "us-east-1": 16, "us-east-2": 27, "us-west-1": 80, "us-west-2": 61},
	"eu-central-1":   {"eu-north-1": 23, "eu-south-1": 12, "eu-west-1": 27, "eu-west-2": 18, "eu-west-3": 12, "sa-east-1": 204, "us-east-1": 93, "us-east-2": 104, "us-west-1": 153, "us-west-2": 142},
	"eu-north-1":     {"eu-south-1": 32, "eu-west-1": 41, "eu-west-2": 32, "eu-west-3": 32, "sa-east-1": 223, "us-east-1": 112, "us-east-2": 123, "us-west-1": 173, "us-west-2": 155},
	"eu-south-1":     {"eu-west-1": 36, "eu-west-2": 27, "eu-west-3": 21, "sa-east-1": 213, "us-east-1": 102, "us-east-2": 112, "us-west-1": 162, "us-west-2": 151},
	"eu-west-1":      {"eu-west-2": 14, "eu-west-3": 20, "sa-east-1": 178, "us-east-1": 70, "us-east-2": 80, "us-west-1": 130, "us-west-2": 118},
	"eu-west-2":      {"eu-west-3": 11, "sa-east-1": 187, "us-east-1": 78, "us-east-2": 88, "us-west-1": 148, "us-west-2": 129},
	"eu-west-3":      {"sa-east-1": 196, "us-east-1": 84, "us-east-2": 95, "us-west-1": 144, "us-west-2": 135},
	"sa-east-1":      {"us-east-1": 115, "us-east-2": 125, "us-west-1": 175, "us-west-2": 175},
	"us-east-1":      {"us-east-2": 15, "us-west-1": 64, "us-west-2": 64},
	"us-east-2":      {"us-west-1": 53, "us-west-2": 51},
	"us-west-1":      {"us-west-2": 22},
}

// IntraRegionRTTMillis is the round trip between two members of one region,
// which sit in different availability zones: about 1 ms (the cloudping
// snapshot above measures 2.5-5 ms within a region over the public
// endpoints; AWS describes inter-AZ latency as single-digit milliseconds).
// A w:majority acknowledgement from the primary's own region costs this.
const IntraRegionRTTMillis = 1.0

// LocalReadMillis is the estimate for a read served in the client's own
// region: one round trip to a member that may sit in another zone, plus
// server time for an indexed point read; about 2 ms.
const LocalReadMillis = 2.0

// RTTMillis returns the round trip between two AWS regions: the topology's
// analysis.rttMillis override first, then the shipped matrix. ok is false
// when neither knows the pair. The same region gives IntraRegionRTTMillis.
func RTTMillis(t *model.Topology, from, to string) (ms float64, ok bool) {
	if from == to {
		return IntraRegionRTTMillis, true
	}
	if v, ok := t.Analysis.RTTMillis[from][to]; ok {
		return v, true
	}
	if v, ok := t.Analysis.RTTMillis[to][from]; ok {
		return v, true
	}
	a, b := min(from, to), max(from, to)
	v, ok := awsRTTMillis[a][b]
	return v, ok
}

// MissingRTT lists the pairs of the topology's cloud regions whose round
// trip is unknown, each as [a, b] with a < b, sorted.
func MissingRTT(t *model.Topology) [][2]string {
	var cloud []string
	for _, r := range t.Regions {
		cloud = append(cloud, r.CloudRegion)
	}
	slices.Sort(cloud)
	cloud = slices.Compact(cloud)
	var out [][2]string
	for i, a := range cloud {
		for _, b := range cloud[i+1:] {
			if _, ok := RTTMillis(t, a, b); !ok {
				out = append(out, [2]string{a, b})
			}
		}
	}
	slices.SortFunc(out, func(x, y [2]string) int { return cmp.Or(cmp.Compare(x[0], y[0]), cmp.Compare(x[1], y[1])) })
	return out
}

// KnownRegions lists the AWS regions the shipped matrix covers, sorted.
func KnownRegions() []string {
	seen := map[string]bool{}
	for a, row := range awsRTTMillis {
		seen[a] = true
		for b := range row {
			seen[b] = true
		}
	}
	out := make([]string, 0, len(seen))
	for r := range seen {
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}
