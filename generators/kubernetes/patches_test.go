package kubernetes

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

func withPatches(t *testing.T, patches ...model.Patch) *model.Topology {
	t.Helper()
	topo := loadFresh(t, cases["two-regions"])
	topo.Patches = patches
	return topo
}

func TestPatches(t *testing.T) {
	base := loadFresh(t, cases["two-regions"])
	r := base.Regions[0]
	sts := names.StatefulSet(base, r)
	other := base.Regions[1]

	stsPatch := "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: " + sts + "\nspec:\n  template:\n    spec:\n      priorityClassName: mongodb-critical\n"
	allPatch := "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: " + names.ExporterService + "\n  labels:\n    release: kube-prometheus-stack\n"

	for _, tc := range []struct {
		name    string
		patches []model.Patch
		want    map[string]string // file -> substring that must appear
		wantErr string
	}{
		{
			name:    "region patch",
			patches: []model.Patch{{Region: r.Name, File: "patches/" + r.Name + "/sts.yaml", Data: []byte(stsPatch)}},
			want:    map[string]string{"kubernetes/" + r.Name + "/statefulset-" + sts + ".yaml": "priorityClassName: mongodb-critical"},
		},
		{
			name:    "all regions",
			patches: []model.Patch{{Region: model.PatchesAll, File: "patches/all/sm.yaml", Data: []byte(allPatch)}},
			want: map[string]string{
				"kubernetes/" + r.Name + "/servicemonitor-" + names.ExporterService + ".yaml":     "release: kube-prometheus-stack",
				"kubernetes/" + other.Name + "/servicemonitor-" + names.ExporterService + ".yaml": "release: kube-prometheus-stack",
			},
		},
		{
			name:    "no match",
			patches: []model.Patch{{Region: other.Name, File: "patches/" + other.Name + "/sts.yaml", Data: []byte(stsPatch)}},
			wantErr: "patches/" + other.Name + "/sts.yaml: the patch for StatefulSet \"" + sts + "\" matches no generated object",
		},
		{
			name:    "not a strategic-merge patch",
			patches: []model.Patch{{Region: r.Name, File: "patches/" + r.Name + "/ops.yaml", Data: []byte("- op: add\n  path: /x\n  value: 1\n")}},
			wantErr: "patches/" + r.Name + "/ops.yaml: not a strategic-merge patch",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files, err := Generate(withPatches(t, tc.patches...))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, f := range files {
				got[f.Path] = string(f.Data)
			}
			for p, sub := range tc.want {
				if !strings.Contains(got[p], sub) {
					t.Errorf("%s does not contain %q:\n%s", p, sub, got[p])
				}
			}
		})
	}
}

func TestCheckPatches(t *testing.T) {
	base := loadFresh(t, cases["two-regions"])
	sts := names.StatefulSet(base, base.Regions[0])
	bad := "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: " + sts + "\n"
	topo := withPatches(t, model.Patch{Region: model.PatchesAll, File: "patches/all/sts.yaml", Data: []byte(bad)})
	_, diags := CheckPatches(topo)
	if len(diags) != 1 {
		t.Fatalf("diagnostics %v, want one (the region the patch misses)", diags)
	}
	want := "patches/all/sts.yaml:1:1: the patch for StatefulSet \"" + sts + "\" matches no generated object in region " + base.Regions[1].Name
	if got := diags[0].String(); !strings.HasPrefix(got, want) {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if _, diags := CheckPatches(base); diags != nil {
		t.Error("diagnostics without patches")
	}
}

// TestGenerateFromReusesChecked: GenerateFrom takes the patched regions
// from CheckPatches' builds, for their topology only, and builds the
// others (region 1 has no patch here); the bytes are Generate's.
func TestGenerateFromReusesChecked(t *testing.T) {
	base := loadFresh(t, cases["two-regions"])
	r := base.Regions[0]
	sts := "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: " + names.StatefulSet(base, r) + "\nspec:\n  replicas: 5\n"
	topo := withPatches(t, model.Patch{Region: r.Name, File: "patches/" + r.Name + "/sts.yaml", Data: []byte(sts)})
	built, diags := CheckPatches(topo)
	if diags != nil {
		t.Fatal(diags)
	}
	if built.regions[0] == nil || built.regions[1] != nil {
		t.Fatalf("CheckPatches built regions %v, want the patched %s only", len(built.regions), r.Name)
	}
	fresh, err := Generate(topo)
	if err != nil {
		t.Fatal(err)
	}
	sameBytes := func(a, b []byte) bool { return len(a) > 0 && len(b) > 0 && &a[0] == &b[0] }
	for _, tc := range []struct {
		name  string
		topo  *model.Topology
		reuse bool
	}{
		{"its topology", topo, true},
		{"another topology", withPatches(t, topo.Patches...), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files, err := GenerateFrom(tc.topo, built)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(fileMap(fresh), fileMap(files)); d != "" {
				t.Fatalf("GenerateFrom differs from Generate (-Generate +GenerateFrom):\n%s", d)
			}
			if got := sameBytes(files[0].Data, built.regions[0][0].Data); got != tc.reuse {
				t.Errorf("reused the build: %v, want %v", got, tc.reuse)
			}
		})
	}
}

func fileMap(files []generators.File) map[string]string {
	m := map[string]string{}
	for _, f := range files {
		m[f.Path] = string(f.Data)
	}
	return m
}
