package kubernetes

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// mongodOptions is every mongod.conf option topogen may write, each one
// mongod 7.0/8.0 documents (mongodb-facts.md §2, from the manual's
// configuration-options page). Removed or rejected options are absent on
// purpose: storage.journal.enabled (removed in 6.1), setParameter (the
// seed's names are not server parameters), replication.enableMajorityReadConcern.
var mongodOptions = map[string]string{
	"net.port":                    "int",
	"net.bindIpAll":               "bool",
	"net.compression.compressors": "string", // snappy, zlib, zstd or disabled
	"net.tls.mode":                "string", // disabled, allowTLS, preferTLS, requireTLS
	"net.tls.certificateKeyFile":  "string", // required on Linux with TLS on
	"net.tls.CAFile":              "string",
	"net.tls.allowConnectionsWithoutCertificates": "bool",
	"replication.replSetName":                     "string",
	"replication.oplogSizeMB":                     "int",
	"security.authorization":                      "string", // enabled or disabled
	"security.clusterAuthMode":                    "string", // keyFile, sendKeyFile, sendX509, x509
	"storage.dbPath":                              "string",
	"storage.wiredTiger.engineConfig.cacheSizeGB": "float",  // 0.25..10000
	"operationProfiling.mode":                     "string", // off, slowOp, all
	"operationProfiling.slowOpThresholdMs":        "int",
}

// enumValues restricts the options whose values are an enumeration.
var enumValues = map[string][]string{
	"net.tls.mode":             {"disabled", "allowTLS", "preferTLS", "requireTLS"},
	"security.authorization":   {"enabled", "disabled"},
	"security.clusterAuthMode": {"keyFile", "sendKeyFile", "sendX509", "x509"},
	"operationProfiling.mode":  {"off", "slowOp", "all"},
}

func flatten(prefix string, v any, out map[string]any) {
	m, ok := v.(map[string]any)
	if !ok {
		out[prefix] = v
		return
	}
	for k, e := range m {
		p := k
		if prefix != "" {
			p = prefix + "." + k
		}
		flatten(p, e, out)
	}
}

func TestMongodConfOnlyKnownOptions(t *testing.T) {
	for _, name := range sortedCases() {
		t.Run(name, func(t *testing.T) {
			topo := load(t, cases[name])
			files := generate(t, topo)
			for _, r := range topo.Regions {
				cm := find(objectsIn(t, files, r.Name), "ConfigMap", configMapMongod(topo, r))
				if cm == nil {
					t.Fatalf("%s: no mongod.conf ConfigMap", r.Name)
				}
				var conf map[string]any
				if err := yaml.Unmarshal([]byte(mustString(t, cm, "data", mongodConfK)), &conf); err != nil {
					t.Fatal(err)
				}
				flat := map[string]any{}
				flatten("", conf, flat)
				keys := make([]string, 0, len(flat))
				for k := range flat {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				for _, k := range keys {
					typ, ok := mongodOptions[k]
					if !ok {
						t.Errorf("%s: mongod.conf option %s is not one mongod 7.0 accepts", r.Name, k)
						continue
					}
					v := flat[k]
					switch typ {
					case "int", "float":
						if _, ok := v.(float64); !ok {
							t.Errorf("%s: %s = %v is not a number", r.Name, k, v)
						}
					case "bool":
						if _, ok := v.(bool); !ok {
							t.Errorf("%s: %s = %v is not a bool", r.Name, k, v)
						}
					case "string":
						if _, ok := v.(string); !ok {
							t.Errorf("%s: %s = %v is not a string", r.Name, k, v)
						}
					}
					if allowed, ok := enumValues[k]; ok && !slices.Contains(allowed, fmt.Sprint(v)) {
						t.Errorf("%s: %s = %v, want one of %v", r.Name, k, v, allowed)
					}
				}
				for _, c := range strings.Split(fmt.Sprint(flat["net.compression.compressors"]), ",") {
					if !slices.Contains([]string{"snappy", "zlib", "zstd"}, c) {
						t.Errorf("%s: compressor %q", r.Name, c)
					}
				}
				if flat["replication.replSetName"] != topo.ReplicaSet.Name {
					t.Errorf("%s: replSetName %v", r.Name, flat["replication.replSetName"])
				}
				// Authorization with a replica set needs keyFile or x509
				// member auth, or mongod refuses to start (§2).
				if flat["security.authorization"] == "enabled" && flat["security.clusterAuthMode"] != "x509" {
					t.Errorf("%s: authorization without x509 member authentication", r.Name)
				}
				cache := flat["storage.wiredTiger.engineConfig.cacheSizeGB"].(float64)
				if cache*gib >= float64(r.Sizing.MemoryLimitBytes) || cache < 0.25 {
					t.Errorf("%s: cacheSizeGB %v with a %s limit", r.Name, cache, r.Sizing.MemoryLimit)
				}
			}
		})
	}
}

func TestCacheSizeGB(t *testing.T) {
	for _, tc := range []struct {
		limit int64
		want  float64
		err   bool
	}{
		{64 << 30, 31.5, false},
		{32 << 30, 15.5, false},
		{24 << 30, 11.5, false},
		{3 << 30, 1, false},
		{2 << 30, 0.5, false},
		{3000 << 20, 0.96, false}, // (3000-1024)/2 MiB = 0.9648 GiB, floored to 0.01
		{1 << 30, 0.25, false},    // floor gives 0: mongod's minimum
		{768 << 20, 0.25, false},
		{256 << 20, 0, true}, // the minimum cache would be the whole limit
	} {
		got, err := CacheSizeGB(tc.limit)
		if (err != nil) != tc.err {
			t.Errorf("CacheSizeGB(%d): error %v", tc.limit, err)
			continue
		}
		if tc.err {
			continue
		}
		if got != tc.want {
			t.Errorf("CacheSizeGB(%d) = %v, want %v", tc.limit, got, tc.want)
		}
		if got*gib >= float64(tc.limit) {
			t.Errorf("CacheSizeGB(%d) = %v is not below the limit", tc.limit, got)
		}
	}
}
