package compile

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"sigs.k8s.io/yaml"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/internal/testmemo"
	"github.com/topogen/topogen/internal/testtopo"
	"github.com/topogen/topogen/model"
)

// The deployability contract (issue 12, item 10): everything a region's
// tree depends on outside itself must be produced by some target — an
// object in the tree, an add-on Application / HelmRelease for the region,
// or a Terraform resource. The check reads only rendered output (YAML
// objects, and resource types and names in the .tf files), never a
// generator's internals, so it survives their refactors.

// need is one external dependency of a region's tree.
type need struct {
	kind, name string // e.g. {"StorageClass", "fast-ssd"}
	by         string // the file that needs it
}

func (n need) key() string { return n.kind + " " + n.name }

// crdGroupsOf: the API groups each add-on chart installs CRDs for (facts
// about the upstream charts at the pinned versions: cert-manager's
// crds.enabled, external-secrets' installCRDs, prometheus-operator-crds'
// monitoring.coreos.com).
var crdGroupsOf = map[string][]string{
	"cert-manager":             {"cert-manager.io"},
	"external-secrets":         {"external-secrets.io"},
	"prometheus-operator-crds": {"monitoring.coreos.com"},
}

// builtinGroups are served by Kubernetes itself.
var builtinGroups = []string{"", "apps", "batch", "policy", "networking.k8s.io", "storage.k8s.io", "rbac.authorization.k8s.io"}

type obj = map[string]any

func str(v any, path ...any) string {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(obj)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return ""
			}
			v = l[k]
		}
	}
	s, _ := v.(string)
	return s
}

func list(v any, path ...string) []any {
	for _, k := range path {
		m, _ := v.(obj)
		v = m[k]
	}
	l, _ := v.([]any)
	return l
}

// walk calls f on every map inside v.
func walk(v any, f func(obj)) {
	switch x := v.(type) {
	case obj:
		f(x)
		for _, e := range x {
			walk(e, f)
		}
	case []any:
		for _, e := range x {
			walk(e, f)
		}
	}
}

// parseYAML reads the objects of the files under dir (kustomization.yaml
// aside), keyed by path.
func parseYAML(t *testing.T, files map[string][]byte, dir string) map[string][]obj {
	t.Helper()
	out := map[string][]obj{}
	for p, b := range files {
		if !strings.HasPrefix(p, dir+"/") || path.Base(p) == "kustomization.yaml" || !strings.HasSuffix(p, ".yaml") {
			continue
		}
		if objs := yamlObjects(t, p, b); len(objs) > 0 {
			out[p] = objs
		}
	}
	return out
}

// The parse of each rendered file, by path and bytes: one contract call
// reads every region's tree three times and the global stack once per
// region and flavour, and each mutation case of
// TestContractCatchesRemovedProducers changes one file of the same tree.
// The parsed values are only read.
var (
	yamlParsed testmemo.Memo[string, []obj]
	hclParsed  testmemo.Memo[string, *hcl.File]
)

