package kubernetes

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
	"sigs.k8s.io/yaml"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/internal/testtopo"
	"github.com/topogen/topogen/model"
)

// The sharded mode's per-region trees, checked against the topology
// (testtopo.Sharded: the config servers over every region, an EU shard in
// eu + euc, a default shard in apac + eu + us).

type shardedCase struct {
	name  string
	topo  *model.Topology
	files []generators.File
}

var shardedMemo []shardedCase

// shardedCases: the hand-built fixture and golden/eu-residency.
func shardedCases(t *testing.T) []shardedCase {
	t.Helper()
	if shardedMemo == nil {
		for _, c := range []struct {
			name string
			topo *model.Topology
		}{
			{"fixture", testtopo.Sharded(t)},
			{"eu-residency", testtopo.Load(t, "../../golden/eu-residency/input")},
		} {
			files, err := Generate(c.topo)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			shardedMemo = append(shardedMemo, shardedCase{c.name, c.topo, files})
		}
	}
	return shardedMemo
}

// mongodConfs maps each mongod.conf of a region's tree to its
// replication.replSetName and sharding.clusterRole.
func mongodConfs(t *testing.T, objs []parsed) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, o := range objs {
		if o.node.GetKind() != "ConfigMap" {
			continue
		}
		data := o.node.GetDataMap()
		conf, found := data["mongod.conf"]
		if !found {
			continue
		}
		var c struct {
			Replication struct {
				ReplSetName string `json:"replSetName"`
			} `json:"replication"`
			Sharding struct {
				ClusterRole string `json:"clusterRole"`
			} `json:"sharding"`
		}
		if err := yaml.Unmarshal([]byte(conf), &c); err != nil {
			t.Fatalf("%s: %v", o.path, err)
		}
		out[c.Replication.ReplSetName] = c.Sharding.ClusterRole
	}
	return out
}

// podTemplateSets lists the replica sets whose pods a region's tree
// schedules: each StatefulSet's pod template, by the mongod.conf its
// config volume mounts.
func podTemplateSets(t *testing.T, objs []parsed) []string {
	t.Helper()
	confs := map[string]string{} // ConfigMap name -> replSetName
	for _, o := range objs {
		if o.node.GetKind() == "ConfigMap" {
			if conf, found := o.node.GetDataMap()["mongod.conf"]; found {
				var c struct {
					Replication struct {
						ReplSetName string `json:"replSetName"`
					} `json:"replication"`
				}
				if err := yaml.Unmarshal([]byte(conf), &c); err != nil {
					t.Fatal(err)
				}
				confs[o.node.GetName()] = c.Replication.ReplSetName
			}
		}
	}
	var out []string
	for _, o := range objs {
		if o.node.GetKind() != "StatefulSet" {
			continue
		}
		vols, err := o.node.Pipe(kyaml.Lookup("spec", "template", "spec", "volumes"))
		if err != nil || vols == nil {
			t.Fatalf("%s: no volumes", o.path)
		}
		elems, _ := vols.Elements()
		for _, v := range elems {
			if cm := v.Field("configMap"); cm != nil {
				name := kyaml.GetValue(cm.Value.Field("name").Value)
				set, found := confs[name]
				if !found {
					t.Fatalf("%s mounts ConfigMap %s, which holds no mongod.conf of the tree", o.path, name)
				}
				out = append(out, set)
			}
		}
	}
	slices.Sort(out)
	return out
}

// TestShardedResidency: no pod template of an EU-zone shard's set lands in
// a region outside the EU jurisdiction; the expectation is the regions'
// jurisdictions, not the shard's own region list.
func TestShardedResidency(t *testing.T) {
	for _, c := range shardedCases(t) {
		t.Run(c.name, func(t *testing.T) { testShardedResidency(t, c.topo, c.files) })
	}
}

func testShardedResidency(t *testing.T, topo *model.Topology, files []generators.File) {
	jurisdiction := map[string]string{}
	for _, r := range topo.Regions {
		jurisdiction[r.Name] = r.Jurisdiction
	}
	resident := map[string]string{} // set name -> jurisdiction its data must stay in
	for _, s := range topo.Sharding.Shards {
		if s.Jurisdiction != "" {
			resident[s.Set.ReplicaSet.Name] = s.Jurisdiction
		}
	}
	if len(resident) == 0 {
		t.Fatal("test topology: no shard with a jurisdiction")
	}
	seen := map[string]int{}
	for _, r := range topo.Regions {
		for _, set := range podTemplateSets(t, objectsIn(t, files, r.Name)) {
			j, bound := resident[set]
			if !bound {
				continue
			}
			seen[set]++
			if jurisdiction[r.Name] != j {
				t.Errorf("region %s (jurisdiction %q) schedules pods of %s, whose data must stay in %s", r.Name, jurisdiction[r.Name], set, j)
			}
		}
	}
	for set := range resident {
		if seen[set] == 0 {
			t.Errorf("no region schedules %s at all", set)
		}
	}
}

