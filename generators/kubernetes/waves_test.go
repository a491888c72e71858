package kubernetes

import (
	"strconv"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/generators/prometheus"
	"github.com/topogen/topogen/model"
)

// TestSyncWaves derives what the waves must satisfy from the objects
// themselves, not from a table of waves, and from how Argo CD orders a
// sync (gitops-engine pkg/sync/sync_tasks.go: by phase, wave, kind in
// kindOrder (custom resources last), name; a Namespace moved before the
// first object in it; pkg/sync/doc.go: the next wave only once the
// earlier ones are healthy, PostSync hooks after everything is healthy).
// An object X needed by Y must be
//   - applied first: in an earlier wave, or in the same wave and earlier
//     in kindOrder (a Namespace always), when X works once it exists
//     (a Namespace, ConfigMap, ServiceAccount, StorageClass, Service);
//   - healthy first: in an earlier wave, when X works only once a
//     controller has acted on it (the ExternalSecret or Certificate that
//     writes a Secret, an Issuer, a SecretStore, the StatefulSet's
//     members).
//
// The needs, read from the objects: a namespaced object needs its
// Namespace; a pod template every ConfigMap, Secret and ServiceAccount it
// uses (volumes, projected sources, env, envFrom, serviceAccountName); a
// StatefulSet its StorageClass and governing Service; a Certificate its
// Issuer; an ExternalSecret or PushSecret its store; what connects to the
// members (the client probe, the backup and PBM CronJobs) or watches them
// (ServiceMonitor, PrometheusRule: rules evaluated before the members
// exist would alert on absent series) the StatefulSet. Jobs are PostSync
// hooks (the init Job needs every member running) and carry no wave.
// Each rule must apply at least once.
func TestSyncWaves(t *testing.T) {
	topo := withExternalSecrets(t, cases["default"])
	t.Run("default", func(t *testing.T) { checkSyncWaves(t, topo, generate(t, topo)) })
	for _, c := range shardedCases(t) {
		t.Run(c.name, func(t *testing.T) { checkSyncWaves(t, c.topo, c.files) })
	}
}

