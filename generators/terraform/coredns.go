package terraform

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// The coredns managed add-on's Corefile (the configuration value
// "corefile" of the add-on's schema, `aws eks describe-addon-configuration
// --addon-name coredns`; AWS Containers blog "Recent changes to the CoreDNS
// add-on"): EKS's default Corefile, every stanza kept (its kubernetes
// zone is kubernetes.clusterDomain, which vet holds to EKS's
// cluster.local), plus one rewrite per replica set in the region.
// The value replaces the whole Corefile, hence the default stanzas here.
//
// The rewrite (README "Self-detection after a restart", from mongod's
// src/mongo/db/repl/isself.cpp): the region's own member names,
// "<pod>.<region>.<domain>", resolve inside the region's cluster to the
// headless Service's per-pod records, "<pod>.<headless>.<namespace>.svc.
// <clusterDomain>" (names.ServiceHost), which exist before the pod is ready
// (publishNotReadyAddresses). A restarted member then finds its own
// address behind its config host at once (isSelf's fast path) instead of
// waiting for its NLB target; other regions' member names are untouched
// and still resolve to their NLBs through the private zones.
//
// The answer rewrite puts the asked name back into the answer (CoreDNS
// rewrite plugin, "Response Rewrites": resolvers may reject an answer
// whose name differs from the question). Both rules are regexes (RE2:
// CoreDNS compiles them with Go's regexp), anchored, on fully qualified
// names (the trailing dot), so no other name is rewritten.

// eksDefaultCorefile is the Corefile the EKS coredns add-on installs (its
// ConfigMap coredns in kube-system), split around where the rewrite goes:
// a plugin's position in the file does not matter (CoreDNS orders plugins
// by plugin.cfg, rewrite before kubernetes), so it sits after ready.
const (
	eksCorefileHead = `.:53 {
    errors
    health {
        lameduck 5s
      }
    ready
`
	// eksCorefileTail follows the kubernetes plugin's zone, the
	// topology's kubernetes.clusterDomain (EKS's default: cluster.local).
	eksCorefileTail = `    kubernetes %s in-addr.arpa ip6.arpa {
      pods insecure
      fallthrough in-addr.arpa ip6.arpa
    }
    prometheus :9153
    forward . /etc/resolv.conf
    cache 30
    loop
    reload
    loadbalance
}
`
)

// selfRewrite is the rewrite of region r's own member names: the question
// regex and its replacement, and the answer regex and its replacement.
type selfRewrite struct {
	name, nameTo, answer, answerTo string
}

func regionSelfRewrite(t *model.Topology, r model.Region) selfRewrite {
	pod := regexp.QuoteMeta(names.StatefulSet(t, r)) + "-[0-9]+"
	inCluster := names.ServiceHost(t, names.HeadlessService(t, r)) + "."
	return selfRewrite{
		name:     "^(" + pod + `)\.` + regexp.QuoteMeta(r.DNSZone) + `\.$`,
		nameTo:   "{1}." + inCluster,
		answer:   "^(" + pod + `)\.` + regexp.QuoteMeta(inCluster) + "$",
		answerTo: "{1}." + r.DNSZone + ".",
	}
}

// corefile is region r's Corefile: one rewrite per replica set with
// members in the region (the replica-set mode's one set; in the sharded
// mode the config servers' and each shard's, each with its own
// StatefulSet and headless Service, built from the set's view as the
// Kubernetes target builds them). Each rule is "stop": a name matches at
// most one set's pod pattern, since the set name leads the pod name.
func corefile(t *model.Topology, r model.Region) string {
	var b strings.Builder
	b.WriteString(eksCorefileHead)
	for _, v := range t.SetViews() {
		if _, ok := v.Region(r.Name); !ok {
			continue
		}
		rw := regionSelfRewrite(v, r)
		b.WriteString("    rewrite stop {\n" +
			"        name regex " + rw.name + " " + rw.nameTo + "\n" +
			"        answer name " + rw.answer + " " + rw.answerTo + "\n" +
			"    }\n")
	}
	fmt.Fprintf(&b, eksCorefileTail, t.Kubernetes.ClusterDomain)
	return b.String()
}

// corednsConfig is the coredns add-on's configuration_values:
// jsonencode({ corefile = <<-EOT ... EOT }), the Corefile as a heredoc a
// reviewer reads as it is. It holds no "${" or "%{", so the heredoc has no
// template sequence.
func corednsConfig(t *model.Topology, r model.Region) hclwrite.Tokens {
	cf := corefile(t, r)
	if strings.Contains(cf, "${") || strings.Contains(cf, "%{") {
		panic("corefile holds a template sequence") // constants and DNS names only
	}
	heredoc := hclwrite.Tokens{{Type: hclsyntax.TokenOHeredoc, Bytes: []byte("<<-EOT\n")}}
	for _, line := range strings.SplitAfter(strings.TrimSuffix(cf, "\n"), "\n") {
		if !strings.HasSuffix(line, "\n") {
			line += "\n"
		}
		heredoc = append(heredoc, &hclwrite.Token{Type: hclsyntax.TokenStringLit, Bytes: []byte(line)})
	}
	heredoc = append(heredoc, &hclwrite.Token{Type: hclsyntax.TokenCHeredoc, Bytes: []byte("EOT")})
	return call("jsonencode", objectOf(attr{"corefile", heredoc}))
}