// yamlObjects returns the objects of the YAML stream b (file p).
func yamlObjects(t *testing.T, p string, b []byte) []obj {
	t.Helper()
	objs, err := yamlParsed.Get(p+"\x00"+string(b), func() ([]obj, error) {
		var objs []obj
		for _, doc := range bytes.Split(b, []byte("\n---\n")) {
			var o obj
			if err := yaml.Unmarshal(doc, &o); err != nil {
				return nil, fmt.Errorf("%s: %v", p, err)
			}
			if o != nil {
				objs = append(objs, o)
			}
		}
		return objs, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

// hclFile returns the parsed HCL file b (file p).
func hclFile(t *testing.T, p string, b []byte) *hcl.File {
	t.Helper()
	file, err := hclParsed.Get(p+"\x00"+string(b), func() (*hcl.File, error) {
		file, diags := hclsyntax.ParseConfig(b, p, hcl.InitialPos)
		if diags.HasErrors() {
			return nil, fmt.Errorf("%s: %v", p, diags)
		}
		return file, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return file
}

func groupOf(apiVersion string) string {
	g, _, ok := strings.Cut(apiVersion, "/")
	if !ok {
		return ""
	}
	return g
}

// treeNeeds lists what region r's tree depends on.
func treeNeeds(objs map[string][]obj) []need {
	var out []need
	// Namespaced SecretStores of external-secrets' kubernetes provider
	// read Secrets of another namespace of the same cluster.
	remote := map[string]string{} // namespace/store → remote namespace
	for _, os := range objs {
		for _, o := range os {
			if str(o, "kind") == "SecretStore" {
				remote[str(o, "metadata", "namespace")+"/"+str(o, "metadata", "name")] = str(o, "spec", "provider", "kubernetes", "remoteNamespace")
			}
		}
	}
	for p, os := range objs {
		for _, o := range os {
			add := func(kind, name string) { out = append(out, need{kind, name, p}) }
			kind := str(o, "kind")
			ns := str(o, "metadata", "namespace")
			if ns != "" {
				add("Namespace", ns)
			}
			if g := groupOf(str(o, "apiVersion")); !slices.Contains(builtinGroups, g) {
				add("CRD", g)
			}
			if arn := str(o, "metadata", "annotations", "eks.amazonaws.com/role-arn"); arn != "" {
				add("IAMRole", arn[strings.LastIndex(arn, "/")+1:])
			}
			switch kind {
			case "StatefulSet":
				for _, vct := range list(o, "spec", "volumeClaimTemplates") {
					add("StorageClass", str(vct, "spec", "storageClassName"))
				}
				pod, _ := o["spec"].(obj)["template"].(obj)["spec"].(obj)
				if sel, ok := pod["nodeSelector"].(obj); ok {
					for k, v := range sel {
						add("NodeLabel", k+"="+fmt.Sprint(v))
					}
				}
				for _, tol := range list(pod, "tolerations") {
					add("Taint", str(tol, "key")+"="+str(tol, "value")+":"+str(tol, "effect"))
				}
			case "StorageClass":
				add("CSIDriver", str(o, "provisioner"))
				if k := str(o, "parameters", "kmsKeyId"); k != "" {
					add("KMSAlias", k[strings.Index(k, ":alias/")+1:])
				}
			case "Service":
				if str(o, "metadata", "annotations", "service.beta.kubernetes.io/aws-load-balancer-type") == "external" {
					add("LoadBalancerController", names.LBControllerServiceAccount)
				}
			case "ExternalSecret":
				if str(o, "spec", "secretStoreRef", "kind") == "SecretStore" {
					store := ns + "/" + str(o, "spec", "secretStoreRef", "name")
					add("SecretStore", store)
					for _, d := range list(o, "spec", "data") {
						add("Secret", remote[store]+"/"+str(d, "remoteRef", "key"))
					}
					break
				}
				add("SecretStore", str(o, "spec", "secretStoreRef", "name"))
				for _, d := range list(o, "spec", "data") {
					add("SecretsManager", str(d, "remoteRef", "key"))
				}
				for _, d := range list(o, "spec", "dataFrom") {
					add("SecretsManager", str(d, "extract", "key"))
				}
			case "PushSecret":
				for _, s := range list(o, "spec", "secretStoreRefs") {
					add("SecretStore", str(s, "name"))
				}
				add("Secret", ns+"/"+str(o, "spec", "selector", "secret", "name"))
				// The secret it fills must exist, tagged for
				// external-secrets, with its replicas (Terraform's shell).
				for _, d := range list(o, "spec", "data") {
					add("SecretsManagerShell", str(d, "match", "remoteRef", "remoteKey"))
				}
			case "Certificate":
				add("Issuer", str(o, "spec", "issuerRef", "kind")+"/"+issuerKey(ns, o))
			case "ClusterIssuer":
				if s := str(o, "spec", "ca", "secretName"); s != "" {
					add("Secret", names.CertManagerNamespace+"/"+s)
				}
			case "Issuer":
				if s := str(o, "spec", "ca", "secretName"); s != "" {
					add("Secret", ns+"/"+s)
				}
			}
			// Secrets pods read.
			walk(o["spec"], func(m obj) {
				if r, ok := m["secretKeyRef"].(obj); ok {
					add("Secret", ns+"/"+str(r, "name"))
				}
				if s, ok := m["secret"].(obj); ok && str(s, "secretName") != "" {
					add("Secret", ns+"/"+str(s, "secretName"))
				}
			})
		}
	}
	return out
}

func issuerKey(ns string, cert obj) string {
	if str(cert, "spec", "issuerRef", "kind") == "ClusterIssuer" {
		return str(cert, "spec", "issuerRef", "name")
	}
	return ns + "/" + str(cert, "spec", "issuerRef", "name")
}

// produced are the keys of every need something produces.
type produced map[string]string // need key → producer

func (p produced) add(kind, name, by string) { p[kind+" "+name] = by }

// treeProduces: what the tree's own objects provide.
func treeProduces(p produced, objs map[string][]obj) {
	for f, os := range objs {
		for _, o := range os {
			kind, name, ns := str(o, "kind"), str(o, "metadata", "name"), str(o, "metadata", "namespace")
			switch kind {
			case "Namespace":
				p.add("Namespace", name, f)
			case "StorageClass":
				p.add("StorageClass", name, f)
			case "ClusterSecretStore":
				p.add("SecretStore", name, f)
			case "SecretStore":
				p.add("SecretStore", ns+"/"+name, f)
			case "ClusterIssuer":
				p.add("Issuer", "ClusterIssuer/"+name, f)
			case "Issuer":
				p.add("Issuer", "Issuer/"+ns+"/"+name, f)
			case "Secret":
				p.add("Secret", ns+"/"+name, f)
			case "ExternalSecret":
				p.add("Secret", ns+"/"+str(o, "spec", "target", "name"), f)
			case "Certificate":
				p.add("Secret", ns+"/"+str(o, "spec", "secretName"), f)
			case "PushSecret":
				for _, d := range list(o, "spec", "data") {
					p.add("SecretsManager", str(d, "match", "remoteRef", "remoteKey"), f)
				}
			}
		}
	}
}

// addonProduces: what the add-ons installed in the region provide, read
// from the Argo CD Applications or the Flux HelmReleases.
func addonProduces(p produced, objs map[string][]obj, region string) {
	for f, os := range objs {
		for _, o := range os {
			var chart, ns string
			var values any
			// Only a region's add-ons (the management cluster's own
			// Application has no region and several sources).
			if str(o, "metadata", "labels", names.RegionLabel) != region {
				continue
			}
			switch str(o, "kind") {
			case "Application":
				chart, ns = str(o, "spec", "source", "chart"), str(o, "spec", "destination", "namespace")
				values = o["spec"].(obj)["source"].(obj)["helm"].(obj)["valuesObject"]
			case "HelmRelease":
				chart, ns = str(o, "spec", "chart", "spec", "chart"), str(o, "spec", "targetNamespace")
				values = o["spec"].(obj)["values"]
			default:
				continue
			}
			p.add("Namespace", ns, f)
			for _, g := range crdGroupsOf[chart] {
				p.add("CRD", g, f)
			}
			if chart == "aws-load-balancer-controller" {
				p.add("LoadBalancerController", str(values, "serviceAccount", "name"), f)
			}
		}
	}
}

// addonNeeds: the add-ons' own external dependencies (their IRSA roles).
func addonNeeds(objs map[string][]obj, region string) []need {
	var out []need
	for f, os := range objs {
		for _, o := range os {
			if str(o, "metadata", "labels", names.RegionLabel) != region {
				continue
			}
			// Every IAM role ARN anywhere in the object: IRSA
			// annotations in chart values, and the Argo CD cluster
			// Secret's awsAuthConfig.roleARN inside its templated config.
			walkStrings(o["spec"], func(s string) {
				for _, m := range roleARN.FindAllStringSubmatch(s, -1) {
					out = append(out, need{"IAMRole", m[1], f})
				}
			})
			// The cluster registration's ExternalSecret reads the
			// regional stack's entry.
			if str(o, "kind") == "ExternalSecret" {
				for _, d := range list(o, "spec", "dataFrom") {
					out = append(out, need{"SecretsManager", str(d, "extract", "key"), f})
				}
			}
		}
	}
	return out
}

var roleARN = regexp.MustCompile(`arn:aws:iam::[0-9]{12}:role/([A-Za-z0-9+=,.@_-]+)`)

// walkStrings calls f on every string inside v.
func walkStrings(v any, f func(string)) {
	switch x := v.(type) {
	case string:
		f(x)
	case obj:
		for _, e := range x {
			walkStrings(e, f)
		}
	case []any:
		for _, e := range x {
			walkStrings(e, f)
		}
	}
}

// terraformProduces reads resource types and names from the .tf files of
// region's stack and of the global stack: what another region's stack
// creates does not serve this region (a node group, a role trusting
// another cluster).
func terraformProduces(t *testing.T, p produced, files map[string][]byte, region string) {
	t.Helper()
	// Secrets by stack directory and resource label, and the versions
	// (values) referring to them.
	secretNames := map[string]string{}
	valued := map[string]string{} // stack/label → file
	for f, b := range files {
		if !strings.HasSuffix(f, ".tf") || !strings.HasPrefix(f, "terraform/"+region+"/") && !strings.HasPrefix(f, "terraform/global/") {
			continue
		}
		stack := path.Dir(f)
		file := hclFile(t, f, b)
		for _, blk := range file.Body.(*hclsyntax.Body).Blocks {
			if blk.Type != "resource" || len(blk.Labels) < 1 {
				continue
			}
			attr := func(n string) string {
				a, ok := blk.Body.Attributes[n]
				if !ok {
					return ""
				}
				v, d := a.Expr.Value(nil)
				if d.HasErrors() || !v.Type().Equals(v.Type()) || !v.IsKnown() || v.IsNull() || v.Type().FriendlyName() != "string" {
					return ""
				}
				return v.AsString()
			}
			switch blk.Labels[0] {
			case "aws_iam_role":
				p.add("IAMRole", attr("name"), f)
			case "aws_secretsmanager_secret":
				// A value only with a version resource; a shell for
				// external-secrets' PushSecret when tagged for it.
				secretNames[stack+"/"+blk.Labels[1]] = attr("name")
				if a, ok := blk.Body.Attributes["tags"]; ok {
					if v, d := a.Expr.Value(nil); !d.HasErrors() && v.CanIterateElements() {
						if m := v.AsValueMap(); m["managed-by"].Type() == cty.String && m["managed-by"].AsString() == "external-secrets" {
							p.add("SecretsManagerShell", attr("name"), f)
						}
					}
				}
			case "aws_secretsmanager_secret_version":
				if a, ok := blk.Body.Attributes["secret_id"]; ok {
					for _, tr := range a.Expr.Variables() {
						if len(tr) >= 2 && tr.RootName() == "aws_secretsmanager_secret" {
							valued[stack+"/"+tr[1].(hcl.TraverseAttr).Name] = f
						}
					}
				}
			case "aws_kms_alias":
				p.add("KMSAlias", attr("name"), f)
			case "aws_eks_addon":
				if attr("addon_name") == "aws-ebs-csi-driver" {
					p.add("CSIDriver", "ebs.csi.aws.com", f)
				}
			case "aws_eks_node_group":
				if a, ok := blk.Body.Attributes["labels"]; ok {
					if v, d := a.Expr.Value(nil); !d.HasErrors() && v.CanIterateElements() {
						for k, e := range v.AsValueMap() {
							p.add("NodeLabel", k+"="+e.AsString(), f)
						}
					}
				}
				for _, tb := range blk.Body.Blocks {
					if tb.Type != "taint" {
						continue
					}
					get := func(n string) string {
						v, _ := tb.Body.Attributes[n].Expr.Value(nil)
						return v.AsString()
					}
					// EKS's NO_SCHEDULE is Kubernetes's NoSchedule.
					eff := map[string]string{"NO_SCHEDULE": "NoSchedule", "NO_EXECUTE": "NoExecute", "PREFER_NO_SCHEDULE": "PreferNoSchedule"}[get("effect")]
					p.add("Taint", get("key")+"="+get("value")+":"+eff, f)
				}
			}
		}
	}
	for k, f := range valued {
		if n, ok := secretNames[k]; ok {
			p.add("SecretsManager", n, f)
		}
	}
}

// contract returns, per delivery flavour, the needs of each region's tree
// that nothing produces, as sorted "region: kind name".
func contract(t *testing.T, topo *model.Topology, files map[string][]byte) []string {
	t.Helper()
	var missing []string
	pushed := produced{}
	// A PushSecret in one region's tree writes a Secrets Manager secret
	// every region reads (the preferred region's CA, replicated).
	for _, r := range topo.Regions {
		for f, os := range parseYAML(t, files, names.KubernetesDir(r)) {
			for _, o := range os {
				if str(o, "kind") == "PushSecret" {
					for _, d := range list(o, "spec", "data") {
						pushed.add("SecretsManager", str(d, "match", "remoteRef", "remoteKey"), f)
					}
				}
			}
		}
	}
	for _, flavour := range []string{"gitops/argocd", "gitops/flux"} {
		addons := parseYAML(t, files, flavour)
		for _, r := range topo.Regions {
			tree := parseYAML(t, files, names.KubernetesDir(r))
			p := produced{}
			for k, v := range pushed {
				p[k] = v
			}
			terraformProduces(t, p, files, r.Name)
			treeProduces(p, tree)
			addonProduces(p, addons, r.Name)
			// The application namespace is the application's (README).
			p.add("Namespace", topo.Kubernetes.AppNamespace, "the application")
			needs := append(treeNeeds(tree), addonNeeds(addons, r.Name)...)
			seen := map[string]bool{}
			for _, n := range needs {
				if _, ok := p[n.key()]; ok || seen[n.key()] {
					continue
				}
				seen[n.key()] = true
				missing = append(missing, fmt.Sprintf("%s %s: %s (needed by %s)", flavour, r.Name, n.key(), n.by))
			}
		}
	}
	sort.Strings(missing)
	return slices.Compact(missing)
}

// pendingTerraform are what the Terraform target does not create yet.
// Each entry is a "kind name-pattern" where "<region>" stands for each
// region's name. The test fails when one of them is produced, so the list
// only shrinks: delete an entry once Terraform creates it. Empty: every
// need of the region trees has a producer.
var pendingTerraform []string

func isPending(topo *model.Topology, line string) (string, bool) {
	for _, p := range pendingTerraform {
		for _, r := range topo.Regions {
			k := strings.NewReplacer("<topology>", topo.Name, "<region>", r.Name).Replace(p)
			if strings.Contains(line, ": "+k+" (") {
				return p, true
			}
		}
	}
	return "", false
}

var contractCases = []struct{ name, dir string }{
	{"default", "../regions"},
	{"two-regions", "../golden/two-regions/input"},
	{"one-member", "../golden/one-member/input"},
}

// render loads and compiles the topology in dir, once per test binary:
// several tests read the same trees, and none changes what it gets (the
// mutation cases copy the file map first).
func render(t *testing.T, dir string) (*model.Topology, map[string][]byte) {
	t.Helper()
	r := renderOnce(t, dir)
	return r.topo, r.files
}

// renderedTree is render's tree itself, for the tests that walk its files.
func renderedTree(t *testing.T, dir string) *generators.Tree {
	t.Helper()
	return renderOnce(t, dir).tree
}

type rendered struct {
	topo  *model.Topology
	tree  *generators.Tree
	files map[string][]byte
}

var renders testmemo.Memo[string, rendered]

func renderOnce(t *testing.T, dir string) rendered {
	t.Helper()
	r, err := renders.Get(dir, func() (rendered, error) {
		topo := testtopo.Load(t, dir)
		tree, err := Compile(topo, Options{})
		if err != nil {
			return rendered{}, err
		}
		files := map[string][]byte{}
		for _, f := range tree.Files() {
			files[f.Path] = f.Data
		}
		return rendered{topo, tree, files}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestDeployabilityContract: every need of every region's tree, in both
// delivery flavours, is produced, except the Terraform resources still
// pending (listed, shrinking only).
func TestDeployabilityContract(t *testing.T) {
	for _, c := range contractCases {
		t.Run(c.name, func(t *testing.T) {
			topo, files := render(t, c.dir)
			used := map[string]bool{}
			for _, m := range contract(t, topo, files) {
				if p, ok := isPending(topo, m); ok {
					used[p] = true
					continue
				}
				t.Errorf("not produced by any target: %s", m)
			}
			for _, p := range pendingTerraform {
				if !used[p] {
					t.Errorf("pending %q is produced now (or no longer needed): delete it from pendingTerraform", p)
				}
			}
		})
	}
}

// TestContractCatchesRemovedProducers: the check is not vacuous. Each case
// removes one producer from the rendered default tree (a file, or the name
// of a Terraform resource) and the exact need must turn up missing.
func TestContractCatchesRemovedProducers(t *testing.T) {
	topo, base := render(t, "../regions")
	us, _ := topo.Region("us")
	eu, _ := topo.Region("eu")
	lbRole := names.LBControllerRole(topo, us)
	adminSM := names.SecretsManagerName(topo, names.SecretAdmin)
	// rename renames the (quoted) name in one rendered file.
	rename := func(f map[string][]byte, path, from, to string) {
		if !bytes.Contains(f[path], []byte(`"`+from+`"`)) {
			t.Fatalf("%s does not name %q", path, from)
		}
		f[path] = bytes.ReplaceAll(f[path], []byte(`"`+from+`"`), []byte(`"`+to+`"`))
	}
	for _, c := range []struct {
		name   string
		mutate func(files map[string][]byte)
		want   string // a need that must be missing: "<flavour> <region>: <kind> <name>"
	}{
		{"StorageClass removed from the tree", func(f map[string][]byte) {
			delete(f, "kubernetes/us/storageclass-fast-ssd.yaml")
		}, "gitops/argocd us: StorageClass fast-ssd"},
		{"LB controller role removed from Terraform", func(f map[string][]byte) {
			rename(f, "terraform/us/iam.tf", lbRole, "someone-else")
		}, "gitops/argocd us: IAMRole " + lbRole + ""},
		{"LB controller add-on removed", func(f map[string][]byte) {
			delete(f, "gitops/flux/addons/us/helmrelease-global-mongodb-us-aws-load-balancer-controller.yaml")
		}, "gitops/flux us: LoadBalancerController aws-load-balancer-controller"},
		{"a credential's ExternalSecret removed from the tree", func(f map[string][]byte) {
			delete(f, "kubernetes/eu/externalsecret-mongodb-admin.yaml")
		}, "gitops/argocd eu: Secret mongodb/mongodb-admin"},
		{"a credential's Secrets Manager secret removed from Terraform", func(f map[string][]byte) {
			rename(f, "terraform/global/secrets.tf", adminSM, "elsewhere")
		}, "gitops/argocd eu: SecretsManager " + adminSM + ""},
		{"a credential's value (its secret version) removed from Terraform", func(f map[string][]byte) {
			f["terraform/global/secrets.tf"] = bytes.Replace(f["terraform/global/secrets.tf"],
				[]byte("aws_secretsmanager_secret.mongodb_admin.id"), []byte("aws_secretsmanager_secret.elsewhere.id"), 1)
		}, "gitops/flux eu: SecretsManager " + adminSM},
		{"the CA's secret loses the tag PushSecret requires", func(f map[string][]byte) {
			rename(f, "terraform/global/secrets.tf", "external-secrets", "topogen")
		}, "gitops/argocd us: SecretsManagerShell global-mongodb/mongodb-ca"},
		{"the CA's PushSecret removed", func(f map[string][]byte) {
			delete(f, "kubernetes/us/pushsecret-mongodb-ca.yaml")
		}, "gitops/flux apac: SecretsManager global-mongodb/mongodb-ca"},
		{"the GitOps role Argo CD assumes removed from Terraform", func(f map[string][]byte) {
			rename(f, "terraform/eu/iam.tf", names.GitOpsRole(topo, eu), "someone-else")
		}, "gitops/argocd eu: IAMRole " + names.GitOpsRole(topo, eu)},
		{"the cluster entry removed from Terraform", func(f map[string][]byte) {
			rename(f, "terraform/eu/secrets.tf", names.ClusterSecret(topo, eu), "elsewhere")
		}, "gitops/argocd eu: SecretsManager " + names.ClusterSecret(topo, eu)},
		{"the node group's taint removed from Terraform", func(f map[string][]byte) {
			f["terraform/us/eks.tf"] = bytes.ReplaceAll(f["terraform/us/eks.tf"], []byte(`"NO_SCHEDULE"`), []byte(`"NO_EXECUTE"`))
		}, "gitops/argocd us: Taint dedicated=mongodb:NoSchedule"},
	} {
		t.Run(c.name, func(t *testing.T) {
			files := map[string][]byte{}
			for k, v := range base {
				files[k] = v
			}
			// The file named as the needer may be any of several.
			has := func(lines []string) bool {
				return slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, c.want+" (needed by ") })
			}
			if has(contract(t, topo, files)) {
				t.Fatalf("%q is missing before the producer is removed", c.want)
			}
			c.mutate(files)
			after := contract(t, topo, files)
			if !has(after) {
				t.Errorf("removing the producer did not report %q; missing now:\n%s", c.want, strings.Join(after, "\n"))
			}
		})
	}
}
