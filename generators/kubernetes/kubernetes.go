// Package kubernetes generates out/kubernetes/<region>/: the manifests
// Argo CD or Flux sync into each region's cluster, one file per object plus
// a kustomization.yaml listing them. The objects are assembled with the
// kustomize API over an in-memory filesystem: a base holding what every
// region shares and a per-region overlay carrying what differs and the
// user's patches (patches/<region|all>/ beside the topology).
package kubernetes

import (
	"fmt"
	"path"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/internal/parallel"
	"github.com/topogen/topogen/model"
)

// KustomizationFile lists a region's objects.
const KustomizationFile = generators.KustomizationFile

// Generate renders every region's tree.
func Generate(t *model.Topology) ([]generators.File, error) { return GenerateFrom(t, Built{}) }

// GenerateFrom is Generate with the patched regions CheckPatches built for
// t taken from b rather than built again.
func GenerateFrom(t *model.Topology, b Built) ([]generators.File, error) {
	// kustomize builds dominate gen's time; regions are independent, so
	// build them concurrently, at most one per CPU (more would only hold
	// more builds in memory at once), and collect in region order.
	results := make([][]generators.File, len(t.Regions))
	errs := make([]error, len(t.Regions))
	var todo []int
	for i := range t.Regions {
		var ok bool
		if results[i], ok = b.region(t, i); !ok {
			todo = append(todo, i)
		}
	}
	parallel.Do(len(todo), 0, func(k int) {
		i := todo[k]
		results[i], errs[i] = Region(t, t.Regions[i])
	})
	var out []generators.File
	for i := range t.Regions {
		if errs[i] != nil {
			return nil, errs[i]
		}
		out = append(out, results[i]...)
	}
	return out, nil
}

// Region renders out/kubernetes/<region>/.
func Region(t *model.Topology, r model.Region) ([]generators.File, error) {
	base, overlay, err := objects(t, r)
	if err != nil {
		return nil, err
	}
	built, err := build(t, r, base, overlay)
	if err != nil {
		return nil, fmt.Errorf("region %s: %w", r.Name, err)
	}
	dir := names.KubernetesDir(r)
	var list []string
	for i, f := range built {
		list = append(list, f.Path)
		built[i].Path = path.Join(dir, f.Path)
	}
	return append(built, generators.File{Path: path.Join(dir, KustomizationFile), Data: generators.Kustomization(list, true)}), nil
}

// objects builds the region's objects: base (the same in every region)
// and overlay (region-specific).
func objects(t *model.Topology, r model.Region) (base, overlay []object, err error) {
	if t.Sharding != nil {
		return shardedObjects(t, r)
	}
	base, overlay, err = regionObjects(t, r, t)
	if err != nil {
		return nil, nil, err
	}
	conf, err := buildMongodConf(t, r)
	if err != nil {
		return nil, nil, err
	}
	overlay = append(overlay,
		buildStorageClass(t, r),
		buildMongodConfigMap(t, r, conf),
		buildCertificate(t, r),
		buildHeadless(t, r),
		buildExporterService(t, r),
	)
	overlay = append(overlay, buildMemberServices(t, r)...)
	overlay = append(overlay, buildStatefulSet(t, r, conf), buildPDB(t, r))
	overlay = append(overlay, buildNetworkPolicies(t, r)...)
	if t.Preferred().Name == r.Name {
		overlay = append(overlay, buildInitScripts(t), buildInitJob(t, r))
	}
	return base, overlay, nil
}

// regionObjects are the objects of region r that both modes build alike,
// whatever sets it holds: the namespace and credentials, the CAs, the
// connection ConfigMap, monitoring, the client probe and PBM's
// configuration, jobs and templates. PBM's come from pbm, the topology of
// the one replica set PBM's CLI talks to: t itself in the replica-set
// mode, the config servers' view in the sharded mode (PBM connect.Connect
// resolves a sharded cluster to the config server replica set's primary
// and refuses a mongos: pbm/connect/connect.go, ErrMongosUnsupported).
// The order of the objects does not matter: kustomize orders them (build).
func regionObjects(t *model.Topology, r model.Region, pbm *model.Topology) (base, overlay []object, err error) {
	base = append(base, buildNamespace(t))
	base = append(base, buildExternalSecrets(t)...)

	pr := viewRegion(pbm, r)
	pbmConfig, err := buildPBMConfigMap(pbm)
	if err != nil {
		return nil, nil, err
	}
	overlay = append(overlay, buildSecretStore(t, r))
	overlay = append(overlay, buildCA(t, r)...)
	overlay = append(overlay, buildClientCA(t)...)
	overlay = append(overlay,
		buildConnectionConfigMap(t, r),
		buildBackupServiceAccount(t, r),
		pbmConfig,
	)
	// The region's recording rules group by (region, rs_nm), so they
	// serve every set of a cluster as they serve the one set.
	overlay = append(overlay, buildServiceMonitor(t, r), buildPrometheusRule(t, r))
	overlay = append(overlay, buildProbe(t, r)...)
	overlay = append(overlay, buildPBMRestore(pbm, pr))
	if len(t.Regions) > 1 {
		overlay = append(overlay, buildPBMFailover(pbm, pr))
	}
	if t.Preferred().Name == r.Name {
		overlay = append(overlay, buildPBMConfigJob(pbm, pr), buildBackupCronJob(pbm, pr), buildPBMStatus(pbm, pr))
	}
	return base, overlay, nil
}