func checkSyncWaves(t *testing.T, topo *model.Topology, files []generators.File) {
	for _, r := range topo.Regions {
		objs := objectsIn(t, files, r.Name)
		type obj struct {
			path, kind, name, ns string
			wave                 int
			m                    map[string]any
		}
		var all []obj
		byKey := map[string]obj{}   // kind/name
		secrets := map[string]obj{} // Secret name -> its producer
		for _, o := range objs {
			var m map[string]any
			if err := yaml.Unmarshal([]byte(o.node.MustString()), &m); err != nil {
				t.Fatal(err)
			}
			x := obj{path: o.path, kind: o.node.GetKind(), name: o.node.GetName(), ns: o.node.GetNamespace(), m: m}
			ann := o.node.GetAnnotations()
			if x.kind == "Job" {
				if _, ok := ann[annSyncWave]; ok || ann[annHook] != "PostSync" {
					t.Errorf("%s: a PostSync hook without a wave, got %v", o.path, ann)
				}
				continue
			}
			w, err := strconv.Atoi(ann[annSyncWave])
			if err != nil {
				t.Errorf("%s: sync wave %q: %v", o.path, ann[annSyncWave], err)
				continue
			}
			x.wave = w
			all = append(all, x)
			byKey[x.kind+"/"+x.name] = x
			switch x.kind {
			case "ExternalSecret":
				name := x.name
				if n, ok := str(m, "spec", "target", "name"); ok {
					name = n
				}
				secrets[name] = x
			case "Certificate":
				if n, ok := str(m, "spec", "secretName"); ok {
					secrets[n] = x
				}
			}
		}
		held := map[string]int{}
		healthy := func(rule string, dep, o obj) {
			held[rule]++
			if dep.wave >= o.wave {
				t.Errorf("%s (wave %d) needs %s %s (wave %d) healthy first: %s", o.path, o.wave, dep.kind, dep.name, dep.wave, rule)
			}
		}
		applied := func(rule string, dep, o obj) {
			held[rule]++
			first := dep.wave < o.wave || (dep.wave == o.wave && (dep.kind == "Namespace" || kindOrder(dep.kind) < kindOrder(o.kind)))
			if !first {
				t.Errorf("%s (wave %d) needs %s %s (wave %d) applied first: %s", o.path, o.wave, dep.kind, dep.name, dep.wave, rule)
			}
		}
		var sets []obj // the members: every StatefulSet of the region
		for _, o := range all {
			if o.kind == "StatefulSet" {
				sets = append(sets, o)
			}
		}
		if len(sets) == 0 {
			t.Fatalf("%s: no StatefulSet", r.Name)
		}
		// watched are the StatefulSets o connects to or watches. A
		// ServiceMonitor scrapes the pods its Services select: a
		// StatefulSet's, or a Deployment's (the probe, the routers),
		// which itself connects to every set. Everything else (a router,
		// a CronJob, the rules) reaches every set: a mongos every shard
		// through the config servers, PBM every set's agents, the rules
		// every set's series.
		templateLabels := func(o obj) map[string]any {
			l, _ := at(o.m, "spec", "template", "metadata", "labels").(map[string]any)
			return l
		}
		watched := func(o obj) []obj {
			if o.kind != "ServiceMonitor" {
				return sets
			}
			sel, _ := at(o.m, "spec", "selector", "matchLabels").(map[string]any)
			seen := map[string]bool{}
			var out []obj
			for _, svc := range all {
				labels, _ := at(svc.m, "metadata", "labels").(map[string]any)
				if svc.kind != "Service" || !selects(sel, labels) {
					continue
				}
				podSel, _ := at(svc.m, "spec", "selector").(map[string]any)
				for _, w := range all {
					if (w.kind != "StatefulSet" && w.kind != "Deployment") || !selects(podSel, templateLabels(w)) {
						continue
					}
					reached := []obj{w}
					if w.kind == "Deployment" {
						reached = sets
					}
					for _, s := range reached {
						if !seen[s.name] {
							seen[s.name] = true
							out = append(out, s)
						}
					}
				}
			}
			if len(out) == 0 {
				t.Errorf("%s: scrapes the pods of no StatefulSet or Deployment of the tree (%v)", o.path, sel)
			}
			return out
		}
		for _, o := range all {
			if ns, ok := byKey["Namespace/"+o.ns]; ok && o.ns != "" {
				applied("namespace", ns, o)
			}
			for _, ref := range podRefs(o.kind, o.m) {
				dep, ok := byKey[ref]
				if kind, name, _ := cut(ref); kind == "Secret" {
					dep, ok = secrets[name]
				}
				switch {
				case !ok:
				case dep.kind == "ConfigMap" || dep.kind == "ServiceAccount":
					applied("pod uses "+ref, dep, o)
				default: // a Secret: its ExternalSecret or Certificate
					healthy("pod uses "+ref, dep, o)
				}
			}
			switch o.kind {
			case "StatefulSet":
				if sc, ok := str(o.m, "spec", "volumeClaimTemplates", "0", "spec", "storageClassName"); ok {
					if dep, ok := byKey["StorageClass/"+sc]; ok {
						applied("storage class", dep, o)
					}
				}
				if svc, ok := str(o.m, "spec", "serviceName"); ok {
					applied("governing Service", byKey["Service/"+svc], o)
				}
			case "Certificate":
				kind, _ := str(o.m, "spec", "issuerRef", "kind")
				name, _ := str(o.m, "spec", "issuerRef", "name")
				if dep, ok := byKey[kind+"/"+name]; ok {
					healthy("issuer", dep, o)
				}
			case "ExternalSecret":
				kind, _ := str(o.m, "spec", "secretStoreRef", "kind")
				name, _ := str(o.m, "spec", "secretStoreRef", "name")
				if dep, ok := byKey[kind+"/"+name]; ok {
					healthy("secret store", dep, o)
				}
			case "PushSecret":
				for i := 0; ; i++ {
					kind, _ := str(o.m, "spec", "secretStoreRefs", strconv.Itoa(i), "kind")
					name, ok := str(o.m, "spec", "secretStoreRefs", strconv.Itoa(i), "name")
					if !ok {
						break
					}
					if dep, ok := byKey[kind+"/"+name]; ok {
						healthy("secret store", dep, o)
					}
				}
			case "Deployment", "CronJob", "ServiceMonitor", "PrometheusRule":
				if o.m["metadata"].(map[string]any)["labels"].(map[string]any)[labelComponent] != "platform" {
					for _, sts := range watched(o) {
						healthy("connects to or watches the members", sts, o)
					}
				}
			}
		}
		for _, rule := range []string{"namespace", "storage class", "governing Service", "issuer", "secret store", "connects to or watches the members"} {
			if held[rule] == 0 {
				t.Errorf("%s: the rule %q never applied; the test no longer sees the objects it checks", r.Name, rule)
			}
		}
		uses := 0
		for rule, n := range held {
			if len(rule) > 9 && rule[:9] == "pod uses " {
				uses += n
			}
		}
		if uses < 5 {
			t.Errorf("%s: %d pod references to objects of the tree checked, want the StatefulSet's config, credentials and certificates at least", r.Name, uses)
		}

		groups := prometheus.RegionGroups(topo)
		rules := 0
		for _, o := range all {
			if o.kind == "PrometheusRule" {
				rules++
			}
		}
		if (len(groups) > 0) != (rules > 0) {
			t.Errorf("%s: %d PrometheusRules in the tree, the Prometheus target hands over %d groups", r.Name, rules, len(groups))
		}
	}
}

