package compile

import (
	"encoding/json"
	"maps"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/generators/terraform"
	"github.com/topogen/topogen/internal/testtopo"
	"github.com/topogen/topogen/model"
)

// TestCoreDNSRewritesToStatefulSetPods ties the Terraform target's CoreDNS
// rewrite to what the Kubernetes and replset targets rendered, not to the
// names the rewrite is built from: in each region's tree, each StatefulSet
// (metadata.name, namespace, replicas, serviceName, a headless Service of
// that name) gives its pods' records, "<pod>.<serviceName>.<namespace>.
// svc.cluster.local", pod "<name>-<ordinal>" (Kubernetes docs, StatefulSet
// "Stable Network ID"). The rendered replica-set configs give every
// member's host and region (tags.region). The region's rendered Corefile
// (its coredns add-on's configuration_values, evaluated with Terraform's
// jsonencode) must rewrite each of the region's own member hosts to the
// record of the pod its first label names, answer back with the host, and
// rewrite nothing else: no other region's member, no name beside a member
// host, no other region's pod record in an answer.
func TestCoreDNSRewritesToStatefulSetPods(t *testing.T) {
	for _, c := range testtopo.Cases(t) {
		t.Run(c.Name, func(t *testing.T) {
			topo, files := render(t, c.Dir)
			members := renderedMembers(t, files)
			pods := map[string]map[string]string{} // region → pod → record
			for _, r := range topo.Regions {
				pods[r.Name] = renderedPods(t, files, r)
			}
			for _, r := range topo.Regions {
				rules := corefileRewrites(t, files, r)
				own := map[string]bool{}
				for _, m := range members {
					pod, domain, _ := strings.Cut(m.host, ".")
					record, ok := pods[m.region][pod]
					if !ok {
						t.Errorf("member %s of region %s names pod %s, which no StatefulSet of the region runs (pods %v)", m.host, m.region, pod, slices.Sorted(maps.Keys(pods[m.region])))
						continue
					}
					if m.region != r.Name {
						if got, ok := rules.question(m.host + "."); ok {
							t.Errorf("region %s rewrites region %s's member %s to %s", r.Name, m.region, m.host, got)
						}
						if back, ok := rules.answer(t, record+"."); ok {
							t.Errorf("region %s rewrites the answer %s (region %s's pod) to %s", r.Name, record, m.region, back)
						}
						continue
					}
					own[pod] = true
					got, ok := rules.question(m.host + ".")
					if want := record + "."; !ok || got != want {
						t.Errorf("region %s: %s is rewritten to %q (rewritten: %v), want %q", r.Name, m.host, got, ok, want)
					}
					if back, ok := rules.answer(t, record+"."); !ok || back != m.host+"." {
						t.Errorf("region %s: the answer %s is rewritten to %q (rewritten: %v), want the question %s.", r.Name, record, back, ok, m.host)
					}
					stem := strings.TrimRight(pod, "0123456789")
					for _, near := range []string{"x" + m.host, m.host + ".evil", pod + "x." + domain, stem + "a." + domain, pod + ".x." + domain} {
						if got, ok := rules.question(near + "."); ok {
							t.Errorf("region %s rewrites %s. to %s", r.Name, near, got)
						}
					}
				}
				for pod := range pods[r.Name] {
					if !own[pod] {
						t.Errorf("region %s: pod %s is no member of a rendered replica-set config", r.Name, pod)
					}
				}
			}
		})
	}
}

// member is a replica-set member as a rendered config lists it.
type member struct{ host, region string }

// renderedMembers reads every rendered replica-set config
// (replset/rs-initiate.json, or one per set under replset/sets/): each
// member's host without its port, and its region tag.
func renderedMembers(t *testing.T, files map[string][]byte) []member {
	t.Helper()
	var out []member
	for p, b := range files {
		if path.Base(p) != "rs-initiate.json" || !strings.HasPrefix(p, "replset/") {
			continue
		}
		var cfg struct {
			Members []struct {
				Host string            `json:"host"`
				Tags map[string]string `json:"tags"`
			} `json:"members"`
		}
		if err := json.Unmarshal(b, &cfg); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, m := range cfg.Members {
			host, _, ok := strings.Cut(m.Host, ":")
			if !ok || m.Tags["region"] == "" {
				t.Fatalf("%s: member %q without a port or a region tag", p, m.Host)
			}
			out = append(out, member{host, m.Tags["region"]})
		}
	}
	if len(out) == 0 {
		t.Fatal("no rendered replica-set config")
	}
	return out
}

