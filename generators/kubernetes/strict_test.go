package kubernetes

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	storagev1 "k8s.io/api/storage/v1"
	"sigs.k8s.io/yaml"
)

// builtIn maps each built-in apiVersion/kind written to its k8s.io/api type.
var builtIn = map[string]func() any{
	"v1/Namespace":                       func() any { return &corev1.Namespace{} },
	"v1/ConfigMap":                       func() any { return &corev1.ConfigMap{} },
	"v1/Service":                         func() any { return &corev1.Service{} },
	"v1/ServiceAccount":                  func() any { return &corev1.ServiceAccount{} },
	"apps/v1/StatefulSet":                func() any { return &appsv1.StatefulSet{} },
	"batch/v1/CronJob":                   func() any { return &batchv1.CronJob{} },
	"batch/v1/Job":                       func() any { return &batchv1.Job{} },
	"policy/v1/PodDisruptionBudget":      func() any { return &policyv1.PodDisruptionBudget{} },
	"networking.k8s.io/v1/NetworkPolicy": func() any { return &networkingv1.NetworkPolicy{} },
	"storage.k8s.io/v1/StorageClass":     func() any { return &storagev1.StorageClass{} },
}

// customKinds are validated against their CRDs by kubectl-validate
// (scripts/validate-kubernetes.sh), not here.
var customKinds = map[string]bool{
	"cert-manager.io/v1/Certificate":          true,
	"external-secrets.io/v1/ExternalSecret":   true,
	"monitoring.coreos.com/v1/ServiceMonitor": true,
	"monitoring.coreos.com/v1/PrometheusRule": true,
	// The region's platform objects (platform.go).
	"cert-manager.io/v1/Issuer":                 true,
	"cert-manager.io/v1/ClusterIssuer":          true,
	"external-secrets.io/v1/ClusterSecretStore": true,
	"external-secrets.io/v1alpha1/PushSecret":   true,
}

// TestStrictDecode decodes every built-in object into its k8s.io/api type
// with unknown fields rejected: a misspelled field fails here.
func TestStrictDecode(t *testing.T) {
	for _, name := range sortedCases() {
		t.Run(name, func(t *testing.T) {
			topo := withExternalSecrets(t, cases[name])
			files := generate(t, topo)
			for _, r := range topo.Regions {
				for _, o := range objectsIn(t, files, r.Name) {
					gvk := o.node.GetApiVersion() + "/" + o.node.GetKind()
					mk, ok := builtIn[gvk]
					if !ok {
						if !customKinds[gvk] {
							t.Errorf("%s: %s is neither a known built-in nor a custom kind", o.path, gvk)
						}
						continue
					}
					s, err := o.node.String()
					if err != nil {
						t.Fatal(err)
					}
					if err := yaml.UnmarshalStrict([]byte(s), mk()); err != nil {
						t.Errorf("%s: %v", o.path, err)
					}
				}
			}
		})
	}
}
