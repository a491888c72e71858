package kubernetes

import (
	"testing"

	"github.com/topogen/topogen/generators/prometheus"
)

// TestSyncWaves: the Namespace first, then config and credentials, then the
// workload, then what watches it; the init Job is a PostSync hook.
func TestSyncWaves(t *testing.T) {
	want := map[string]string{
		"Namespace": "-2", "ConfigMap": "-1", "ExternalSecret": "-1", "Certificate": "-1", "ServiceAccount": "-1",
		"Service": "0", "StatefulSet": "0", "PodDisruptionBudget": "0", "NetworkPolicy": "0",
		"CronJob": "1", "Deployment": "1", "ServiceMonitor": "1", "PrometheusRule": "1",
		"Role": "0", "RoleBinding": "0",
	}
	topo := withExternalSecrets(t, cases["default"])
	files := generate(t, topo)
	for _, r := range topo.Regions {
		groups := prometheus.RegionGroups(topo)
		rules := 0
		for _, o := range objectsIn(t, files, r.Name) {
			kind := o.node.GetKind()
			ann := o.node.GetAnnotations()
			if o.node.GetLabels()[labelComponent] == "platform" {
				continue // TestPlatformWaves
			}
			if kind == "PrometheusRule" {
				rules++
			}
			if kind == "Job" {
				if _, ok := ann[annSyncWave]; ok || ann[annHook] != "PostSync" {
					t.Errorf("%s: a hook, not a wave: %v", o.path, ann)
				}
				continue
			}
			w, ok := want[kind]
			if o.node.GetNamespace() == topo.Kubernetes.AppNamespace {
				// The application's namespace: last, the members do not
				// wait for it (clientca.go).
				w, ok = "1", true
			}
			if !ok {
				t.Errorf("%s: no wave agreed for %s", o.path, kind)
				continue
			}
			if ann[annSyncWave] != w {
				t.Errorf("%s: wave %q, want %q", o.path, ann[annSyncWave], w)
			}
		}
		if (len(groups) > 0) != (rules > 0) {
			t.Errorf("%s: %d PrometheusRules in the tree, the Prometheus target hands over %d groups", r.Name, rules, len(groups))
		}
	}
}