// TestShardedTrees: each region's tree holds a StatefulSet for exactly
// the sets that place members there, with those members, the right
// cluster role, and the region's mongos pointing at the config servers.
func TestShardedTrees(t *testing.T) {
	for _, c := range shardedCases(t) {
		t.Run(c.name, func(t *testing.T) { testShardedTrees(t, c.topo, c.files) })
	}
}

func testShardedTrees(t *testing.T, topo *model.Topology, files []generators.File) {
	sh := topo.Sharding
	type want struct {
		role     string
		replicas int
	}
	for _, r := range topo.Regions {
		objs := objectsIn(t, files, r.Name)
		wanted := map[string]want{}
		count := func(s model.MemberSet, role string) {
			n := 0
			for _, m := range s.Members {
				if m.Region == r.Name {
					n++
				}
			}
			if n > 0 {
				wanted[s.ReplicaSet.Name] = want{role, n}
			}
		}
		count(sh.ConfigServers, "configsvr")
		for _, s := range sh.Shards {
			count(s.Set, "shardsvr")
		}
		got := map[string]want{}
		for set, role := range mongodConfs(t, objs) {
			sts := find(objs, "StatefulSet", model.StatefulSetName(set, r.Name))
			if sts == nil {
				t.Errorf("%s: mongod.conf of %s without its StatefulSet", r.Name, set)
				continue
			}
			var replicas int
			fmt.Sscan(mustString(t, sts, "spec", "replicas"), &replicas)
			got[set] = want{role, replicas}
		}
		if d := cmp.Diff(wanted, got, cmp.AllowUnexported(want{})); d != "" {
			t.Errorf("%s: sets (-topology +tree):\n%s", r.Name, d)
		}

		// The region's routers and where they and the applications point.
		m, _ := names.RegionMongos(topo, r.Name)
		d := find(objs, "Deployment", names.Mongos)
		if d == nil {
			t.Fatalf("%s: no mongos Deployment", r.Name)
		}
		if got := mustString(t, d, "spec", "replicas"); got != fmt.Sprint(m.Replicas) {
			t.Errorf("%s: mongos replicas %s, topology %d", r.Name, got, m.Replicas)
		}
		for _, k := range []string{"Service", "PodDisruptionBudget", "ConfigMap"} {
			name := names.Mongos
			if k == "ConfigMap" {
				name = mongosConfigMap
			}
			if find(objs, k, name) == nil {
				t.Errorf("%s: no mongos %s", r.Name, k)
			}
		}
		var conf struct {
			Sharding struct {
				ConfigDB string `json:"configDB"`
			} `json:"sharding"`
		}
		if err := yaml.Unmarshal([]byte(find(objs, "ConfigMap", mongosConfigMap).GetDataMap()[mongosConfK]), &conf); err != nil {
			t.Fatal(err)
		}
		var csrs []string
		for _, mb := range sh.ConfigServers.Members {
			csrs = append(csrs, fmt.Sprintf("%s:%d", mb.Host, mb.Port))
		}
		if want := sh.ConfigServers.ReplicaSet.Name + "/" + strings.Join(csrs, ","); conf.Sharding.ConfigDB != want {
			t.Errorf("%s: mongos configDB %q, want %q", r.Name, conf.Sharding.ConfigDB, want)
		}
		uri := find(objs, "ConfigMap", ConnectionConfigMap).GetDataMap()["MONGODB_URI"]
		wantHost := fmt.Sprintf("mongodb://%s.%s.svc.%s:%d/?", names.Mongos, topo.Kubernetes.Namespace, topo.Kubernetes.ClusterDomain, m.Port)
		if !strings.HasPrefix(uri, wantHost) || strings.Contains(uri, "replicaSet=") {
			t.Errorf("%s: MONGODB_URI %s, want the local mongos %s and no replicaSet", r.Name, uri, wantHost)
		}

		// One x509 identity (O, OU) for every member and router: x509
		// membership admits only peers with the same O/OU/DC.
		for _, o := range objs {
			if o.node.GetKind() != "Certificate" || o.node.GetName() == "mongodb-ca-bootstrap" {
				continue
			}
			if got := mustString(t, o.node, "spec", "subject", "organizationalUnits", "0"); got != topo.Name {
				t.Errorf("%s: Certificate %s OU %s, want the cluster's %s", r.Name, o.node.GetName(), got, topo.Name)
			}
		}

		// The init Job: in the preferred region only.
		job := find(objs, "Job", names.InitJob)
		if (job != nil) != (r.Name == topo.Preferred().Name) {
			t.Errorf("%s: init Job present %v, preferred region %s", r.Name, job != nil, topo.Preferred().Name)
		}
	}
}

