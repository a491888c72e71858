package kubernetes

import (
	"strconv"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// The region's cluster-level prerequisites that live in its own tree: the
// StorageClass the volume claims name, the ClusterSecretStore every
// ExternalSecret reads through, and the shared CA the member certificates
// are signed with. Each depends only on an add-on (the EBS CSI driver,
// external-secrets, cert-manager) and on what Terraform creates under
// names' identities, so the tree is complete once those are healthy.
//
// Sync waves run before the Namespace's (-2): Argo CD waits for each wave
// to be healthy, and its built-in health checks for ClusterSecretStore,
// PushSecret, ExternalSecret and ClusterIssuer (argo-cd
// resource_customizations/{external-secrets.io,cert-manager.io}) report
// healthy only once the add-on's controller has reconciled them: so the
// members are not created before external-secrets and cert-manager work.
const (
	wavePlatform = "-5" // StorageClass, ClusterSecretStore, bootstrap Issuer
	waveCAIssue  = "-4" // bootstrap CA Certificate (preferred region)
	waveCAPush   = "-3" // PushSecret of the bootstrap CA (preferred region)
	waveCA       = "-2" // the CA pulled back, and the issuer signing with it
)

// platformMeta is meta with the wave given instead of the kind's.
func platformMeta(kind, name, namespace, wave string) metav1.ObjectMeta {
	m := meta(kind, name, namespace, "platform", nil)
	m.Annotations[annSyncWave] = wave
	return m
}

// EBSProvisioner is the EBS CSI driver (the EKS managed add-on
// aws-ebs-csi-driver Terraform installs).
const EBSProvisioner = "ebs.csi.aws.com"

// buildStorageClass is the class sizing.storageClass names: gp3 with the
// sizing's IOPS and throughput, encrypted with the region's KMS key (by
// alias ARN, which EC2 CreateVolume accepts as KmsKeyId), bound only once
// the pod is scheduled (EBS volumes are zonal: WaitForFirstConsumer puts
// the volume in the zone of the node the member lands on), expandable, and
// retained when a claim is deleted (a member's data is never deleted as a
// side effect). Parameter names: aws-ebs-csi-driver docs/parameters.md
// (type, iops, throughput, encrypted, kmsKeyId, csi.storage.k8s.io/fstype);
// xfs per MongoDB's production notes for WiredTiger.
//
// A StorageClass's parameters are immutable, so a sizing change must
// recreate it (Argo CD Force/Replace, Flux force); existing volumes keep
// the performance they were created with.
func buildStorageClass(t *model.Topology, r model.Region) object {
	sz := r.Sizing
	m := platformMeta("StorageClass", sz.StorageClass, "", wavePlatform)
	m.Annotations["argocd.argoproj.io/sync-options"] = "Force=true,Replace=true"
	m.Annotations["kustomize.toolkit.fluxcd.io/force"] = "enabled"
	bind := storagev1.VolumeBindingWaitForFirstConsumer
	reclaim := corev1.PersistentVolumeReclaimRetain
	expand := true
	sc := storagev1.StorageClass{
		TypeMeta:    metav1.TypeMeta{APIVersion: "storage.k8s.io/v1", Kind: "StorageClass"},
		ObjectMeta:  m,
		Provisioner: EBSProvisioner,
		Parameters: map[string]string{
			"type":                      "gp3",
			"iops":                      strconv.Itoa(sz.IOPS),
			"throughput":                strconv.Itoa(sz.Throughput),
			"encrypted":                 "true",
			"kmsKeyId":                  names.EBSKMSAliasARN(t, r),
			"csi.storage.k8s.io/fstype": "xfs",
		},
		ReclaimPolicy:        &reclaim,
		AllowVolumeExpansion: &expand,
		VolumeBindingMode:    &bind,
	}
	return object{kind: "StorageClass", name: sz.StorageClass, v: sc}
}

// caNamespace holds the CA Secret the issuer signs with: a ClusterIssuer
// reads it from cert-manager's cluster resource namespace (the namespace
// cert-manager runs in), an Issuer from its own.
func caNamespace(t *model.Topology) string {
	if t.Kubernetes.TLSIssuerKind == "ClusterIssuer" {
		return names.CertManagerNamespace
	}
	return t.Kubernetes.Namespace
}

// storeNamespaces may use the ClusterSecretStore: the MongoDB namespace
// (credentials) and the CA's; no other namespace can read the topology's
// secrets through it.
func storeNamespaces(t *model.Topology) []any {
	ns := []any{t.Kubernetes.Namespace}
	if caNamespace(t) != t.Kubernetes.Namespace {
		ns = append(ns, caNamespace(t))
	}
	if names.CertManagerNamespace != t.Kubernetes.Namespace && caNamespace(t) != names.CertManagerNamespace {
		ns = append(ns, names.CertManagerNamespace)
	}
	return ns
}

// buildSecretStore reads the region's replica of the topology's secrets:
// Secrets Manager in the region's own AWS region (Terraform replicates
// every secret), authenticated as the external-secrets ServiceAccount,
// whose IRSA annotation names names.ExternalSecretsRole.
func buildSecretStore(t *model.Topology, r model.Region) object {
	es := t.Kubernetes.ExternalSecrets
	return object{kind: es.StoreKind, name: es.Store, v: map[string]any{
		"apiVersion": "external-secrets.io/v1",
		"kind":       es.StoreKind,
		"metadata":   platformMeta(es.StoreKind, es.Store, "", wavePlatform),
		"spec": map[string]any{
			"conditions": []any{map[string]any{"namespaces": storeNamespaces(t)}},
			"provider": map[string]any{"aws": map[string]any{
				"service": "SecretsManager",
				"region":  r.CloudRegion,
				"auth": map[string]any{"jwt": map[string]any{"serviceAccountRef": map[string]any{
					"name":      names.ExternalSecretsServiceAccount,
					"namespace": names.ExternalSecretsNamespace,
				}}},
			}},
		},
	}}
}

// buildCA is the shared CA, without a manual step and without its key in
// git or Terraform state. In the preferred region a selfSigned Issuer
// issues a bootstrap CA and a PushSecret writes it to Secrets Manager
// (names.SecretCA) with updatePolicy IfNotExists: the first push wins, and a
// rebuilt cluster's new bootstrap CA is never pushed over it
// (external-secrets v2.9.0 providers/v1/aws/secretsmanager: SecretExists is
// GetSecretValue, so a secret Terraform created without a value counts as
// absent; a secret not tagged managed-by=external-secrets is refused).
// deletionPolicy None: deleting the PushSecret leaves the CA. Every region,
// the preferred one too, pulls the CA back with an ExternalSecret, and the
// issuer signs with that copy: all regions' certificates chain to one CA,
// and a rebuilt preferred region cannot fork it.
func buildCA(t *model.Topology, r model.Region) []object {
	ns := caNamespace(t)
	store := map[string]any{"name": t.Kubernetes.ExternalSecrets.Store, "kind": t.Kubernetes.ExternalSecrets.StoreKind}
	smName := names.SecretsManagerName(t, names.SecretCA)
	var out []object
	if t.Preferred().Name == r.Name {
		out = append(out,
			object{kind: "Issuer", name: names.CABootstrap, v: map[string]any{
				"apiVersion": "cert-manager.io/v1",
				"kind":       "Issuer",
				"metadata":   platformMeta("Issuer", names.CABootstrap, names.CertManagerNamespace, wavePlatform),
				"spec":       map[string]any{"selfSigned": map[string]any{}},
			}},
			object{kind: "Certificate", name: names.CABootstrap, v: map[string]any{
				"apiVersion": "cert-manager.io/v1",
				"kind":       "Certificate",
				"metadata":   platformMeta("Certificate", names.CABootstrap, names.CertManagerNamespace, waveCAIssue),
				"spec": map[string]any{
					"isCA":       true,
					"commonName": t.Name + " MongoDB CA",
					"subject":    map[string]any{"organizations": []any{t.Name}},
					"secretName": names.CABootstrap,
					// Ten years: replacing the CA is a planned change
					// (README, TLS), not a renewal.
					"duration":   "87600h",
					"privateKey": map[string]any{"algorithm": "RSA", "size": 4096},
					"issuerRef":  map[string]any{"name": names.CABootstrap, "kind": "Issuer", "group": "cert-manager.io"},
				},
			}},
			object{kind: "PushSecret", name: names.SecretCA, v: map[string]any{
				"apiVersion": "external-secrets.io/v1alpha1",
				"kind":       "PushSecret",
				"metadata":   platformMeta("PushSecret", names.SecretCA, names.CertManagerNamespace, waveCAPush),
				"spec": map[string]any{
					"updatePolicy":    "IfNotExists",
					"deletionPolicy":  "None",
					"refreshInterval": "1h",
					"secretStoreRefs": []any{store},
					"selector":        map[string]any{"secret": map[string]any{"name": names.CABootstrap}},
					// No secretKey: the whole Secret (tls.crt, tls.key,
					// ca.crt) is pushed as one JSON object, in one write
					// (esutils.ExtractSecretData), stored as a string.
					"data": []any{map[string]any{
						"match": map[string]any{"remoteRef": map[string]any{"remoteKey": smName}},
						"metadata": map[string]any{
							"apiVersion": "kubernetes.external-secrets.io/v1alpha1",
							"kind":       "PushSecretMetadata",
							"spec":       map[string]any{"secretPushFormat": "string"},
						},
					}},
				},
			}},
		)
	}
	issuer := map[string]any{
		"apiVersion": "cert-manager.io/v1",
		"kind":       t.Kubernetes.TLSIssuerKind,
		"metadata":   platformMeta(t.Kubernetes.TLSIssuerKind, t.Kubernetes.TLSIssuerName, "", waveCA),
		"spec":       map[string]any{"ca": map[string]any{"secretName": names.SecretCA}},
	}
	if t.Kubernetes.TLSIssuerKind == "Issuer" {
		issuer["metadata"] = platformMeta("Issuer", t.Kubernetes.TLSIssuerName, ns, waveCA)
	}
	return append(out,
		object{kind: "ExternalSecret", name: names.SecretCA, v: map[string]any{
			"apiVersion": "external-secrets.io/v1",
			"kind":       "ExternalSecret",
			"metadata":   platformMeta("ExternalSecret", names.SecretCA, ns, waveCA),
			"spec": map[string]any{
				"refreshInterval": "1h",
				"secretStoreRef":  store,
				"target":          map[string]any{"name": names.SecretCA, "creationPolicy": "Owner"},
				// Every key of the pushed JSON object becomes a key of the
				// Secret: tls.crt and tls.key are what the CA issuer reads.
				"dataFrom": []any{map[string]any{"extract": map[string]any{"key": smName}}},
			},
		}},
		object{kind: t.Kubernetes.TLSIssuerKind, name: t.Kubernetes.TLSIssuerName, v: issuer},
	)
}
