package kubernetes

import (
	"strconv"
	"testing"

	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
	"sigs.k8s.io/yaml"

	"github.com/topogen/topogen/generators/names"
)

// TestStorageClass: every region's tree holds the class its claims name,
// with the provisioner and parameters the EBS CSI driver reads
// (aws-ebs-csi-driver docs/parameters.md) and the sizing's performance.
// Expected values come from the topologies: the default sizing (gp3
// baseline 3000 IOPS, 125 MiB/s) and an override.
func TestStorageClass(t *testing.T) {
	override := loadWith(t, cases["default"], map[string]string{"zz_iops.cue": "package regions\n\nregions: eu: sizing: {iops: 6000, throughput: 500}\n"})
	for _, c := range []struct {
		name             string
		topo             func() []parsed
		region           string
		iops, throughput int
	}{
		{"default us", func() []parsed { return objectsIn(t, generate(t, load(t, cases["default"])), "us") }, "us", 3000, 125},
		{"override eu", func() []parsed { return objectsIn(t, generate(t, override), "eu") }, "eu", 6000, 500},
		{"override leaves us", func() []parsed { return objectsIn(t, generate(t, override), "us") }, "us", 3000, 125},
	} {
		t.Run(c.name, func(t *testing.T) {
			objs := c.topo()
			sts := find(objs, "StatefulSet", "global-rs-"+c.region)
			class := dig(t, sts, "spec", "volumeClaimTemplates", 0, "spec", "storageClassName")
			sc := find(objs, "StorageClass", class)
			if sc == nil {
				t.Fatalf("no StorageClass %q in the tree", class)
			}
			for path, want := range map[string]string{
				"provisioner":           "ebs.csi.aws.com",
				"volumeBindingMode":     "WaitForFirstConsumer",
				"allowVolumeExpansion":  "true",
				"reclaimPolicy":         "Retain",
				"parameters.type":       "gp3",
				"parameters.encrypted":  "true",
				"parameters.iops":       strconv.Itoa(c.iops),
				"parameters.throughput": strconv.Itoa(c.throughput),
				"parameters.kmsKeyId":   "arn:aws:kms:" + map[string]string{"us": "us-east-1", "eu": "eu-west-1"}[c.region] + ":111122223333:alias/global-mongodb-" + c.region + "-ebs",
			} {
				v, err := sc.Pipe(kyaml.Lookup(splitDots(path)...))
				if err != nil || v == nil || kyaml.GetValue(v) != want {
					t.Errorf("%s = %v, want %s", path, v, want)
				}
			}
		})
	}
}

// dig returns the string at path (keys and list indexes) in n.
func dig(t *testing.T, n *kyaml.RNode, path ...any) string {
	t.Helper()
	var v any
	if err := yaml.Unmarshal([]byte(n.MustString()), &v); err != nil {
		t.Fatal(err)
	}
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				t.Fatalf("%s/%s: no %v", n.GetKind(), n.GetName(), path)
			}
			v = l[k]
		}
	}
	s, ok := v.(string)
	if !ok {
		t.Fatalf("%s/%s: %v is %v, not a string", n.GetKind(), n.GetName(), path, v)
	}
	return s
}

func splitDots(p string) []string {
	var out []string
	start := 0
	for i := 0; i < len(p); i++ {
		if p[i] == '.' {
			out = append(out, p[start:i])
			start = i + 1
		}
	}
	return append(out, p[start:])
}

