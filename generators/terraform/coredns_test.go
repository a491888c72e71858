package terraform

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/internal/testtopo"
	"github.com/topogen/topogen/model"
)

var rewriteRE = regexp.MustCompile(`(?m)^\s*(name regex|answer name) (\S+) (\S+)$`)

// coreDNSRewrite applies a CoreDNS regex rewrite as the rewrite plugin
// does (Go's regexp, {N} the N-th group); ok is false on no match.
func coreDNSRewrite(t *testing.T, from, to, name string) (string, bool) {
	t.Helper()
	re, err := regexp.Compile(from)
	if err != nil {
		t.Fatalf("%q: %v", from, err)
	}
	m := re.FindStringSubmatch(name)
	if m == nil {
		return "", false
	}
	for i := len(m) - 1; i > 0; i-- {
		to = strings.ReplaceAll(to, "{"+string(rune('0'+i))+"}", m[i])
	}
	return to, true
}

// TestCoreDNSRewritesOwnMembers evaluates each region's rendered coredns
// configuration_values (jsonencode of the heredoc, with Terraform's
// jsonencode), runs its rewrite rules on every member host of the
// topology, and expects: each of the region's own members rewritten to its
// pod's record under the headless Service the StatefulSet is governed by,
// and back in the answer; no other region's member touched; EKS's default
// stanzas all present.
func TestCoreDNSRewritesOwnMembers(t *testing.T) {
	type corednsCase struct {
		name   string
		topo   func(t *testing.T) *model.Topology
		domain string // the clusters' DNS domain the Corefile must serve
	}
	var cases []corednsCase
	for _, c := range testtopo.Cases(t) {
		cases = append(cases, corednsCase{c.Name, func(t *testing.T) *model.Topology { return load(t, c.Dir) }, "cluster.local"})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			topo := c.topo(t)
			byStack := stacks(generate(t, topo))
			for _, r := range topo.Regions {
				var cfg string
				for _, b := range parse(t, byStack[Dir+"/"+r.Name]) {
					if b.key != "resource aws_eks_addon."+rid(r)+"_coredns" {
						continue
					}
					v, diags := b.body.Attributes["configuration_values"].Expr.Value(&hcl.EvalContext{
						Functions: map[string]function.Function{"jsonencode": stdlib.JSONEncodeFunc},
					})
					if diags.HasErrors() || v.Type() != cty.String {
						t.Fatalf("region %s: configuration_values: %v", r.Name, diags)
					}
					var m map[string]string
					if err := json.Unmarshal([]byte(v.AsString()), &m); err != nil {
						t.Fatal(err)
					}
					cfg = m["corefile"]
				}
				for _, stanza := range []string{"errors", "health {", "lameduck 5s", "ready", "kubernetes " + c.domain + " in-addr.arpa ip6.arpa {", "pods insecure", "fallthrough in-addr.arpa ip6.arpa", "prometheus :9153", "forward . /etc/resolv.conf", "cache 30", "loop", "reload", "loadbalance"} {
					if !strings.Contains(cfg, "\n    "+stanza+"\n") && !strings.Contains(cfg, "\n      "+stanza+"\n") && !strings.Contains(cfg, "\n        "+stanza+"\n") {
						t.Errorf("region %s: the Corefile lost EKS's default %q:\n%s", r.Name, stanza, cfg)
					}
				}
				rules := rewriteRE.FindAllStringSubmatch(cfg, -1)
				// The sets with members in r, each with its own StatefulSet
				// and headless Service (the Kubernetes target's names).
				all := topo.SetViews()
				var sets []*model.Topology
				for _, v := range all {
					if _, ok := v.Region(r.Name); ok {
						sets = append(sets, v)
					}
				}
				if len(rules) != 2*len(sets) {
					t.Fatalf("region %s: want a name regex and an answer name rule for each of its %d sets, got %q", r.Name, len(sets), rules)
				}
				// rewrite applies the first rule whose question regex matches,
				// as the "stop" rules do in order.
				rewrite := func(name string) (string, string, bool) {
					for i := 0; i+1 < len(rules); i += 2 {
						if rules[i][1] != "name regex" || rules[i+1][1] != "answer name" {
							t.Fatalf("region %s: rules out of pairs: %q", r.Name, rules)
						}
						if got, ok := coreDNSRewrite(t, rules[i][2], rules[i][3], name); ok {
							back, _ := coreDNSRewrite(t, rules[i+1][2], rules[i+1][3], got)
							return got, back, true
						}
					}
					return "", "", false
				}
				for _, v := range all {
					headless := names.HeadlessService(v, r) + "." + topo.Kubernetes.Namespace + ".svc." + c.domain + "."
					for _, m := range v.Members {
						got, back, ok := rewrite(m.Host + ".")
						if m.Region != r.Name {
							if ok {
								t.Errorf("region %s rewrites region %s's member %s to %s", r.Name, m.Region, m.Host, got)
							}
							continue
						}
						if want := m.Pod + "." + headless; got != want {
							t.Errorf("region %s: %s rewritten to %q, want %q", r.Name, m.Host, got, want)
						}
						if back != m.Host+"." {
							t.Errorf("region %s: the answer %s is rewritten to %q, want the question %s.", r.Name, got, back, m.Host)
						}
					}
				}
				for _, v := range sets {
					sts := names.StatefulSet(v, r)
					for _, other := range []string{"x" + sts + "-0." + r.DNSZone + ".", sts + "-0." + r.DNSZone + ".evil.", sts + "-a." + r.DNSZone + "."} {
						if got, _, ok := rewrite(other); ok {
							t.Errorf("region %s rewrites %s to %s", r.Name, other, got)
						}
					}
				}
			}
		})
	}
}
