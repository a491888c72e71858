package impact

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/topogen/topogen/model"
)

// notCompared are the model.Topology fields Compare deliberately does not
// report, each with the reason. Every other field must produce a change
// when it alone changes (TestCompareCoversEveryField), so a field added to
// the model without a comparison fails the test.
var notCompared = map[string]string{
	"PosOf":                             "source positions, not data",
	"Analysis":                          "analysis inputs (rttMillis, accept, acknowledge) change nothing that runs",
	"Members":                           "derived from the regions (members, voters, priority), dns.domain and mongodb.port, which are compared",
	"ReplicaSet.MultiRegionAckRegions":  "derived from the number of regions",
	"Regions[].DNSZone":                 "derived from the region's name and dns.domain",
	"Regions[].Subnets":                 "derived from the region's cidr and zones",
	"Regions[].Sizing.MemoryLimitBytes": "derived from sizing.memory",
	"Regions[].Sizing.CPULimit":         "equal to sizing.cpu (Guaranteed QoS, checked by vet), which is compared",
	"Regions[].Sizing.MemoryLimit":      "equal to sizing.memory (Guaranteed QoS, checked by vet), which is compared",
	"Regions[].Sizing.Instance":         "the capacity of an instance type topogen's table lacks: only vet's fit check reads it",
	"Backup.Every":                      "compared through backup.schedule, which it derives",
	"Backup.Minute":                     "compared through backup.schedule, which it derives",
	// The sharded mode, walked on golden/eu-residency.
	"Sharding.ConfigServers.ReplicaSet.MultiRegionAckRegions": "derived from the number of the set's regions",
	"Sharding.Shards[].Set.ReplicaSet.MultiRegionAckRegions":  "derived from the number of the set's regions",
	"Sharding.ConfigServers.Sizing.MemoryLimitBytes":          "derived from sizing.memory",
	"Sharding.ConfigServers.Sizing.CPULimit":                  "equal to sizing.cpu (Guaranteed QoS, checked by vet), which is compared",
	"Sharding.ConfigServers.Sizing.MemoryLimit":               "equal to sizing.memory (Guaranteed QoS, checked by vet), which is compared",
	"Sharding.ConfigServers.Sizing.Instance":                  "the capacity of an instance type topogen's table lacks: only vet's fit check reads it",
	"Sharding.Shards[].Set.Sizing.MemoryLimitBytes":           "derived from sizing.memory",
	"Sharding.Shards[].Set.Sizing.CPULimit":                   "equal to sizing.cpu (Guaranteed QoS, checked by vet), which is compared",
	"Sharding.Shards[].Set.Sizing.MemoryLimit":                "equal to sizing.memory (Guaranteed QoS, checked by vet), which is compared",
	"Sharding.Shards[].Set.Sizing.Instance":                   "the capacity of an instance type topogen's table lacks: only vet's fit check reads it",
	"Sharding.Mongos[].Sizing.MemoryLimitBytes":               "derived from sharding.mongos.memory",
	"Sharding.Mongos[].Sizing.CPULimit":                       "equal to sharding.mongos.cpu, which is compared",
	"Sharding.Mongos[].Sizing.MemoryLimit":                    "equal to sharding.mongos.memory, which is compared",
	"Sharding.Mongos[].Sizing.Instance":                       "routers have no declared instance capacity",
	"Sharding.Mongos[].Sizing.StorageSize":                    "routers have no volume",
	"Sharding.Mongos[].Sizing.StorageClass":                   "routers have no volume",
	"Sharding.Mongos[].Sizing.IOPS":                           "routers have no volume",
	"Sharding.Mongos[].Sizing.Throughput":                     "routers have no volume",
}

// TestCompareCoversEveryField changes one leaf field of the default
// topology at a time (the first element of a list of structs stands for
// all) and expects Compare to report it, unless notCompared lists it.
func TestCompareCoversEveryField(t *testing.T) {
	seen := map[string]bool{}
	// The replica-set mode (Sharding nil: its mutation adds the sharded
	// mode), then the sharded mode, whose every field is walked.
	for _, dir := range []string{"../regions", "../golden/eu-residency/input"} {
		t.Run(dir, func(t *testing.T) { coversEveryField(t, roundTrip(t, load(t, readDir(t, dir))), seen) })
	}
	for key := range notCompared {
		if !seen[key] {
			t.Errorf("notCompared lists %q, which is no field of model.Topology", key)
		}
	}
}

