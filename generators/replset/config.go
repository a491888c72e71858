// Package replset generates the replica-set configuration: the document for
// rs.initiate() and an idempotent mongosh script that applies it.
package replset

import (
	"github.com/topogen/topogen/internal/prettyjson"
	"github.com/topogen/topogen/model"
)

// Config is the rs.initiate() document for MongoDB 7.0/8.0. Field order is
// the output order. Only fields mongod's strict IDL parser knows
// (mongodb-facts.md §1.1); no getLastErrorDefaults, which makes 5.0+ abort
// (fassert 5624101, §1.2); no term or replicaSetId, which initiate sets.
type Config struct {
	ID      string `json:"_id"`
	Version int    `json:"version"`
	// ConfigSvr marks the config server replica set of a sharded cluster
	// (mongodb-facts.md §1.1: "configsvr: bool. Only for config-server
	// RS"); omitted, and so absent, for every other set.
	ConfigSvr bool     `json:"configsvr,omitempty"`
	Members   []Member `json:"members"`
	Settings  Settings `json:"settings"`
}

// Member is one members[] entry.
type Member struct {
	ID       int    `json:"_id"`
	Host     string `json:"host"`
	Priority int    `json:"priority"`
	Votes    int    `json:"votes"`
	Tags     Tags   `json:"tags"`
}

// Tags are the member tags: every value a string (§1.1), used by the
// multiRegion write concern and by readPreferenceTags.
type Tags struct {
	Region string `json:"region"`
	Zone   string `json:"zone"`
}

// Settings holds only real settings keys (§1.2: the settings struct is not
// strict, so a misspelled key would be silently ignored).
type Settings struct {
	ChainingAllowed         bool                      `json:"chainingAllowed"`
	HeartbeatIntervalMillis int                       `json:"heartbeatIntervalMillis"`
	HeartbeatTimeoutSecs    int                       `json:"heartbeatTimeoutSecs"`
	ElectionTimeoutMillis   int                       `json:"electionTimeoutMillis"`
	CatchUpTimeoutMillis    int                       `json:"catchUpTimeoutMillis"`
	GetLastErrorModes       map[string]map[string]int `json:"getLastErrorModes,omitempty"`
}

// MultiRegionMode is the getLastErrorModes name applications use as
// w: "multiRegion" to wait for acknowledgement from distinct regions.
const MultiRegionMode = "multiRegion"

// InitiateConfig builds the rs.initiate() document from the model.
func InitiateConfig(t *model.Topology) Config {
	return BuildConfig(t.ReplicaSet, t.Members, 1)
}

// SetConfig is the rs.initiate() document of one set of a sharded
// cluster. The config server replica set carries configsvr: true, which
// mongod requires of a set whose members run --configsvr (MongoDB manual,
// "Deploy a Sharded Cluster": rs.initiate({_id, configsvr: true,
// members})); the §1.3 rules for it (no arbiters, buildIndexes,
// no delay, writeConcernMajorityJournalDefault true) hold because topogen
// writes none of those fields and their defaults comply.
func SetConfig(s model.MemberSet, configsvr bool) Config {
	c := BuildConfig(s.ReplicaSet, s.Members, 1)
	c.ConfigSvr = configsvr
	return c
}

// BuildConfig builds a configuration document for the given members and
// version; reconfig and failover documents use it too.
func BuildConfig(rs model.ReplicaSet, members []model.Member, version int) Config {
	s := rs.Settings
	c := Config{
		ID:      rs.Name,
		Version: version,
		Settings: Settings{
			ChainingAllowed:         s.ChainingAllowed,
			HeartbeatIntervalMillis: s.HeartbeatIntervalMillis,
			HeartbeatTimeoutSecs:    s.HeartbeatTimeoutSecs,
			ElectionTimeoutMillis:   s.ElectionTimeoutMillis,
			CatchUpTimeoutMillis:    s.CatchUpTimeoutMillis,
		},
	}
	if rs.MultiRegionAckRegions > 0 {
		// §1.6: {tag: count} counts distinct values of the tag.
		c.Settings.GetLastErrorModes = map[string]map[string]int{MultiRegionMode: {"region": rs.MultiRegionAckRegions}}
	}
	for _, m := range members {
		c.Members = append(c.Members, Member{
			ID:       m.ID,
			Host:     m.HostPort(),
			Priority: m.Priority,
			Votes:    m.Votes,
			Tags:     Tags{Region: m.Region, Zone: m.Zone},
		})
	}
	return c
}

// MarshalConfig renders a config as indented JSON with a final newline.
func MarshalConfig(c Config) []byte {
	b, err := prettyjson.Marshal(c)
	if err != nil {
		panic(err) // Config has only strings, ints, bools and maps of them.
	}
	return b
}
