package model

// PatchesDir is the topology subdirectory holding user kustomize patches:
// patches/<region>/*.yaml apply to one region's Kubernetes tree,
// patches/all/*.yaml to every region's.
const PatchesDir = "patches"

// PatchesAll is the patches/ subdirectory whose patches apply to every region.
const PatchesAll = "all"

// Patch is one user kustomize patch file, read at load time so that the
// generators stay pure.
type Patch struct {
	// Region is a region name, or PatchesAll.
	Region string
	// File is the patch's path relative to the topology directory, with
	// forward slashes, e.g. "patches/us/statefulset.yaml"; errors name it.
	File string
	Data []byte
}

// RegionPatches returns the patches for one region: patches/all first, then
// the region's own, each in file order.
func (t *Topology) RegionPatches(region string) []Patch {
	var all, own []Patch
	for _, p := range t.Patches {
		switch p.Region {
		case PatchesAll:
			all = append(all, p)
		case region:
			own = append(own, p)
		}
	}
	return append(all, own...)
}