func coversEveryField(t *testing.T, base *model.Topology, seen map[string]bool) {
	var paths []string
	walkLeaves(reflect.ValueOf(base).Elem(), "", func(path string, _ reflect.Value) { paths = append(paths, path) })
	if len(paths) < 50 {
		t.Fatalf("walked %d fields; the walk is broken", len(paths))
	}
	for _, path := range paths {
		if ignored(path) != "" {
			seen[ignored(path)] = true
			continue
		}
		changed := roundTrip(t, base)
		ok := false
		walkLeaves(reflect.ValueOf(changed).Elem(), "", func(p string, v reflect.Value) {
			if p == path && !ok {
				ok = mutate(v)
			}
		})
		if !ok {
			t.Errorf("%s: the test cannot change a field of kind %s; teach mutate", path, fieldKind(base, path))
			continue
		}
		if got := Compare(base, changed); len(got) == 0 {
			t.Errorf("%s changed but impact.Compare reports nothing: compare it, or list it in notCompared with the reason", path)
		}
	}
}

// ignored returns the notCompared entry covering path, or "".
func ignored(path string) string {
	for key := range notCompared {
		if path == key || strings.HasPrefix(path, key+".") || strings.HasPrefix(path, key+"[]") {
			return key
		}
	}
	return ""
}

var prefixType = reflect.TypeFor[netip.Prefix]()

// walkLeaves calls fn for every leaf under v: scalars, CIDRs, lists of
// scalars, maps and funcs, by Go field path ("Regions[].Sizing.CPU").
// Lists of structs are walked through their first element; an empty one
// is a leaf.
func walkLeaves(v reflect.Value, path string, fn func(string, reflect.Value)) {
	switch {
	case v.Type() == prefixType:
		fn(path, v)
	case v.Kind() == reflect.Pointer:
		if v.IsNil() {
			fn(path, v)
			return
		}
		walkLeaves(v.Elem(), path, fn)
	case v.Kind() == reflect.Struct:
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			walkLeaves(v.Field(i), strings.TrimPrefix(path+"."+f.Name, "."), fn)
		}
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Struct && v.Type().Elem() != prefixType:
		if v.Len() == 0 {
			fn(path, v)
			return
		}
		walkLeaves(v.Index(0), path+"[]", fn)
	default:
		fn(path, v)
	}
}

// mutate changes v in place; false when it does not know the kind.
func mutate(v reflect.Value) bool {
	switch {
	case v.Type() == prefixType:
		v.Set(reflect.ValueOf(netip.MustParsePrefix("10.250.0.0/16")))
	case v.Kind() == reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
	case v.Type() == reflect.TypeFor[time.Duration]():
		v.SetInt(v.Int() + int64(time.Second))
	case v.Kind() == reflect.String:
		v.SetString(v.String() + "x")
	case v.Kind() == reflect.Int, v.Kind() == reflect.Int64:
		v.SetInt(v.Int() + 1)
	case v.Kind() == reflect.Float64:
		v.SetFloat(v.Float() + 0.5)
	case v.Kind() == reflect.Bool:
		v.SetBool(!v.Bool())
	case v.Kind() == reflect.Slice:
		elem := reflect.New(v.Type().Elem()).Elem()
		if elem.Kind() == reflect.String {
			elem.SetString("changed")
		}
		v.Set(reflect.Append(v, elem))
	case v.Kind() == reflect.Map:
		if v.IsNil() {
			v.Set(reflect.MakeMap(v.Type()))
		}
		val := reflect.New(v.Type().Elem()).Elem()
		if val.Kind() == reflect.String {
			val.SetString("changed")
		}
		v.SetMapIndex(reflect.ValueOf("changed"), val)
	default:
		return false
	}
	return true
}

func fieldKind(t *model.Topology, path string) string {
	kind := "?"
	walkLeaves(reflect.ValueOf(t).Elem(), "", func(p string, v reflect.Value) {
		if p == path {
			kind = v.Type().String()
		}
	})
	return kind
}
