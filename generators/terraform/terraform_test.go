package terraform

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/internal/testmemo"
	"github.com/topogen/topogen/internal/testtopo"
	"github.com/topogen/topogen/model"
	"github.com/topogen/topogen/schema"
)

// tfBlock is one top-level block of the generated module.
type tfBlock struct {
	file string
	typ  string
	// labels; for provider blocks the alias is appended, for locals the
	// attribute names, so that every key is unique.
	key  string
	body *hclsyntax.Body
	src  []byte
	lbls []string
}

var parsed testmemo.Memo[string, *hcl.File] // by path and content

// parseFile parses one rendered file, once per path and content: the tests
// parse the same generated stacks many times and only read the result.
func parseFile(t *testing.T, p string, data []byte) *hcl.File {
	t.Helper()
	f, err := parsed.Get(p+"\x00"+string(data), func() (*hcl.File, error) {
		f, diags := hclsyntax.ParseConfig(data, p, hcl.InitialPos)
		if diags.HasErrors() {
			return nil, fmt.Errorf("%s does not parse: %s", p, diags.Error())
		}
		return f, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// parse parses every file with hclsyntax and returns its top-level blocks
// in file, then source order.
func parse(t *testing.T, files map[string][]byte) []tfBlock {
	t.Helper()
	var paths []string
	for p := range files {
		if strings.HasSuffix(p, ".tf") {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)
	var out []tfBlock
	for _, p := range paths {
		for _, b := range parseFile(t, p, files[p]).Body.(*hclsyntax.Body).Blocks {
			key := b.Type + " " + strings.Join(b.Labels, ".")
			switch b.Type {
			case "provider":
				key += " " + literal(t, b.Body, "alias")
			case "locals":
				key += " " + strings.Join(attrNames(b.Body), ",")
			}
			r := b.Range()
			out = append(out, tfBlock{file: p, typ: b.Type, key: key, body: b.Body, src: files[p][r.Start.Byte:r.End.Byte], lbls: b.Labels})
		}
	}
	return out
}

func attrNames(b *hclsyntax.Body) []string {
	var ns []string
	for n := range b.Attributes {
		ns = append(ns, n)
	}
	slices.Sort(ns)
	return ns
}

// literal evaluates a constant string attribute.
func literal(t *testing.T, b *hclsyntax.Body, name string) string {
	t.Helper()
	a, ok := b.Attributes[name]
	if !ok {
		return ""
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() || !v.Type().Equals(cty.String) {
		t.Fatalf("%s: %s is not a string literal", a.SrcRange, name)
	}
	return v.AsString()
}

func nested(b *hclsyntax.Body, typ string) []*hclsyntax.Block {
	var out []*hclsyntax.Block
	for _, nb := range b.Blocks {
		if nb.Type == typ {
			out = append(out, nb)
		}
	}
	return out
}

// stacks groups the rendered files by stack directory (terraform/<stack>/).
func stacks(files map[string][]byte) map[string]map[string][]byte {
	out := map[string]map[string][]byte{}
	for p, b := range files {
		dir := filepath.Dir(p)
		if out[dir] == nil {
			out[dir] = map[string][]byte{}
		}
		out[dir][p] = b
	}
	return out
}

func TestFormattedAsTerraformFmt(t *testing.T) {
	regional := []string{LBControllerPolicyFile, "backup.tf", "dns.tf", "eks.tf", "iam.tf", "network.tf", "outputs.tf", "providers.tf", "secrets.tf", "versions.tf"}
	global := []string{"backup.tf", "dns.tf", "monitoring.tf", "outputs.tf", "peering.tf", "providers.tf", "remote_state.tf", "secrets.tf", "versions.tf"}
	for _, c := range testtopo.Cases(t) {
		t.Run(c.Name, func(t *testing.T) {
			topo := load(t, c.Dir)
			files := generate(t, topo)
			boot := []string{"outputs.tf", "providers.tf", "state.tf", "versions.tf"}
			if topo.Delivery.Management != nil {
				boot = append([]string{"management.tf"}, boot...)
			}
			want := map[string][]string{Dir + "/" + GlobalStack: global, Dir + "/" + BootstrapStack: boot}
			for _, r := range topo.Regions {
				want[Dir+"/"+r.Name] = regional
			}
			got := map[string][]string{}
			for p, data := range files {
				got[filepath.Dir(p)] = append(got[filepath.Dir(p)], filepath.Base(p))
				if !strings.HasSuffix(p, ".tf") {
					continue
				}
				// terraform fmt is hclwrite.Format plus rewrites of legacy
				// syntax this generator never emits; the real
				// `terraform fmt -check` runs in scripts/validate-terraform.sh.
				if f := hclwrite.Format(data); !bytes.Equal(f, data) {
					t.Errorf("%s is not formatted as terraform fmt would", p)
				}
			}
			for d := range got {
				slices.Sort(got[d])
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("files = %v, want %v", got, want)
			}
			parse(t, files)
		})
	}
}

// TestReferencesDefined walks every expression of every block of each
// stack and checks that each resource, data source, provider alias,
// variable and local it refers to is defined in the same stack, that every
// resource and data source names its provider (there is no default
// provider), and that each regional output the global stack reads through
// terraform_remote_state is declared by that region's stack.
func TestReferencesDefined(t *testing.T) {
	for _, c := range testtopo.Cases(t) {
		t.Run(c.Name, func(t *testing.T) {
			topo := load(t, c.Dir)
			byStack := stacks(generate(t, topo))
			outputs := map[string]bool{} // "<region id>.<output>"
			for _, r := range topo.Regions {
				for _, b := range parse(t, byStack[Dir+"/"+r.Name]) {
					if b.typ == "output" {
						outputs[rid(r)+"."+b.lbls[0]] = true
					}
					if b.typ == "data" && b.lbls[0] == "terraform_remote_state" {
						t.Errorf("%s: a regional stack reads another stack's state", b.file)
					}
				}
			}
			refs, remote := 0, 0
			for dir, files := range byStack {
				blocks := parse(t, files)
				defined := map[string]bool{"path.module": true}
				for _, b := range blocks {
					switch b.typ {
					case "resource":
						defined[b.lbls[0]+"."+b.lbls[1]] = true
					case "data":
						defined["data."+b.lbls[0]+"."+b.lbls[1]] = true
					case "ephemeral":
						defined["ephemeral."+b.lbls[0]+"."+b.lbls[1]] = true
					case "provider":
						defined[b.lbls[0]+"."+literal(t, b.body, "alias")] = true
					case "variable":
						defined["var."+b.lbls[0]] = true
					case "locals":
						for n := range b.body.Attributes {
							defined["local."+n] = true
						}
					}
				}
				for _, b := range blocks {
					if b.typ == "resource" || b.typ == "ephemeral" || b.typ == "data" && b.lbls[0] != "terraform_remote_state" {
						if _, ok := b.body.Attributes["provider"]; !ok {
							t.Errorf("%s: %s sets no provider", b.file, b.key)
						}
					}
					walk(b.body, func(a *hclsyntax.Attribute) {
						for _, tr := range a.Expr.Variables() {
							refs++
							name, err := refName(tr)
							if err != nil {
								t.Errorf("%s: %v", a.SrcRange, err)
								continue
							}
							if !defined[name] {
								t.Errorf("%s: %s refers to undefined %s (in %s)", a.SrcRange, a.Name, name, dir)
							}
							if strings.HasPrefix(name, "data.terraform_remote_state.") {
								remote++
								out := tr[4].(hcl.TraverseAttr).Name
								if region := tr[2].(hcl.TraverseAttr).Name; !outputs[region+"."+out] {
									t.Errorf("%s: the %s stack has no output %s", a.SrcRange, region, out)
								}
							}
						}
					})
				}
			}
			if refs == 0 || remote == 0 {
				t.Fatalf("%d references, %d remote: the walk is broken", refs, remote)
			}
		})
	}
}

func walk(b *hclsyntax.Body, fn func(*hclsyntax.Attribute)) {
	for _, n := range attrNames(b) {
		fn(b.Attributes[n])
	}
	for _, nb := range b.Blocks {
		// lifecycle's ignore_changes names the resource's own attributes,
		// not objects.
		if nb.Type == "lifecycle" {
			continue
		}
		walk(nb.Body, fn)
	}
}

// refName is the defined object a traversal refers to.
func refName(tr hcl.Traversal) (string, error) {
	parts := []string{tr.RootName()}
	for _, step := range tr[1:] {
		a, ok := step.(hcl.TraverseAttr)
		if !ok {
			break
		}
		parts = append(parts, a.Name)
	}
	want := 2
	switch parts[0] {
	case "data", "ephemeral":
		want = 3
	case "path":
		// path.module: the stack's own files (the LB controller policy).
		if len(parts) == 2 && parts[1] == "module" {
			return "path.module", nil
		}
		return "", fmt.Errorf("unexpected reference %v", parts)
	case "count", "each", "self", "terraform", "module":
		return "", fmt.Errorf("unexpected reference %s", parts[0])
	}
	if len(parts) < want {
		return "", fmt.Errorf("reference %v too short", parts)
	}
	return strings.Join(parts[:want], "."), nil
}

func count(blocks []tfBlock, typ string) int {
	n := 0
	for _, b := range blocks {
		if b.typ == "resource" && b.lbls[0] == typ {
			n++
		}
	}
	return n
}

func TestPeeringMesh(t *testing.T) {
	for _, c := range testtopo.Cases(t) {
		t.Run(c.Name, func(t *testing.T) {
			topo := load(t, c.Dir)
			blocks := parse(t, generate(t, topo))
			n := len(topo.Regions)
			pairs := n * (n - 1) / 2
			switch c.Name {
			case "default":
				if pairs != 3 {
					t.Fatalf("default has %d regions", n)
				}
			case "five-regions":
				if pairs != 10 {
					t.Fatalf("five-regions has %d regions", n)
				}
			}
			for _, typ := range []string{"aws_vpc_peering_connection", "aws_vpc_peering_connection_accepter"} {
				if got := count(blocks, typ); got != pairs {
					t.Errorf("%d %s, want n(n-1)/2 = %d", got, typ, pairs)
				}
			}
			if got, want := count(blocks, "aws_vpc_peering_connection_options"), 2*pairs; got != want {
				t.Errorf("%d peering options, want %d (one per side)", got, want)
			}
			// Each pair once, requested by the lexically-first region, and
			// routes to the peer in every private route table on both sides.
			routes := map[string]bool{}
			for _, b := range blocks {
				if b.typ == "resource" && b.lbls[0] == "aws_route" {
					routes[b.lbls[1]] = true
				}
			}
			for i, a := range topo.Regions {
				for j, b := range topo.Regions {
					if i == j {
						continue
					}
					for _, s := range subnets(a, model.Private) {
						if name := rid(a) + "_to_" + rid(b) + "_" + ident(s.Zone); !routes[name] {
							t.Errorf("no route %s", name)
						}
					}
					pc := findBlock(blocks, "resource aws_vpc_peering_connection."+pairName(a, b))
					if (pc != nil) != (i < j) {
						t.Errorf("peering %s exists = %v, want %v", pairName(a, b), pc != nil, i < j)
					}
					if pc != nil && literal(t, pc.body, "peer_region") != b.CloudRegion {
						t.Errorf("peering %s: wrong peer_region", pairName(a, b))
					}
				}
			}
		})
	}
}

func findBlock(blocks []tfBlock, key string) *tfBlock {
	for i := range blocks {
		if blocks[i].key == key {
			return &blocks[i]
		}
	}
	return nil
}

// TestSubnets checks the carving scheme on every golden input: each subnet
// inside its region's VPC, no two subnets of the module overlapping, one
// private and one public per zone, and the generated cidr_blocks equal to
// the model's.
func TestSubnets(t *testing.T) {
	for _, c := range testtopo.Cases(t) {
		t.Run(c.Name, func(t *testing.T) {
			topo := load(t, c.Dir)
			var all []netip.Prefix
			want := map[string]string{}
			for _, r := range topo.Regions {
				if got := len(r.Subnets); got != 2*len(r.Zones) {
					t.Errorf("%s: %d subnets for %d zones", r.Name, got, len(r.Zones))
				}
				for _, s := range r.Subnets {
					if !r.CIDR.Contains(s.CIDR.Addr()) || s.CIDR.Bits() < r.CIDR.Bits() {
						t.Errorf("%s: subnet %s outside VPC %s", r.Name, s.CIDR, r.CIDR)
					}
					for _, o := range all {
						if o.Overlaps(s.CIDR) {
							t.Errorf("%s: subnet %s overlaps %s", r.Name, s.CIDR, o)
						}
					}
					all = append(all, s.CIDR)
					want[subnetName(r, s)] = s.CIDR.String()
				}
			}
			got := map[string]string{}
			for _, b := range parse(t, generate(t, topo)) {
				if b.typ == "resource" && b.lbls[0] == "aws_subnet" {
					got[b.lbls[1]] = literal(t, b.body, "cidr_block")
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("generated subnets %v, want %v", got, want)
			}
		})
	}
}

// TestRoute53Records: every record has exactly one routing policy and a
// set identifier, no location is routed twice, and there is one default.
func TestRoute53Records(t *testing.T) {
	policies := []string{"geolocation_routing_policy", "latency_routing_policy", "failover_routing_policy", "weighted_routing_policy", "geoproximity_routing_policy", "cidr_routing_policy"}
	for _, c := range testtopo.Cases(t) {
		t.Run(c.Name, func(t *testing.T) {
			topo := load(t, c.Dir)
			seen := map[string]string{}
			for _, b := range parse(t, generate(t, topo)) {
				if b.typ != "resource" || b.lbls[0] != "aws_route53_record" {
					continue
				}
				n := 0
				for _, p := range policies {
					n += len(nested(b.body, p))
				}
				if n != 1 {
					t.Errorf("%s has %d routing policies, want 1", b.key, n)
				}
				if literal(t, b.body, "set_identifier") == "" {
					t.Errorf("%s has no set_identifier", b.key)
				}
				for _, g := range nested(b.body, "geolocation_routing_policy") {
					for _, kind := range []string{"continent", "country", "subdivision"} {
						if v := literal(t, g.Body, kind); v != "" {
							loc := kind + ":" + v
							if prev, dup := seen[loc]; dup {
								t.Errorf("%s routed by %s and %s", loc, prev, b.key)
							}
							seen[loc] = b.key
						}
					}
				}
			}
			if seen["country:*"] == "" {
				t.Error("no default geolocation record")
			}
			for _, r := range topo.Regions {
				for _, cont := range r.Continents {
					if seen["continent:"+cont] == "" {
						t.Errorf("continent %s of %s not routed", cont, r.Name)
					}
				}
			}
		})
	}
}

// TestAddRegionIsLocal adds a region to the default topology and checks
// that every block of the old module is still there, in the same order, and
// that each block that changed, and each new block, mentions the new region
// (lists of all regions, such as the private zones' VPCs, count as
// mentioning it).
func TestAddRegionIsLocal(t *testing.T) {
	const extra = `package regions

regions: af: {
	id:          3
	cloudRegion: "af-south-1"
	cidr:        "10.3.0.0/16"
	zones: ["af-south-1a", "af-south-1b"]
	priority: 4
	members:  1
	sizing: {
		cpu:          "8"
		memory:       "32Gi"
		storageSize:  "1Ti"
		storageClass: "fast-ssd"
		instanceType: "m6i.4xlarge"
	}
	serves: {
		continents: ["AF"]
		countries: ["EG"]
	}
}
`
	dir := "../../regions"
	files := map[string][]byte{}
	paths, _ := filepath.Glob(filepath.Join(dir, "*.cue"))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Base(p)] = b
	}
	files["af.cue"] = []byte(extra)
	grown, diags := schema.LoadFiles(dir, files)
	if diags.HasErrors() {
		t.Fatalf("load: %v", diags)
	}
	before := parse(t, generate(t, load(t, dir)))
	after := parse(t, generate(t, grown))

	mentions := regexp.MustCompile(`(^|[^A-Za-z0-9])af([^A-Za-z0-9]|$)`)
	idx := map[string]int{}
	for i, b := range after {
		if _, dup := idx[b.file+"|"+b.key]; dup {
			t.Fatalf("duplicate block %s", b.key)
		}
		idx[b.file+"|"+b.key] = i
	}
	last, unchanged, changed := -1, 0, 0
	for _, b := range before {
		i, ok := idx[b.file+"|"+b.key]
		if !ok {
			t.Errorf("%s: %s removed by adding a region", b.file, b.key)
			continue
		}
		if i < last {
			t.Errorf("%s: %s moved", b.file, b.key)
		}
		last = i
		a := after[i]
		delete(idx, b.file+"|"+b.key)
		if bytes.Equal(a.src, b.src) {
			unchanged++
			continue
		}
		changed++
		if !mentions.Match(a.src) {
			t.Errorf("%s: %s changed but does not mention the new region:\n%s\nwas:\n%s", b.file, b.key, a.src, b.src)
		}
	}
	added := 0
	for _, i := range idx {
		added++
		if !mentions.Match(after[i].src) {
			t.Errorf("%s: new block %s does not mention the new region", after[i].file, after[i].key)
		}
	}
	if unchanged == 0 || added == 0 {
		t.Fatalf("unchanged %d, added %d: the comparison is broken", unchanged, added)
	}
	t.Logf("adding a region: %d blocks unchanged, %d changed, %d added", unchanged, changed, added)
}

// TestIRSARoles: the roles the Kubernetes target annotates exist under the
// shared names, trusting exactly their ServiceAccount.
func TestIRSARoles(t *testing.T) {
	topo := load(t, "../../regions")
	blocks := parse(t, generate(t, topo))
	for _, r := range topo.Regions {
		for _, c := range []struct{ role, trust, name, subject string }{
			{rid(r) + "_backup", rid(r) + "_backup_assume", names.BackupRole(topo, r), "system:serviceaccount:" + topo.Kubernetes.Namespace + ":" + names.BackupServiceAccount},
			{rid(r) + "_external_dns", rid(r) + "_external_dns_assume", names.ExternalDNSRole(topo, r), "system:serviceaccount:" + names.ExternalDNSNamespace + ":" + names.ExternalDNSServiceAccount},
		} {
			role := findBlock(blocks, "resource aws_iam_role."+c.role)
			if role == nil {
				t.Fatalf("no role %s", c.role)
			}
			if got := literal(t, role.body, "name"); got != c.name {
				t.Errorf("role %s named %q, want %q", c.role, got, c.name)
			}
			trust := findBlock(blocks, "data aws_iam_policy_document."+c.trust)
			if trust == nil || !bytes.Contains(trust.src, []byte(`"`+c.subject+`"`)) {
				t.Errorf("%s does not trust %s", c.trust, c.subject)
			}
		}
	}
}

func TestRegionNamedGlobalRejected(t *testing.T) {
	for _, name := range []string{globalAlias, BootstrapStack} {
		topo := *load(t, "../../golden/one-member/input")
		topo.Regions = slices.Clone(topo.Regions)
		topo.Regions[0].Name = name
		if _, err := Generate(&topo); err == nil || !strings.Contains(err.Error(), name) {
			t.Fatalf("region %q: Generate = %v, want an error naming the clash", name, err)
		}
	}
}

// The direct tokenizer gives the parser's tokens for the references the
// generators write, and declines what it does not know.
func TestSimpleTraversal(t *testing.T) {
	for _, expr := range []string{
		"aws.us",
		"aws_vpc.us.id",
		"aws_eks_cluster.eu.identity[0].oidc[0].issuer",
		"data.aws_iam_policy_document.ap_south_1_backup_assume.json",
		"a-b.c[12]",
	} {
		got, ok := simpleTraversal(expr)
		if !ok {
			t.Errorf("%s: declined", expr)
			continue
		}
		trav, diags := hclsyntax.ParseTraversalAbs([]byte(expr), "x.tf", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		want := hclwrite.TokensForTraversal(trav)
		if string(got.Bytes()) != string(want.Bytes()) || len(got) != len(want) {
			t.Errorf("%s: got %q, want %q", expr, got.Bytes(), want.Bytes())
		}
		for i := range want {
			if got[i].Type != want[i].Type {
				t.Errorf("%s: token %d is %s, want %s", expr, i, got[i].Type, want[i].Type)
			}
		}
	}
	for _, expr := range []string{"", "1a", "-a", "a.", "a..b", "a[", "a[]", "a[01]", "a[x]", "a.b c", "a[\"k\"]", "é"} {
		if _, ok := simpleTraversal(expr); ok {
			t.Errorf("%q: accepted, want the parser's path", expr)
		}
	}
}

// TestDefaultRecordFailover: the default geolocation answer is an alias to
// a failover pair, the preferred region PRIMARY and the next by preference
// SECONDARY, each health-checked (issue 12, item 7: when the preferred
// region is down, default traffic must leave it).
func TestDefaultRecordFailover(t *testing.T) {
	topo := load(t, "../../regions")
	blocks := parse(t, generate(t, topo))
	def := findBlock(blocks, "resource aws_route53_record.api_default")
	if def == nil || len(nested(def.body, "alias")) != 1 || len(nested(def.body, "failover_routing_policy")) != 0 {
		t.Fatal("api_default is not an alias without failover policy")
	}
	alias := nested(def.body, "alias")[0].Body
	if got := literal(t, alias, "name"); got != failoverName(topo) {
		t.Errorf("default aliases %q, want %q", got, failoverName(topo))
	}
	prefs := topo.PreferredRegions()
	for i, c := range []struct{ label, typ string }{{"api_default_primary", "PRIMARY"}, {"api_default_secondary", "SECONDARY"}} {
		b := findBlock(blocks, "resource aws_route53_record."+c.label)
		if b == nil {
			t.Fatalf("no %s", c.label)
		}
		fo := nested(b.body, "failover_routing_policy")
		if len(fo) != 1 || literal(t, fo[0].Body, "type") != c.typ {
			t.Errorf("%s: not a %s failover record", c.label, c.typ)
		}
		if !bytes.Contains(b.src, []byte(`"`+names.PublicAPIRecord(topo, prefs[i])+`"`)) ||
			!bytes.Contains(b.src, []byte("aws_route53_health_check."+rid(prefs[i])+".id")) {
			t.Errorf("%s does not point at %s with its health check:\n%s", c.label, prefs[i].Name, b.src)
		}
	}
	if prefs[0].Name != "us" || prefs[1].Name != "eu" {
		t.Errorf("default topology's preference order is %s, %s; the scenario expects us, eu", prefs[0].Name, prefs[1].Name)
	}
}

// TestExistingPublicZone: createPublicZone false finds the zone by name
// instead of creating it, and has no name servers to output.
func TestExistingPublicZone(t *testing.T) {
	topo := *load(t, "../../regions")
	topo.DNS.CreatePublicZone = false
	files := generate(t, &topo)
	blocks := parse(t, files)
	if findBlock(blocks, "resource aws_route53_zone.public") != nil || findBlock(blocks, "data aws_route53_zone.public") == nil {
		t.Fatal("the public zone is still created, or not looked up")
	}
	if findBlock(blocks, "output public_zone_name_servers") != nil {
		t.Error("name servers output without a zone of ours")
	}
	if bytes.Contains(files[Dir+"/"+GlobalStack+"/dns.tf"], []byte("= aws_route53_zone.public.zone_id")) {
		t.Error("a record still refers to the created zone")
	}
}