// podRefs lists the ConfigMaps ("ConfigMap/name"), Secrets and
// ServiceAccount a workload's pod template uses.
func podRefs(kind string, m map[string]any) []string {
	var spec map[string]any
	switch kind {
	case "StatefulSet", "Deployment", "DaemonSet", "Job":
		spec, _ = at(m, "spec", "template", "spec").(map[string]any)
	case "CronJob":
		spec, _ = at(m, "spec", "jobTemplate", "spec", "template", "spec").(map[string]any)
	}
	if spec == nil {
		return nil
	}
	var refs []string
	if sa, ok := spec["serviceAccountName"].(string); ok {
		refs = append(refs, "ServiceAccount/"+sa)
	}
	vols, _ := spec["volumes"].([]any)
	for _, v := range vols {
		vm, _ := v.(map[string]any)
		if n, ok := str(vm, "configMap", "name"); ok {
			refs = append(refs, "ConfigMap/"+n)
		}
		if n, ok := str(vm, "secret", "secretName"); ok {
			refs = append(refs, "Secret/"+n)
		}
		srcs, _ := at(vm, "projected", "sources").([]any)
		for _, s := range srcs {
			sm, _ := s.(map[string]any)
			if n, ok := str(sm, "configMap", "name"); ok {
				refs = append(refs, "ConfigMap/"+n)
			}
			if n, ok := str(sm, "secret", "name"); ok {
				refs = append(refs, "Secret/"+n)
			}
		}
	}
	for _, list := range []string{"containers", "initContainers"} {
		cs, _ := spec[list].([]any)
		for _, c := range cs {
			cm, _ := c.(map[string]any)
			envFrom, _ := cm["envFrom"].([]any)
			for _, e := range envFrom {
				em, _ := e.(map[string]any)
				if n, ok := str(em, "configMapRef", "name"); ok {
					refs = append(refs, "ConfigMap/"+n)
				}
				if n, ok := str(em, "secretRef", "name"); ok {
					refs = append(refs, "Secret/"+n)
				}
			}
			env, _ := cm["env"].([]any)
			for _, e := range env {
				em, _ := e.(map[string]any)
				if n, ok := str(em, "valueFrom", "configMapKeyRef", "name"); ok {
					refs = append(refs, "ConfigMap/"+n)
				}
				if n, ok := str(em, "valueFrom", "secretKeyRef", "name"); ok {
					refs = append(refs, "Secret/"+n)
				}
			}
		}
	}
	return refs
}

// selects tells whether a label selector (matchLabels, or a Service's
// selector) selects an object with these labels; an empty one selects
// nothing here, as no generated selector is empty.
func selects(sel, labels map[string]any) bool {
	if len(sel) == 0 {
		return false
	}
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// at walks maps by key and lists by index ("0").
func at(v any, path ...string) any {
	for _, p := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func str(m map[string]any, path ...string) (string, bool) {
	s, ok := at(m, path...).(string)
	return s, ok
}

func cut(ref string) (kind, name string, ok bool) {
	for i := range ref {
		if ref[i] == '/' {
			return ref[:i], ref[i+1:], true
		}
	}
	return "", "", false
}

// kindOrder is gitops-engine's order of built-in kinds within a wave
// (pkg/sync/sync_tasks.go kindOrder, Helm's install order); every other
// kind (custom resources) comes after them.
func kindOrder(kind string) int {
	kinds := []string{"Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
		"PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
		"PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
		"ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList",
		"RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController",
		"ReplicaSet", "Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob",
		"Ingress", "APIService"}
	for i, k := range kinds {
		if k == kind {
			return i - len(kinds)
		}
	}
	return 0
}
