package kubernetes

import (
	"net/url"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/generators/replset"
	"github.com/topogen/topogen/model"
)

// Credentials live in Secrets the manifests reference by name only;
// ExternalSecrets create them from AWS Secrets Manager, where Terraform
// keeps one value per credential replicated to every region. Users are the
// same in every region (the set replicates admin.system.users), so the
// names are too.
const (
	secretAdmin    = names.SecretAdmin           // root user the image entrypoint creates
	secretExporter = names.SecretExporter        // clusterMonitor user for the exporter
	secretBackup   = names.SecretBackup          // backup-role user for mongodump
	keyUsername    = names.CredentialKeyUsername // the Secrets Manager value's keys, written by Terraform
	keyPassword    = names.CredentialKeyPassword

	// ConnectionConfigMap holds MONGODB_URI for applications.
	ConnectionConfigMap = "mongodb-connection"
)

// userSecrets are the Secrets of the service users (replset.Users), in
// the table's order.
func userSecrets() []string {
	var out []string
	for _, u := range replset.Users {
		out = append(out, u.Secret)
	}
	return out
}

// secrets are every credential Secret, sorted: root's and the service
// users'.
func secrets() []string {
	out := append([]string{secretAdmin}, userSecrets()...)
	sort.Strings(out)
	return out
}

func configMapMongod(t *model.Topology, r model.Region) string {
	return names.StatefulSet(t, r) + "-config"
}

func tlsSecret(t *model.Topology, r model.Region) string { return names.StatefulSet(t, r) + "-tls" }

func buildNamespace(t *model.Topology) object {
	m := meta("Namespace", t.Kubernetes.Namespace, "", "", nil)
	// Every pod here meets the restricted Pod Security Standard (non-root,
	// no privilege escalation, all capabilities dropped, RuntimeDefault
	// seccomp); enforcing it keeps patches from weakening that.
	m.Labels = map[string]string{
		"pod-security.kubernetes.io/enforce": "restricted",
		"pod-security.kubernetes.io/audit":   "restricted",
		"pod-security.kubernetes.io/warn":    "restricted",
	}
	ns := corev1.Namespace{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
		ObjectMeta: m,
	}
	return object{kind: "Namespace", name: t.Kubernetes.Namespace, v: ns}
}

func buildMongodConfigMap(t *model.Topology, r model.Region, conf []byte) object {
	name := configMapMongod(t, r)
	cm := corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: meta("ConfigMap", name, t.Kubernetes.Namespace, componentMongod, nil),
		Data:       map[string]string{mongodConfK: string(conf)},
	}
	return object{kind: "ConfigMap", name: name, v: cm}
}

// ConnectionURI is the application connection string for region r, without
// credentials: every member (own region first), TLS, reads from the nearest
// member of the own region with any member as the fallback tag set, and
// majority writes (mongodb-facts.md §6; the seed's MultiRegionMongoClient
// settings).
func ConnectionURI(t *model.Topology, r model.Region) string {
	if t.Sharding != nil {
		return mongosURI(t, r)
	}
	q := []string{
		"replicaSet=" + url.QueryEscape(t.ReplicaSet.Name),
		"tls=true",
		"authSource=admin",
		"readPreference=nearest",
		"readPreferenceTags=region:" + r.Name,
		"readPreferenceTags=",
		"w=majority",
		"retryWrites=true",
		"retryReads=true",
		"compressors=snappy,zstd",
	}
	return "mongodb://" + strings.Join(hostPorts(t, r.Name), ",") + "/?" + strings.Join(q, "&")
}

// buildConnectionConfigMap is what an application needs to connect, in
// its own namespace (kubernetes.appNamespace): the URI and the name of the
// Secret holding the CA certificate alone (clientca.go), never a member's
// TLS Secret, which holds the member's key. In the last wave: the
// application namespace is the application's, and the members do not wait
// for it.
func buildConnectionConfigMap(t *model.Topology, r model.Region) object {
	m := meta("ConfigMap", ConnectionConfigMap, t.Kubernetes.AppNamespace, "client", nil)
	m.Annotations[annSyncWave] = waveAfter
	cm := corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: m,
		Data: map[string]string{
			"MONGODB_URI":           ConnectionURI(t, r),
			"MONGODB_REPLICA_SET":   t.ReplicaSet.Name,
			"MONGODB_REGION":        r.Name,
			"MONGODB_TLS_CA_SECRET": names.ClientCA,
			"MONGODB_TLS_CA_KEY":    "ca.crt",
		},
	}
	if t.Sharding != nil {
		// Applications talk to the region's mongos, never to a set.
		delete(cm.Data, "MONGODB_REPLICA_SET")
	}
	return object{kind: "ConfigMap", name: ConnectionConfigMap, v: cm}
}

