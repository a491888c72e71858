package kubernetes

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/topogen/topogen/generators/replset"
	"github.com/topogen/topogen/model"
)

// The sharded mode's init Job, in the preferred region like the
// replica-set mode's: one container running, in order, each set's
// init-replset.js (the config servers first, then the shards), then
// init-sharding.js through the region's mongos (addShard, zones, ranges,
// shardCollection), then each set's ensure-users.js. Every script is
// idempotent, so the Job's retries and re-runs change nothing once done.
// One Job, not one per step in sync waves: Argo CD orders hooks by wave,
// but Flux applies a Kustomization's Jobs together with no order between
// them, and the steps must run in this order (addShard needs initiated
// shards, zone ranges need the zones, shardCollection the ranges).
// The sequence is proven in the real mongosh by
// generators/replset/sharding_mongosh_test.go.

const shardingScriptKey = "init-sharding.js"

// Script keys of one set in the init scripts ConfigMap.
func setInitKey(set string) string  { return "init-" + set + ".js" }
func setUsersKey(set string) string { return "ensure-users-" + set + ".js" }

func buildShardedInitScripts(t *model.Topology) object {
	data := map[string]string{shardingScriptKey: string(replset.ShardingScript(t))}
	for _, cs := range clusterSets(t) {
		name := cs.set.ReplicaSet.Name
		data[setInitKey(name)] = string(replset.SetInitScript(cs.set, cs.role == roleConfigSvr))
		data[setUsersKey(name)] = string(replset.SetUsersScript(cs.set))
	}
	cm := corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: meta("ConfigMap", initScriptsName, t.Kubernetes.Namespace, componentInit, nil),
		Data:       data,
	}
	return object{kind: "ConfigMap", name: initScriptsName, v: cm}
}

// ShardedInitSequence is the init Job's scripts in the order it runs
// them (keys of the init scripts ConfigMap).
func ShardedInitSequence(t *model.Topology) []string {
	var out []string
	for _, cs := range clusterSets(t) {
		out = append(out, setInitKey(cs.set.ReplicaSet.Name))
	}
	out = append(out, shardingScriptKey)
	for _, cs := range clusterSets(t) {
		out = append(out, setUsersKey(cs.set.ReplicaSet.Name))
	}
	return out
}

// buildShardedInitJob: one attempt covers the config servers' first boot
// (every set's members start together, so the later sets are up by
// then) plus each further set's election, the wait for the mongos, and
// the users of every set.
func buildShardedInitJob(t *model.Topology, r model.Region) object {
	script := "set -eu\n"
	for _, key := range ShardedInitSequence(t) {
		script += fmt.Sprintf("mongosh --nodb --quiet --file %s/%s\n", scriptsDir, key)
	}
	sets := clusterSets(t)
	attempt := replset.SettingsBudgets(t.Sharding.ConfigServers.ReplicaSet.Settings).AttemptSecs + replset.MongosWaitSecs(t)
	for _, cs := range sets[1:] {
		attempt += replset.SettingsBudgets(cs.set.ReplicaSet.Settings).PrimaryWaitSecs + replset.UsersWaitSecs
	}
	csrs := setView(t, t.Sharding.ConfigServers)
	return initJobFor(csrs, viewRegion(csrs, r), script, attempt)
}
