package replset

import (
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/topogen/topogen/model"
)

// Budget is how long the init Job waits for each step of the first boot,
// derived from the topology.
type Budget struct {
	// MembersWaitSecs: how long init-replset.js waits for every member to
	// answer hello before it gives up without initiating. On a first boot
	// a member may take its pod's scheduling, volume attachment and image
	// pull (PodStartSecs) plus an empty-volume mongod start
	// (FirstStartSecs); there is no data yet, so no WiredTiger recovery
	// (that is what StartupWindowSecs covers on later restarts).
	MembersWaitSecs int
	// PrimaryWaitSecs: after replSetInitiate, how long to wait for a
	// primary. An election needs the electable members to see each other
	// (heartbeatTimeoutSecs), an election timeout to run out on the
	// initiator, and a catch-up: twice the election timeout covers a
	// first election that splits the vote.
	PrimaryWaitSecs int
	// AttemptSecs: one run of the Job's container (both scripts).
	AttemptSecs int
}

// PodStartSecs bounds what happens before mongod starts: scheduling on a
// node the autoscaler may add (~2-4 min on EKS), attaching the EBS volume
// and pulling the image.
const PodStartSecs = 300

// FirstStartSecs bounds mongod's start on an empty volume: creating the
// WiredTiger files and the local database, the docker entrypoint's
// temporary mongod that creates the root user, then the real start.
const FirstStartSecs = 180

// UsersWaitSecs bounds ensure-users.js (server selection of the primary
// plus majority-acknowledged user writes).
const UsersWaitSecs = 180

// StartupWindowSecs is the time a member may take from mongod's start to
// answering ping: WiredTiger replays the journal written since the last
// checkpoint (at most storage.wiredTiger.checkpoint interval, 60 s, of
// writes) and then mongod rebuilds its in-memory state; MongoDB's
// Kubernetes operator gives its startup 10 min (its readiness probe's
// initial window) and recovery scales with the data's metadata (one
// WiredTiger table per collection and index), so larger volumes get one
// more minute per 256 GiB.
func StartupWindowSecs(r model.Region) int {
	var gib int64
	if q, err := resource.ParseQuantity(r.Sizing.StorageSize); err == nil {
		gib = q.Value() >> 30
	}
	return 600 + int(gib/256)*60
}

// Budgets derives the init Job's budgets from the topology.
func Budgets(t *model.Topology) Budget { return SettingsBudgets(t.ReplicaSet.Settings) }

// SettingsBudgets derives the budgets from one replica set's settings
// (each set of a sharded cluster has its own).
func SettingsBudgets(s model.ReplicaSetSettings) Budget {
	catchUp := s.CatchUpTimeoutMillis / 1000
	if catchUp < 0 { // -1: unbounded catch-up; wait for one election timeout more
		catchUp = s.ElectionTimeoutMillis / 1000
	}
	b := Budget{
		MembersWaitSecs: PodStartSecs + FirstStartSecs,
		PrimaryWaitSecs: s.HeartbeatTimeoutSecs + 2*s.ElectionTimeoutMillis/1000 + catchUp,
	}
	b.AttemptSecs = b.MembersWaitSecs + b.PrimaryWaitSecs + UsersWaitSecs
	return b
}
