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
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			topo := load(t, c.input)
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
				for _, stanza := range []string{"errors", "health {", "lameduck 5s", "ready", "kubernetes cluster.local in-addr.arpa ip6.arpa {", "pods insecure", "fallthrough in-addr.arpa ip6.arpa", "prometheus :9153", "forward . /etc/resolv.conf", "cache 30", "loop", "reload", "loadbalance"} {
					if !strings.Contains(cfg, "\n    "+stanza+"\n") && !strings.Contains(cfg, "\n      "+stanza+"\n") && !strings.Contains(cfg, "\n        "+stanza+"\n") {
						t.Errorf("region %s: the Corefile lost EKS's default %q:\n%s", r.Name, stanza, cfg)
					}
				}
				rules := rewriteRE.FindAllStringSubmatch(cfg, -1)
				if topo.Sharding != nil {
					if len(rules) != 0 {
						t.Errorf("region %s: sharded, yet rewrites %q", r.Name, rules)
					}
					continue
				}
				if len(rules) != 2 || rules[0][1] != "name regex" || rules[1][1] != "answer name" {
					t.Fatalf("region %s: want one name regex and one answer name rule, got %q", r.Name, rules)
				}
				headless := names.HeadlessService(topo, r) + "." + topo.Kubernetes.Namespace + ".svc.cluster.local."
				for _, m := range topo.Members {
					got, ok := coreDNSRewrite(t, rules[0][2], rules[0][3], m.Host+".")
					if m.Region != r.Name {
						if ok {
							t.Errorf("region %s rewrites region %s's member %s to %s", r.Name, m.Region, m.Host, got)
						}
						continue
					}
					if want := m.Pod + "." + headless; got != want {
						t.Errorf("region %s: %s rewritten to %q, want %q", r.Name, m.Host, got, want)
					}
					if back, _ := coreDNSRewrite(t, rules[1][2], rules[1][3], got); back != m.Host+"." {
						t.Errorf("region %s: the answer %s is rewritten to %q, want the question %s.", r.Name, got, back, m.Host)
					}
				}
				for _, other := range []string{"x" + names.StatefulSet(topo, r) + "-0." + r.DNSZone + ".", names.StatefulSet(topo, r) + "-0." + r.DNSZone + ".evil.", names.StatefulSet(topo, r) + "-a." + r.DNSZone + "."} {
					if got, ok := coreDNSRewrite(t, rules[0][2], rules[0][3], other); ok {
						t.Errorf("region %s rewrites %s to %s", r.Name, other, got)
					}
				}
			}
		})
	}
}