// TestSharedCA: one CA for every region. Only the preferred region issues
// a bootstrap CA and pushes it (IfNotExists, never deleted); every region,
// the preferred one too, pulls the same Secrets Manager entry into the
// Secret its issuer signs with, and the member certificate uses that
// issuer. Waves: store, bootstrap, push, pull + issuer, then certificates.
func TestSharedCA(t *testing.T) {
	topo := load(t, cases["default"])
	files := generate(t, topo)
	sm := topo.Name + "/mongodb-ca"
	for _, r := range topo.Regions {
		objs := objectsIn(t, files, r.Name)
		preferred := r.Name == "us"
		push := find(objs, "PushSecret", "mongodb-ca")
		if (push != nil) != preferred {
			t.Errorf("%s: PushSecret present %v, want %v", r.Name, push != nil, preferred)
		}
		if preferred {
			for path, want := range map[string]string{
				"spec.updatePolicy":         "IfNotExists",
				"spec.deletionPolicy":       "None",
				"spec.selector.secret.name": names.CABootstrap,
			} {
				if got := mustString(t, push, splitDots(path)...); got != want {
					t.Errorf("PushSecret %s = %q, want %q", path, got, want)
				}
			}
			if got := dig(t, push, "spec", "data", 0, "match", "remoteRef", "remoteKey"); got != sm {
				t.Errorf("PushSecret remote key %q", got)
			}
			if ca := find(objs, "Certificate", names.CABootstrap); ca == nil || mustString(t, ca, "spec", "isCA") != "true" || mustString(t, ca, "spec", "secretName") != names.CABootstrap {
				t.Errorf("bootstrap CA Certificate missing or wrong")
			}
		}
		es := find(objs, "ExternalSecret", "mongodb-ca")
		if es == nil {
			t.Fatalf("%s: no CA ExternalSecret", r.Name)
		}
		if got := dig(t, es, "spec", "dataFrom", 0, "extract", "key"); got != sm {
			t.Errorf("%s: CA pulled from %q", r.Name, got)
		}
		// The default issuer is an Issuer in the MongoDB namespace: it
		// signs only Certificates there, and reads its CA Secret there.
		if ns := es.GetNamespace(); ns != topo.Kubernetes.Namespace {
			t.Errorf("%s: CA Secret in namespace %q, want %s (the Issuer's own)", r.Name, ns, topo.Kubernetes.Namespace)
		}
		iss := find(objs, "Issuer", topo.Kubernetes.TLSIssuerName)
		if iss == nil || iss.GetNamespace() != topo.Kubernetes.Namespace || mustString(t, iss, "spec", "ca", "secretName") != mustString(t, es, "spec", "target", "name") {
			t.Errorf("%s: the Issuer does not sign with the pulled CA", r.Name)
		}
		if find(objs, "ClusterIssuer", topo.Kubernetes.TLSIssuerName) != nil {
			t.Errorf("%s: a ClusterIssuer signs member certificates", r.Name)
		}
		cert := find(objs, "Certificate", "global-rs-"+r.Name)
		if mustString(t, cert, "spec", "issuerRef", "name") != topo.Kubernetes.TLSIssuerName {
			t.Errorf("%s: member certificate not issued by the CA issuer", r.Name)
		}
		wave := func(kind, name string) int {
			n := find(objs, kind, name)
			if n == nil {
				t.Fatalf("%s: no %s %s", r.Name, kind, name)
			}
			w, _ := strconv.Atoi(n.GetAnnotations()[annSyncWave])
			return w
		}
		order := [][2]string{{"ClusterSecretStore", topo.Kubernetes.ExternalSecrets.Store}}
		if preferred {
			order = append(order, [2]string{"Certificate", names.CABootstrap}, [2]string{"PushSecret", "mongodb-ca"})
		}
		order = append(order, [2]string{"ExternalSecret", "mongodb-ca"}, [2]string{"Certificate", "global-rs-" + r.Name}, [2]string{"StatefulSet", "global-rs-" + r.Name})
		for i := 1; i < len(order); i++ {
			if a, b := wave(order[i-1][0], order[i-1][1]), wave(order[i][0], order[i][1]); a >= b {
				t.Errorf("%s: %v (wave %d) not before %v (wave %d)", r.Name, order[i-1], a, order[i], b)
			}
		}
		if wave("Issuer", topo.Kubernetes.TLSIssuerName) >= wave("Certificate", "global-rs-"+r.Name) {
			t.Errorf("%s: issuer not before the member certificate", r.Name)
		}
	}
}
