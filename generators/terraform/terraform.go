// Package terraform renders out/terraform/: one stack per region
// (terraform/<region>/: network, EKS, IAM, private zone, backup bucket) and
// one global stack (terraform/global/: peering, Route53, health checks,
// alarms, replication, shared secrets), each a root module with its own
// state, for the hashicorp/aws provider only (stacks.go).
//
// Every per-region object is an explicit block named after the region
// (aws_vpc.us, aws_subnet.us_private_us_east_1a), never count or for_each
// over a list: adding a region adds blocks, it never renumbers existing
// ones, and reviewers read the diff. Files are built with hclwrite and
// formatted exactly as `terraform fmt` would.
//
// Providers: one aws provider per region, aliased by the region's name, and
// in the global stack aws.global pinned to us-east-1 for the global
// resources (providers.go). There is no default provider: every block names
// its provider. Nothing is a variable: the topology is the only input, so
// variables.tf is not generated. scripts/validate-terraform.sh runs
// terraform fmt -check, validate and an offline plan with the real
// provider over every stack of a rendered tree.
package terraform

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/model"
)

// Dir is the target's directory under the output directory.
const Dir = "terraform"

// GlobalStack is the directory of the global stack under Dir.
const GlobalStack = "global"

// part is one file of a stack.
type part struct {
	name   string
	render func(*file)
}

// Generate renders out/terraform/: one stack per region
// (terraform/<region>/), the global stack (terraform/global/), each a
// root module with its own state (stacks.go), and the bootstrap stack
// creating their state buckets (terraform/bootstrap/, bootstrap.go).
func Generate(t *model.Topology) ([]generators.File, error) {
	if len(t.Regions) == 0 {
		return nil, fmt.Errorf("topology has no regions")
	}
	var out []generators.File
	for _, r := range t.Regions {
		if r.Name == GlobalStack || r.Name == BootstrapStack {
			return nil, fmt.Errorf("region %q: its stack directory would clash with the %s stack's", r.Name, r.Name)
		}
		fs, err := renderStack(r.Name, regionParts(t, r))
		if err != nil {
			return nil, err
		}
		out = append(out, fs...)
		out = append(out, generators.File{Path: Dir + "/" + r.Name + "/" + LBControllerPolicyFile, Data: lbControllerPolicy})
	}
	for _, s := range []struct {
		dir   string
		parts []part
	}{{GlobalStack, globalParts(t)}, {BootstrapStack, bootstrapParts(t)}} {
		fs, err := renderStack(s.dir, s.parts)
		if err != nil {
			return nil, err
		}
		out = append(out, fs...)
	}
	return out, nil
}

// renderStack renders the parts of one stack into terraform/<dir>/.
func renderStack(dir string, parts []part) ([]generators.File, error) {
	// One label set across the stack: a resource defined twice (two
	// region names mapping to one identifier) is reported, not emitted.
	seen := map[string]string{}
	var out []generators.File
	for _, p := range parts {
		f := newFile(p.name, seen)
		p.render(f)
		if f.err != nil {
			return nil, fmt.Errorf("%s/%s/%s: %w", Dir, dir, p.name, f.err)
		}
		// File.Bytes formats the tokens as hclwrite.Format (and so
		// `terraform fmt`) would; formatting again would only re-lex them.
		out = append(out, generators.File{Path: Dir + "/" + dir + "/" + p.name, Data: f.f.Bytes()})
	}
	return out, nil
}

// ident turns a region or zone name (a DNS label) into the identifier part
// of block names.
func ident(s string) string { return strings.ReplaceAll(s, "-", "_") }

// rid is the region's identifier: its provider alias and the prefix of
// every block that belongs to it.
func rid(r model.Region) string { return ident(r.Name) }

// subnets returns the region's subnets of one tier in zone order.
func subnets(r model.Region, tier model.SubnetTier) []model.Subnet {
	var out []model.Subnet
	for _, s := range r.Subnets {
		if s.Tier == tier {
			out = append(out, s)
		}
	}
	return out
}

func subnetName(r model.Region, s model.Subnet) string {
	return rid(r) + "_" + string(s.Tier) + "_" + ident(s.Zone)
}

// subnetRefs are references to the ids of a region's subnets of one tier.
func subnetRefs(r model.Region, tier model.SubnetTier) []string {
	var out []string
	for _, s := range subnets(r, tier) {
		out = append(out, "aws_subnet."+subnetName(r, s)+".id")
	}
	return out
}

// privateRouteTable is zone z's private route table in region r.
func privateRouteTable(r model.Region, zone string) string {
	return rid(r) + "_private_" + ident(zone)
}

// tupleOf is a tuple expression, one element per line when there are
// several, so adding one is a one-line diff.
func tupleOf(elems ...hclwrite.Tokens) hclwrite.Tokens {
	if len(elems) < 2 {
		return hclwrite.TokensForTuple(elems)
	}
	nl := func() *hclwrite.Token { return &hclwrite.Token{Type: hclsyntax.TokenNewline, Bytes: []byte("\n")} }
	toks := hclwrite.Tokens{{Type: hclsyntax.TokenOBrack, Bytes: []byte("[")}, nl()}
	for _, e := range elems {
		toks = append(toks, e...)
		toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenComma, Bytes: []byte(",")}, nl())
	}
	return append(toks, &hclwrite.Token{Type: hclsyntax.TokenCBrack, Bytes: []byte("]")})
}

// attr is one name = value pair of an object expression.
type attr struct {
	name  string
	value hclwrite.Tokens
}

// objectOf is an object expression, attributes in the given order.
func objectOf(attrs ...attr) hclwrite.Tokens {
	var out []hclwrite.ObjectAttrTokens
	for _, a := range attrs {
		out = append(out, hclwrite.ObjectAttrTokens{Name: hclwrite.TokensForIdentifier(a.name), Value: a.value})
	}
	return hclwrite.TokensForObject(out)
}
