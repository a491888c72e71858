package terraform

import (
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// TestShardedNodeGroups: in the sharded mode a region's MongoDB node
// groups hold a node for every mongod of every set there, plus a spare per
// zone, of the largest instance type among those sets; the routers run on
// the application group of sharding.mongos.instanceType. The expected
// counts are golden/eu-residency's declarations: config servers {use: 2,
// euw: 1, apse: 1, euc: 1}, EU shard {euw: 3, euc: 2}, default shard {use:
// 2, apse: 2, euw: 1}; shards on r6i.xlarge, config servers on m6i.large;
// mongos on the default m6i.2xlarge.
func TestShardedNodeGroups(t *testing.T) {
	want := map[string]int{"use": 4, "euw": 5, "apse": 3, "euc": 3}
	files := generate(t, load(t, "../../golden/eu-residency/input"))
	for region, members := range want {
		stack := map[string][]byte{}
		for p, b := range files {
			if strings.HasPrefix(p, "terraform/"+region+"/") {
				stack[p] = b
			}
		}
		nodes, groups := 0, 0
		for _, b := range parse(t, stack) {
			if b.typ != "resource" || b.lbls[0] != "aws_eks_node_group" {
				continue
			}
			types := listLiteral(t, b.body, "instance_types")
			sc := nested(b.body, "scaling_config")[0].Body
			min, max := number(t, sc, "min_size"), number(t, sc, "max_size")
			if strings.HasSuffix(b.lbls[1], "_"+appNodeGroup) {
				if types != "m6i.2xlarge" {
					t.Errorf("%s: application nodes %s, want sharding.mongos.instanceType m6i.2xlarge", region, types)
				}
				continue
			}
			groups++
			nodes += min
			if max != min+1 {
				t.Errorf("%s %s: max_size %d, want min_size %d + 1 spare", region, b.lbls[1], max, min)
			}
			if types != "r6i.xlarge" {
				t.Errorf("%s %s: instance type %s, want r6i.xlarge (the shards' larger type)", region, b.lbls[1], types)
			}
		}
		if nodes != members {
			t.Errorf("%s: %d MongoDB nodes in %d groups, want one per mongod of every set there: %d", region, nodes, groups, members)
		}
	}
}

func number(t *testing.T, b *hclsyntax.Body, name string) int {
	t.Helper()
	v, diags := b.Attributes[name].Expr.Value(nil)
	if diags.HasErrors() || !v.Type().Equals(cty.Number) {
		t.Fatalf("%s is not a number", name)
	}
	n, _ := v.AsBigFloat().Int64()
	return int(n)
}

func listLiteral(t *testing.T, b *hclsyntax.Body, name string) string {
	t.Helper()
	v, diags := b.Attributes[name].Expr.Value(nil)
	if diags.HasErrors() {
		t.Fatalf("%s is not a literal", name)
	}
	var s []string
	for _, e := range v.AsValueSlice() {
		s = append(s, e.AsString())
	}
	return strings.Join(s, ",")
}
