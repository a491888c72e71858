package terraform

import (
	"strings"
	"testing"

	"github.com/topogen/topogen/internal/testtopo"
	"github.com/topogen/topogen/model"
)

// Every IAM role, S3 bucket and EKS cluster the module names is one that
// CheckNames measures, so the check cannot miss a name added later; and
// the golden topologies fit AWS's limits.
func TestCheckNamesCoversEveryName(t *testing.T) {
	for _, c := range testtopo.Cases(t) {
		t.Run(c.Name, func(t *testing.T) {
			topo := load(t, c.Dir)
			if ds := CheckNames(topo); len(ds) > 0 {
				t.Fatalf("CheckNames: %v", ds)
			}
			checked := map[string]bool{}
			for _, r := range topo.Regions {
				for _, n := range regionAWSNames(topo, r) {
					checked[n.what+" "+n.name] = true
				}
			}
			// CheckNames measures the global stack's state bucket apart.
			checked["S3 bucket "+globalStateBucket(topo)] = true
			for _, n := range globalAWSNames(topo) {
				checked[n.what+" "+n.name] = true
			}
			attrs := map[string]struct{ what, attr string }{
				"aws_iam_role":    {"IAM role", "name"},
				"aws_s3_bucket":   {"S3 bucket", "bucket"},
				"aws_eks_cluster": {"EKS cluster", "name"},
			}
			for _, b := range parse(t, generate(t, topo)) {
				if b.typ != "resource" {
					continue
				}
				a, ok := attrs[b.lbls[0]]
				if !ok {
					continue
				}
				if name := literal(t, b.body, a.attr); !checked[a.what+" "+name] {
					t.Errorf("%s: %s %q is not measured by CheckNames (regionAWSNames)", b.key, a.what, name)
				}
			}
		})
	}
}

func TestCheckNamesReportsTheLongestOverrun(t *testing.T) {
	topo := load(t, "../../regions")
	long := *topo
	long.Regions = append([]model.Region(nil), topo.Regions...)
	long.Regions[0].Name = strings.Repeat("a", 40)
	ds := CheckNames(&long)
	if len(ds) != 1 {
		t.Fatalf("got %d diagnostics, want 1: %v", len(ds), ds)
	}
	want := `regions.` + long.Regions[0].Name + `: the IAM role name "mongodb-backups-global-mongodb-` + long.Regions[0].Name + `-replication" is 83 characters; AWS allows at most 64; shorten the region name, the topology name ("global-mongodb") or terraform.backupBucketPrefix ("mongodb-backups") by 19 characters`
	ds[0].Pos = model.Pos{} // the renamed region has no source of its own
	if got := ds[0].String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}

	// One region: no replication role, so the load balancer controller's
	// role (73 characters) beats the backup bucket (71).
	one := long
	one.Regions = long.Regions[:1]
	ds = CheckNames(&one)
	if len(ds) != 1 || !strings.Contains(ds[0].Summary, `-aws-lb-controller" is 73 characters`) {
		t.Errorf("one region: got %v, want the load balancer controller's role", ds)
	}
}
