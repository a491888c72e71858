package kubernetes

import (
	"strings"
	"testing"

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
	diags := CheckPatches(topo)
	if len(diags) != 1 {
		t.Fatalf("diagnostics %v, want one (the region the patch misses)", diags)
	}
	want := "patches/all/sts.yaml:1:1: the patch for StatefulSet \"" + sts + "\" matches no generated object in region " + base.Regions[1].Name
	if got := diags[0].String(); !strings.HasPrefix(got, want) {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if CheckPatches(base) != nil {
		t.Error("diagnostics without patches")
	}
}
