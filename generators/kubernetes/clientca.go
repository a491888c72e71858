package kubernetes

import (
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// buildClientCA gives the application namespace the CA certificate and
// nothing else:
//
//  1. In the MongoDB namespace, an ExternalSecret pulls only the
//     certificate of the shared CA from Secrets Manager (property tls.crt
//     of names.SecretCA's JSON) into names.SecretCACert (key ca.crt).
//  2. A Role there lets one ServiceAccount of the application namespace
//     get that Secret and no other (resourceNames).
//  3. In the application namespace, a SecretStore of external-secrets'
//     kubernetes provider authenticates as that ServiceAccount and an
//     ExternalSecret copies ca.crt into names.ClientCA.
//
// Why not the ClusterSecretStore: its conditions restrict namespaces, not
// keys, so an application namespace allowed to use it could pull the CA's
// key and every credential. Why not a member's TLS Secret: it holds the
// member's key. The kubernetes provider checks its access with a
// SelfSubjectRulesReview (external-secrets v2.9.0
// providers/v1/kubernetes/validate.go), which every authenticated
// identity may create (system:basic-user). The application-namespace
// objects come last: the namespace is the application's, and the members
// do not wait for it; the ExternalSecret one wave after its SecretStore
// (waveCopy).
func buildClientCA(t *model.Topology) []object {
	ns, app := t.Kubernetes.Namespace, t.Kubernetes.AppNamespace
	store := map[string]any{"name": t.Kubernetes.ExternalSecrets.Store, "kind": t.Kubernetes.ExternalSecrets.StoreKind}
	after := func(kind, name, namespace string) metav1.ObjectMeta {
		m := meta(kind, name, namespace, "client", nil)
		m.Annotations[annSyncWave] = waveAfter
		return m
	}
	source := object{kind: "ExternalSecret", name: names.SecretCACert, v: map[string]any{
		"apiVersion": "external-secrets.io/v1",
		"kind":       "ExternalSecret",
		"metadata":   meta("ExternalSecret", names.SecretCACert, ns, "client", nil),
		"spec": map[string]any{
			"refreshInterval": "1h",
			"secretStoreRef":  store,
			"target":          map[string]any{"name": names.SecretCACert, "creationPolicy": "Owner"},
			"data": []any{map[string]any{
				"secretKey": "ca.crt",
				"remoteRef": map[string]any{"key": names.SecretsManagerName(t, names.SecretCA), "property": "tls.crt"},
			}},
		},
	}}
	role := rbacv1.Role{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "Role"},
		ObjectMeta: meta("Role", names.ClientCA, ns, "client", nil),
		Rules: []rbacv1.PolicyRule{{
			APIGroups: []string{""}, Resources: []string{"secrets"},
			ResourceNames: []string{names.SecretCACert}, Verbs: []string{"get"},
		}},
	}
	binding := rbacv1.RoleBinding{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding"},
		ObjectMeta: meta("RoleBinding", names.ClientCA, ns, "client", nil),
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: names.ClientCA},
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: names.ClientCA, Namespace: app}},
	}
	no := false
	sa := corev1.ServiceAccount{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"},
		ObjectMeta: after("ServiceAccount", names.ClientCA, app),
		// external-secrets requests its own token for it (TokenRequest);
		// no pod runs as it.
		AutomountServiceAccountToken: &no,
	}
	secretStore := object{kind: "SecretStore", name: names.ClientCA, v: map[string]any{
		"apiVersion": "external-secrets.io/v1",
		"kind":       "SecretStore",
		"metadata":   after("SecretStore", names.ClientCA, app),
		"spec": map[string]any{"provider": map[string]any{"kubernetes": map[string]any{
			"remoteNamespace": ns,
			// The cluster's own API server (server.url defaults to
			// kubernetes.default), verified with the cluster CA every
			// namespace gets (kube-root-ca.crt).
			"server": map[string]any{
				"caProvider": map[string]any{"type": "ConfigMap", "name": "kube-root-ca.crt", "key": "ca.crt"},
			},
			"auth": map[string]any{"serviceAccount": map[string]any{"name": names.ClientCA}},
		}}},
	}}
	copyMeta := after("ExternalSecret", names.ClientCA, app)
	copyMeta.Annotations[annSyncWave] = waveCopy
	copyCA := object{kind: "ExternalSecret", name: names.ClientCA, v: map[string]any{
		"apiVersion": "external-secrets.io/v1",
		"kind":       "ExternalSecret",
		"metadata":   copyMeta,
		"spec": map[string]any{
			"refreshInterval": "1h",
			"secretStoreRef":  map[string]any{"name": names.ClientCA, "kind": "SecretStore"},
			"target":          map[string]any{"name": names.ClientCA, "creationPolicy": "Owner"},
			"data": []any{map[string]any{
				"secretKey": "ca.crt",
				"remoteRef": map[string]any{"key": names.SecretCACert, "property": "ca.crt"},
			}},
		},
	}}
	return []object{
		source,
		{kind: "Role", name: names.ClientCA, v: role},
		{kind: "RoleBinding", name: names.ClientCA, v: binding},
		{kind: "ServiceAccount", name: names.ClientCA, v: sa},
		secretStore,
		copyCA,
	}
}
