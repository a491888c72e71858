package names

import (
	"fmt"
	"time"
)

// A member's restart budget, which the Kubernetes target's StatefulSet
// implements (terminationGracePeriodSeconds and the startup probe are set
// from these constants; the readiness probe's period matches) and the
// GitOps target waits for (the Flux Kustomization's timeout).
// generators/gitops's TestRestartBudgetMatchesStatefulSet reads the
// generated StatefulSet back and fails when the two drift.
const (
	// MemberTerminationGraceSeconds leaves a primary time to step down
	// (preStop replSetStepDown: up to 30 s of catch-up, then the election)
	// and mongod time for a clean shutdown (a final WiredTiger checkpoint,
	// which on a large cache takes minutes) before the kubelet kills it: a
	// killed mongod recovers from the journal on the next start. 600 s is
	// what MongoDB's own Kubernetes operator gives its database pods
	// (ops-manager-kubernetes, multicluster StatefulSet:
	// podtemplatespec.WithTerminationGracePeriodSeconds(600)).
	MemberTerminationGraceSeconds = 600
	// MemberStartupProbePeriodSeconds × MemberStartupProbeFailures is how
	// long mongod may take to answer ping after a restart (journal recovery
	// after a crash) before the kubelet restarts it.
	MemberStartupProbePeriodSeconds = 10
	MemberStartupProbeFailures      = 60
	// MemberReadinessPeriodSeconds: a restarted member counts as ready
	// (PRIMARY or SECONDARY) at most one period after it is.
	MemberReadinessPeriodSeconds = 10
)

// MemberRestartBudget is the longest one member's rolling restart may take
// and still be normal: stop (grace period), start (startup probe budget),
// and the readiness probe noticing it is PRIMARY or SECONDARY.
const MemberRestartBudget = (MemberTerminationGraceSeconds +
	MemberStartupProbePeriodSeconds*MemberStartupProbeFailures +
	MemberReadinessPeriodSeconds) * time.Second

// regionApplyMargin covers the rest of a region's sync: applying the
// objects, certificates, and the init Job.
const regionApplyMargin = 5 * time.Minute

// RegionRolloutTimeout is how long a region's delivery may take to roll all
// its members one at a time, rounded up to whole minutes, in the form Flux
// accepts ("42m").
func RegionRolloutTimeout(members int) string {
	d := time.Duration(members)*MemberRestartBudget + regionApplyMargin
	return fmt.Sprintf("%dm", int((d+time.Minute-1)/time.Minute))
}
