package terraform

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/topogen/topogen/internal/testtopo"
)

// TestStateBucketsMatchBackends reads the rendered files only: every
// stack's S3 backend (bucket, region, kms_key_id) must name a bucket the
// bootstrap stack creates, in that AWS region (through the provider whose
// region it is), with that KMS alias; and the bootstrap stack creates no
// bucket no backend uses. The global stack's remote-state reads must name
// the regional backends exactly.
func TestStateBucketsMatchBackends(t *testing.T) {
	for _, c := range testtopo.Cases(t) {
		t.Run(c.Name, func(t *testing.T) {
			topo := load(t, c.Dir)
			byStack := stacks(generate(t, topo))
			type loc struct{ bucket, region, kms string }
			backends := map[string]loc{} // stack dir → its backend
			for dir, files := range byStack {
				for _, b := range parse(t, files) {
					if b.typ != "terraform" {
						continue
					}
					for _, be := range nested(b.body, "backend") {
						if be.Labels[0] != "s3" {
							t.Errorf("%s: backend %q, want s3", dir, be.Labels[0])
							continue
						}
						backends[path.Base(dir)] = loc{literal(t, be.Body, "bucket"), literal(t, be.Body, "region"), literal(t, be.Body, "kms_key_id")}
					}
				}
			}
			for _, r := range topo.Regions {
				if backends[r.Name].region != r.CloudRegion {
					t.Errorf("stack %s: backend in %q, want the region's own %q", r.Name, backends[r.Name].region, r.CloudRegion)
				}
			}
			if got := backends[BootstrapStack]; got != backends[GlobalStack] {
				t.Errorf("bootstrap backend %v, want the global stack's bucket %v", got, backends[GlobalStack])
			}

			boot := parse(t, byStack[Dir+"/"+BootstrapStack])
			providerRegion := map[string]string{} // aws.<alias> → region
			for _, b := range boot {
				if b.typ == "provider" {
					providerRegion["aws."+literal(t, b.body, "alias")] = literal(t, b.body, "region")
				}
			}
			aliases := map[string]string{} // label → alias name
			for _, b := range boot {
				if b.typ == "resource" && b.lbls[0] == "aws_kms_alias" {
					aliases[b.lbls[1]] = literal(t, b.body, "name")
				}
			}
			var created []string
			for _, b := range boot {
				if b.typ != "resource" || b.lbls[0] != "aws_s3_bucket" {
					continue
				}
				label := b.lbls[1]
				tr := b.body.Attributes["provider"].Expr.(*hclsyntax.ScopeTraversalExpr).Traversal
				prov := tr.RootName() + "." + tr[1].(hcl.TraverseAttr).Name
				created = append(created, fmt.Sprint(loc{literal(t, b.body, "bucket"), providerRegion[prov], aliases[label]}))
				if !strings.Contains(string(b.src), "prevent_destroy = true") {
					t.Errorf("bucket %s: no prevent_destroy", label)
				}
			}
			var used []string
			for dir, l := range backends {
				if dir != BootstrapStack {
					used = append(used, fmt.Sprint(l))
				}
			}
			slices.Sort(created)
			slices.Sort(used)
			if !slices.Equal(created, used) {
				t.Errorf("bootstrap creates %v;\nthe backends use %v", created, used)
			}

			// The global stack reads each regional state where its
			// backend writes it.
			for _, b := range parse(t, byStack[Dir+"/"+GlobalStack]) {
				if b.typ != "data" || b.lbls[0] != "terraform_remote_state" {
					continue
				}
				src := string(b.src)
				for _, r := range topo.Regions {
					if b.lbls[1] == rid(r) && !(strings.Contains(src, `"`+backends[r.Name].bucket+`"`) && strings.Contains(src, `"`+r.CloudRegion+`"`)) {
						t.Errorf("remote state %s does not read s3://%s in %s:\n%s", b.lbls[1], backends[r.Name].bucket, r.CloudRegion, src)
					}
				}
			}
		})
	}
}
