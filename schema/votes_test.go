package schema

import (
	"fmt"
	"strings"
	"testing"

	"github.com/topogen/topogen/model"
)

// topologyFiles builds a minimal valid topology: one region per spec
// "name:members[:priority[:voters]]", priorities descending when omitted.
func topologyFiles(specs ...string) map[string][]byte {
	var b strings.Builder
	b.WriteString(`package t
slo: {availability: 99.9, rpo: "1m", rto: "5m", latency: {localRead: "10ms", crossRegionRead: "100ms", primaryWrite: "300ms"}}
backup: retentionDays: 7
terraform: {accountId: "111122223333", eks: adminPrincipals: ["arn:aws:iam::111122223333:role/admin"]}
`)
	clouds := []string{"us-east-1", "eu-west-1", "ap-southeast-1", "us-west-2", "eu-central-1", "sa-east-1", "ap-northeast-1", "ca-central-1"}
	for i, s := range specs {
		var name string
		var members, prio, voters int
		prio, voters = 7-i, -1
		n, _ := fmt.Sscanf(strings.ReplaceAll(s, ":", " "), "%s %d %d %d", &name, &members, &prio, &voters)
		if n < 3 {
			prio = 7 - i
		}
		fmt.Fprintf(&b, "regions: %s: {cloudRegion: %q, cidr: \"10.%d.0.0/16\", zones: [\"%sa\", \"%sb\"], priority: %d, members: %d", name, clouds[i], i, clouds[i], clouds[i], prio, members)
		if n == 4 {
			fmt.Fprintf(&b, ", voters: %d", voters)
		}
		b.WriteString(`, sizing: {cpu: "1", memory: "8Gi", storageSize: "10Gi", storageClass: "gp3", instanceType: "r6i.large"}}` + "\n")
	}
	return map[string][]byte{"t.cue": []byte(b.String())}
}

func votesLayout(t *model.Topology) string {
	var parts []string
	for _, r := range t.PreferredRegions() {
		parts = append(parts, fmt.Sprintf("%s=%d", r.Name, r.Voters))
	}
	return strings.Join(parts, " ")
}

func TestVoteAssignment(t *testing.T) {
	tests := []struct {
		name    string
		regions []string
		want    string // voters per region in preference order
		wantErr string
	}{
		{"seed 3x3 becomes 3/2/2", []string{"us:3", "eu:3", "apac:3"}, "us=3 eu=2 apac=2", ""},
		{"one member", []string{"solo:1"}, "solo=1", ""},
		{"two regions 3+3: odd total", []string{"us:3", "eu:3"}, "us=3 eu=2", ""},
		{"two regions 1+1: one voter", []string{"us:1", "eu:1"}, "us=1 eu=0", ""},
		{"uneven 5/1/1 is capped so no region holds a majority", []string{"us:5", "eu:1", "apac:1"}, "us=1 eu=1 apac=1", ""},
		{"5 regions", []string{"a:3", "b:2", "c:3", "d:2", "e:1"}, "a=2 b=2 c=1 d=1 e=1", ""},
		{"7x7", []string{"a:7", "b:7", "c:7", "d:7", "e:7", "f:7", "g:7"}, "a=1 b=1 c=1 d=1 e=1 f=1 g=1", ""},
		{"pinned voters are kept", []string{"us:3:7:1", "eu:3", "apac:3"}, "us=1 eu=3 apac=3", ""},
		{"pinned even total", []string{"us:3:7:2", "eu:3:6:2", "apac:3:5:2"}, "", "6 voting members"},
		{"pinned over 7", []string{"us:5:7:4", "eu:5:6:4", "apac:3:5:1"}, "", "9 voting members"},
		{"pinned majority region", []string{"us:3:7:3", "eu:3:6:1", "apac:3:5:1"}, "", `losing region "us" leaves 2 of 5 votes`},
		{"voters above members", []string{"us:1:7:2", "eu:3", "apac:3"}, "", "voters 2 is more than the region's 1 members"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			topo, diags := LoadFiles("in", topologyFiles(tt.regions...))
			if tt.wantErr != "" {
				if !strings.Contains(diags.Error(), tt.wantErr) {
					t.Fatalf("want error containing %q, got:\n%s", tt.wantErr, diags.Error())
				}
				return
			}
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			if got := votesLayout(topo); got != tt.want {
				t.Errorf("voters %s, want %s", got, tt.want)
			}
			// Invariants: every member with priority > 0 votes; at most 7 voters.
			for _, m := range topo.Members {
				if m.Priority > 0 && m.Votes != 1 {
					t.Errorf("%s has priority %d without a vote", m.Host, m.Priority)
				}
			}
			if v := topo.Voters(); v > model.MaxVoters || v%2 == 0 {
				t.Errorf("%d voters", v)
			}
		})
	}
}

func TestMembersStableIDsAndHosts(t *testing.T) {
	topo, diags := Load("../regions")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	want := []string{
		"0 global-rs-us-0.us.db.myapp.internal:27017",
		"100 global-rs-eu-0.eu.db.myapp.internal:27017",
		"202 global-rs-apac-2.apac.db.myapp.internal:27017",
	}
	got := map[string]bool{}
	for _, m := range topo.Members {
		got[fmt.Sprintf("%d %s", m.ID, m.HostPort())] = true
		if strings.Contains(m.Host, "svc.cluster.local") {
			t.Errorf("member host %s only resolves inside its own cluster", m.Host)
		}
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("missing member %s", w)
		}
	}
}