// TestShardedInitJobOrder: the init Job runs the config servers' script,
// the shards', init-sharding.js, then the users, each from the scripts
// ConfigMap.
func TestShardedInitJobOrder(t *testing.T) {
	for _, c := range shardedCases(t) {
		t.Run(c.name, func(t *testing.T) { testShardedInitJobOrder(t, c.topo, c.files) })
	}
}

func testShardedInitJobOrder(t *testing.T, topo *model.Topology, files []generators.File) {
	objs := objectsIn(t, files, topo.Preferred().Name)
	job := find(objs, "Job", names.InitJob)
	script := mustString(t, job, "spec", "template", "spec", "containers", "0", "command", "2")
	var ran []string
	for _, l := range strings.Split(script, "\n") {
		if f, found := strings.CutPrefix(l, "mongosh --nodb --quiet --file "+scriptsDir+"/"); found {
			ran = append(ran, f)
		}
	}
	sh := topo.Sharding
	want := []string{"init-" + sh.ConfigServers.ReplicaSet.Name + ".js"}
	for _, s := range sh.Shards {
		want = append(want, "init-"+s.Set.ReplicaSet.Name+".js")
	}
	want = append(want, "init-sharding.js", "ensure-users-"+sh.ConfigServers.ReplicaSet.Name+".js")
	for _, s := range sh.Shards {
		want = append(want, "ensure-users-"+s.Set.ReplicaSet.Name+".js")
	}
	if d := cmp.Diff(want, ran); d != "" {
		t.Errorf("init Job order (-want +got):\n%s", d)
	}
	data := find(objs, "ConfigMap", initScriptsName).GetDataMap()
	for _, k := range ran {
		if data[k] == "" {
			t.Errorf("the init Job runs %s, which its ConfigMap lacks", k)
		}
	}
	if !strings.Contains(data["init-"+sh.ConfigServers.ReplicaSet.Name+".js"], `"configsvr": true`) {
		t.Error("the config servers' init script does not initiate with configsvr: true")
	}
}

// TestShardedInitReachesMongos: the init Job's init-sharding.js connects
// by default to the mongos Service of its own region's tree, on the
// Service's port, and the routers' certificate names that host (the
// script verifies it: tls=true without tlsAllowInvalidHostnames).
func TestShardedInitReachesMongos(t *testing.T) {
	for _, c := range shardedCases(t) {
		t.Run(c.name, func(t *testing.T) {
			r := c.topo.Preferred()
			objs := objectsIn(t, c.files, r.Name)
			svc := find(objs, "Service", names.Mongos)
			host := names.Mongos + "." + c.topo.Kubernetes.Namespace + ".svc." + c.topo.Kubernetes.ClusterDomain
			want := `const MONGOS = env.TOPOGEN_MONGOS || "` + host + ":" + mustString(t, svc, "spec", "ports", "0", "port") + `";`
			script := find(objs, "ConfigMap", initScriptsName).GetDataMap()[shardingScriptKey]
			if !strings.Contains(script, want) {
				t.Errorf("init-sharding.js lacks %q", want)
			}
			cert := find(objs, "Certificate", names.Mongos)
			dns, err := cert.Pipe(kyaml.Lookup("spec", "dnsNames"))
			if err != nil || dns == nil {
				t.Fatal("mongos Certificate without dnsNames")
			}
			var dnsNames []string
			for _, n := range dns.YNode().Content {
				dnsNames = append(dnsNames, n.Value)
			}
			if !slices.Contains(dnsNames, host) {
				t.Errorf("mongos Certificate dnsNames %v lack %s", dnsNames, host)
			}
		})
	}
}