// buildExternalSecrets pulls each credential from the Secrets Manager
// secret names.SecretsManagerName (a JSON object with the properties
// username and password) through the region's ClusterSecretStore.
func buildExternalSecrets(t *model.Topology) []object {
	es := t.Kubernetes.ExternalSecrets
	var out []object
	for _, s := range secrets() {
		var data []any
		for _, k := range []string{keyUsername, keyPassword} {
			data = append(data, map[string]any{
				"secretKey": k,
				"remoteRef": map[string]any{"key": names.SecretsManagerName(t, s), "property": k},
			})
		}
		out = append(out, object{kind: "ExternalSecret", name: s, v: map[string]any{
			"apiVersion": "external-secrets.io/v1",
			"kind":       "ExternalSecret",
			"metadata":   meta("ExternalSecret", s, t.Kubernetes.Namespace, "credentials", nil),
			"spec": map[string]any{
				"refreshInterval": "1h",
				"secretStoreRef":  map[string]any{"name": es.Store, "kind": es.StoreKind},
				"target":          map[string]any{"name": s, "creationPolicy": "Owner"},
				"data":            data,
			},
		}})
	}
	return out
}

// buildCertificate issues the region's member certificate. Its dnsNames are
// every host the region's members are known by: the rs-initiate.json hosts
// (mongodb-facts.md §2 "x509 member certs": every members[].host must be in
// the SAN) and the in-cluster names of this region only. The subject's O and
// OU are the same in every region: x509 cluster authentication accepts a
// peer whose O/OU/DC match its own. Both usages: a member is a TLS server to
// clients and a TLS client to the other members.
func buildCertificate(t *model.Topology, r model.Region) object {
	ns := t.Kubernetes.Namespace
	headless := names.HeadlessService(t, r)
	var dns []string
	for _, m := range t.RegionMembers(r.Name) {
		dns = append(dns, m.Host)
	}
	for _, m := range t.RegionMembers(r.Name) {
		dns = append(dns,
			m.Pod+"."+names.ServiceHost(t, headless),
			m.Pod+"."+headless+"."+ns+".svc",
			names.ServiceHost(t, m.Pod), // the per-pod Service
		)
	}
	// localhost and 127.0.0.1: the probes, the sidecars and an operator's
	// kubectl exec connect over loopback with the host name checked, no
	// tlsAllowInvalidHostnames.
	dns = append(dns, names.ServiceHost(t, headless), headless+"."+ns+".svc", "localhost")
	name := names.StatefulSet(t, r)
	return object{kind: "Certificate", name: name, v: map[string]any{
		"apiVersion": "cert-manager.io/v1",
		"kind":       "Certificate",
		"metadata":   meta("Certificate", name, ns, componentMongod, nil),
		"spec": map[string]any{
			"secretName": tlsSecret(t, r),
			"issuerRef":  map[string]any{"name": t.Kubernetes.TLSIssuerName, "kind": t.Kubernetes.TLSIssuerKind, "group": "cert-manager.io"},
			"commonName": name,
			"subject": map[string]any{
				"organizations":       []string{t.Name},
				"organizationalUnits": []string{memberOU(t)},
			},
			"dnsNames":    dns,
			"ipAddresses": []string{"127.0.0.1"},
			"duration":    names.CertificateDuration,
			"renewBefore": names.CertificateRenewBefore,
			"privateKey":  map[string]any{"algorithm": "RSA", "size": 2048, "rotationPolicy": "Always"},
			"usages":      []string{"server auth", "client auth", "digital signature", "key encipherment"},
		},
	}}
}

// buildBackupServiceAccount is the identity of the mongod pods (their
// pbm-agent sidecars) and the pbm Jobs; the IAM role (created by the
// Terraform target) may use PBM's prefix of the backup buckets (IRSA).
func buildBackupServiceAccount(t *model.Topology, r model.Region) object {
	sa := corev1.ServiceAccount{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"},
		ObjectMeta: meta("ServiceAccount", names.BackupServiceAccount, t.Kubernetes.Namespace, componentBackup,
			map[string]string{"eks.amazonaws.com/role-arn": names.BackupRoleARN(t, r)}),
	}
	return object{kind: "ServiceAccount", name: names.BackupServiceAccount, v: sa}
}
