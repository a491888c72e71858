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
	base = append(base, buildNamespace(t))
	base = append(base, buildExternalSecrets(t)...)

	conf, err := buildMongodConf(t, r)
	if err != nil {
		return nil, nil, err
	}
	sts := buildStatefulSet(t, r, conf)
	pbmConfig, err := buildPBMConfigMap(t)
	if err != nil {
		return nil, nil, err
	}
	overlay = append(overlay, buildStorageClass(t, r), buildSecretStore(t, r))
	overlay = append(overlay, buildCA(t, r)...)
	overlay = append(overlay, buildClientCA(t)...)
	overlay = append(overlay,
		buildMongodConfigMap(t, r, conf),
		buildConnectionConfigMap(t, r),
		buildCertificate(t, r),
		buildBackupServiceAccount(t, r),
		pbmConfig,
		buildHeadless(t, r),
		buildExporterService(t, r),
	)
	overlay = append(overlay, buildMemberServices(t, r)...)
	overlay = append(overlay, sts, buildPDB(t, r))
	overlay = append(overlay, buildNetworkPolicies(t, r)...)
	overlay = append(overlay, buildServiceMonitor(t, r), buildPrometheusRule(t, r))
	overlay = append(overlay, buildProbe(t, r)...)
	overlay = append(overlay, buildPBMRestore(t, r))
	if len(t.Regions) > 1 {
		overlay = append(overlay, buildPBMFailover(t, r))
	}
	if t.Preferred().Name == r.Name {
		overlay = append(overlay, buildInitScripts(t), buildInitJob(t, r))
		overlay = append(overlay, buildPBMConfigJob(t, r), buildBackupCronJob(t, r), buildPBMStatus(t, r))
	}
	return base, overlay, nil
}
