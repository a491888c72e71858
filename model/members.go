package model

import (
	"cmp"
	"slices"
	"strconv"
)

// MaxMembers and MaxVoters are mongod's limits (mongodb-facts.md §1.3:
// kMaxMembers = 50, kMaxVotingMembers = 7).
const (
	MaxMembers = 50
	MaxVoters  = 7
)

// sortRegionsByPreference orders regions highest priority first, ties by
// name (schema/votes.go assigns votes in this order).
func sortRegionsByPreference(rs []Region) {
	slices.SortStableFunc(rs, func(a, b Region) int {
		return cmp.Or(-cmp.Compare(a.Priority, b.Priority), cmp.Compare(a.Name, b.Name))
	})
}

// PodName is the StatefulSet pod of a member: "<replica set>-<region>-<i>".
func PodName(replicaSet, region string, ordinal int) string {
	return replicaSet + "-" + region + "-" + strconv.Itoa(ordinal)
}

// StatefulSetName is the StatefulSet of a region's members.
func StatefulSetName(replicaSet, region string) string { return replicaSet + "-" + region }

func itoa(i int) string { return strconv.Itoa(i) }

// RegionalName is "<topology>-<region>": a region's EKS cluster, VPC and
// default Argo CD destination, and the prefix of its IAM roles and other
// per-region cloud names (generators/names).
func RegionalName(topology, region string) string { return topology + "-" + region }