// renderedPods reads region r's StatefulSets and their governing Services
// from its tree: each pod's name and in-cluster record.
func renderedPods(t *testing.T, files map[string][]byte, r model.Region) map[string]string {
	t.Helper()
	dir := names.KubernetesDir(r)
	pods := map[string]string{}
	for p := range files {
		if path.Dir(p) != dir || !strings.HasPrefix(path.Base(p), "statefulset-") {
			continue
		}
		sts, spec := specOf[struct {
			Replicas    *int   `json:"replicas"`
			ServiceName string `json:"serviceName"`
		}](t, files, p)
		if spec.Replicas == nil || spec.ServiceName == "" || sts.Metadata.Namespace == "" {
			t.Fatalf("%s: replicas %v, serviceName %q, namespace %q", p, spec.Replicas, spec.ServiceName, sts.Metadata.Namespace)
		}
		svc, svcSpec := specOf[struct {
			ClusterIP string `json:"clusterIP"`
		}](t, files, dir+"/"+names.ObjectFile("Service", spec.ServiceName))
		// A pod has a record under its Service only when the Service is
		// headless (Kubernetes docs, "DNS for Services and Pods").
		if svc.Metadata.Namespace != sts.Metadata.Namespace || svcSpec.ClusterIP != "None" {
			t.Errorf("%s: serviceName %s is not a headless Service of namespace %s (namespace %q, clusterIP %q)", p, spec.ServiceName, sts.Metadata.Namespace, svc.Metadata.Namespace, svcSpec.ClusterIP)
		}
		for i := range *spec.Replicas {
			pod := sts.Metadata.Name + "-" + strconv.Itoa(i)
			pods[pod] = pod + "." + spec.ServiceName + "." + sts.Metadata.Namespace + ".svc.cluster.local"
		}
	}
	if len(pods) == 0 {
		t.Fatalf("%s: no StatefulSet", dir)
	}
	return pods
}

// rewriteRule is one regex rule of the CoreDNS rewrite plugin: a name
// matching re becomes to, {N} the N-th group.
type rewriteRule struct {
	re *regexp.Regexp
	to string
}

func (r rewriteRule) apply(name string) (string, bool) {
	m := r.re.FindStringSubmatch(name)
	if m == nil {
		return "", false
	}
	out := r.to
	for i := len(m) - 1; i > 0; i-- {
		out = strings.ReplaceAll(out, "{"+strconv.Itoa(i)+"}", m[i])
	}
	return out, true
}

// rewrites are a Corefile's "rewrite stop" blocks in order, each a
// question rule (name regex) and its answer rule (answer name).
type rewrites []struct{ name, answer rewriteRule }

// question is what the first block whose question rule matches makes of a
// question ("stop": no later block runs).
func (rs rewrites) question(name string) (string, bool) {
	for _, r := range rs {
		if got, ok := r.name.apply(name); ok {
			return got, true
		}
	}
	return "", false
}

// answer is what the answer rules make of an answer name: only the block
// whose question rule matched rewrites its answer, so at most one may
// match.
func (rs rewrites) answer(t *testing.T, name string) (string, bool) {
	t.Helper()
	var got []string
	for _, r := range rs {
		if s, ok := r.answer.apply(name); ok {
			got = append(got, s)
		}
	}
	if len(got) > 1 {
		t.Errorf("the answer %s matches %d answer rules: %q", name, len(got), got)
	}
	if len(got) == 0 {
		return "", false
	}
	return got[0], true
}

var rewriteBlockRE = regexp.MustCompile(`(?m)^\s*rewrite stop \{\n\s*name regex (\S+) (\S+)\n\s*answer name (\S+) (\S+)\n\s*\}$`)

// corefileRewrites evaluates region r's coredns add-on configuration_values
// (a resource aws_eks_addon with addon_name "coredns" in the region's
// Terraform stack) as Terraform does, with cty's jsonencode (the function
// Terraform's jsonencode is), and returns its Corefile's rewrite blocks.
func corefileRewrites(t *testing.T, files map[string][]byte, r model.Region) rewrites {
	t.Helper()
	var corefile string
	n := 0
	for p, b := range files {
		if path.Dir(p) != terraform.Dir+"/"+r.Name || path.Ext(p) != ".tf" {
			continue
		}
		for _, blk := range hclFile(t, p, b).Body.(*hclsyntax.Body).Blocks {
			if blk.Type != "resource" || blk.Labels[0] != "aws_eks_addon" {
				continue
			}
			if v, diags := blk.Body.Attributes["addon_name"].Expr.Value(nil); diags.HasErrors() || v.AsString() != "coredns" {
				continue
			}
			v, diags := blk.Body.Attributes["configuration_values"].Expr.Value(&hcl.EvalContext{
				Functions: map[string]function.Function{"jsonencode": stdlib.JSONEncodeFunc},
			})
			if diags.HasErrors() || v.Type() != cty.String {
				t.Fatalf("%s: configuration_values: %v", p, diags)
			}
			var cfg map[string]string
			if err := json.Unmarshal([]byte(v.AsString()), &cfg); err != nil {
				t.Fatalf("%s: configuration_values: %v", p, err)
			}
			corefile = cfg["corefile"]
			n++
		}
	}
	if n != 1 {
		t.Fatalf("region %s: %d coredns add-ons, want 1", r.Name, n)
	}
	var out rewrites
	for _, m := range rewriteBlockRE.FindAllStringSubmatch(corefile, -1) {
		var rw struct{ name, answer rewriteRule }
		for i, rule := range []*rewriteRule{&rw.name, &rw.answer} {
			re, err := regexp.Compile(m[1+2*i])
			if err != nil {
				t.Fatalf("region %s: %q: %v", r.Name, m[1+2*i], err)
			}
			*rule = rewriteRule{re, m[2+2*i]}
		}
		out = append(out, rw)
	}
	if strings.Count(corefile, "rewrite") != len(out) {
		t.Fatalf("region %s: %d rewrite blocks read of:\n%s", r.Name, len(out), corefile)
	}
	return out
}
