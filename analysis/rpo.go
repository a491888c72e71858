package analysis

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/topogen/topogen/model"
)

// SLORPO is the recovery point objective's name in analysis.accept.
const SLORPO = "rpo"

// LagAlert is the Prometheus alert bounding the replication lag at the RPO
// (generators/prometheus lagAlerts: critical above slo.rpo).
const LagAlert = "MongoDBReplicationLagAboveRPO"

// RPO is how much acknowledged data each kind of loss costs.
//
// Region loss: a w:majority write is on a majority of the voters; when
// every single-region loss keeps a majority (the failure table), one of
// them survives and any primary the survivors elect has the write
// (mongodb-facts.md §1.6), so nothing acknowledged is lost. A w:1 write is
// on the primary only until the secondaries replicate it: losing the
// primary's region loses up to the replication lag, which the lag alert
// bounds at the RPO. When a region holding the majority is lost, even
// w:majority writes may exist only there (forced reconfig: up to the lag).
//
// Restore (a bad write, a dropped collection, corruption, all replicated
// everywhere): with PITR, the newest oplog chunk is at most one span
// (pitr.oplogSpanMin) plus its upload time old; without, the newest base
// backup is up to backup.every old.
type RPO struct {
	Target string `json:"target"`
	// MajorityRegionLossSeconds: w:majority writes lost when a region is
	// lost; 0, or -1 when some region loss leaves no majority (then up to
	// the replication lag).
	MajorityRegionLossSeconds int    `json:"majorityRegionLossSeconds"`
	RegionLoss                string `json:"regionLoss"`
	// W1RegionLossBoundSeconds: the lag alert's threshold, the bound on
	// w:1 writes lost with the primary's region.
	W1RegionLossBoundSeconds int  `json:"w1RegionLossBoundSeconds"`
	PITR                     bool `json:"pitr"`
	// RestoreBoundSeconds: the restore RPO without the chunk upload time
	// (PITR) or the backup interval (no PITR).
	RestoreBoundSeconds int    `json:"restoreBoundSeconds"`
	Restore             string `json:"restore"`
}

func rpoReport(t *model.Topology, r Report) RPO {
	rpo := RPO{Target: duration(t.SLO.RPO), PITR: t.Backup.PITR, W1RegionLossBoundSeconds: int(t.SLO.RPO / time.Second)}
	var unsafe []string
	for _, f := range r.Failures {
		if f.Kind == "region" && !f.MajorityKept {
			unsafe = append(unsafe, f.Lost[0])
		}
	}
	lag := fmt.Sprintf("up to the replication lag, alerted above %s (%s)", duration(t.SLO.RPO), LagAlert)
	switch {
	case len(t.Regions) == 1:
		rpo.MajorityRegionLossSeconds = -1
		rpo.RegionLoss = "one region: losing it stops the set; the data comes back with the region, or from its backups (the restore RPO)"
	case len(unsafe) == 0:
		rpo.RegionLoss = "0 s for w:majority writes (every one-region loss keeps a majority of the votes, so a surviving member has them); w:1 writes: " + lag
	default:
		rpo.MajorityRegionLossSeconds = -1
		rpo.RegionLoss = fmt.Sprintf("losing %s leaves no majority: writes acknowledged there only (w:majority included) are lost in the forced reconfig, %s; other region losses: 0 s for w:majority writes", strings.Join(unsafe, " or "), lag)
	}
	if t.Backup.PITR {
		span := t.PITRSpan()
		rpo.RestoreBoundSeconds = int(span / time.Second)
		rpo.Restore = fmt.Sprintf("<= %s + the chunk upload time: PITR, pbm-agent uploads an oplog chunk every %s (pitr.oplogSpanMin %g); a restore reaches any second up to the newest chunk",
			seconds(int(span.Milliseconds())), duration(span), span.Minutes())
	} else {
		rpo.RestoreBoundSeconds = int(t.Backup.Every / time.Second)
		rpo.Restore = fmt.Sprintf("<= %s: PITR is off (backup.pitr), a restore returns to the newest base backup, taken every %s (backup.every)",
			seconds(int(t.Backup.Every.Milliseconds())), duration(t.Backup.Every))
	}
	return rpo
}

// rpoCheck is the RPO's SLO verdict. The region-loss RPO is met by
// construction (0, or the lag alert at the RPO); the restore RPO is met
// when the oplog span, or without PITR the base-backup interval, is within
// the RPO.
func rpoCheck(t *model.Topology, rpo RPO) SLOCheck {
	c := SLOCheck{Name: SLORPO, Target: rpo.Target, Estimate: rpo.short()}
	bound := time.Duration(rpo.RestoreBoundSeconds) * time.Second
	c.Met = bound <= t.SLO.RPO
	switch {
	case c.Met:
	case rpo.PITR:
		c.Cause = fmt.Sprintf("the shortest oplog span topogen configures is %s (backup: pitr), longer than slo.rpo %s", duration(model.MinPITRSpan), rpo.Target)
	default:
		c.Cause = fmt.Sprintf("backup.pitr is off: a restore loses up to backup.every %s of writes, more than slo.rpo %s; set backup: pitr: true", duration(t.Backup.Every), rpo.Target)
	}
	return verdict(t, c)
}

// short is the SLO table's estimate; the RPO section has the details.
func (rpo RPO) short() string {
	loss := "0 s (w:majority)"
	switch {
	case strings.HasPrefix(rpo.RegionLoss, "one region"):
		loss = "n/a (one region)"
	case rpo.MajorityRegionLossSeconds < 0:
		loss = "up to the replication lag (no majority left)"
	}
	restore := seconds(rpo.RestoreBoundSeconds*1000) + " + chunk upload (PITR)"
	if !rpo.PITR {
		restore = seconds(rpo.RestoreBoundSeconds*1000) + " (base backups, PITR off)"
	}
	return "region loss " + loss + "; restore <= " + restore
}

// writeText renders explain's "RPO" section.
func (rpo RPO) writeText(b *bytes.Buffer) {
	fmt.Fprintf(b, "\nRPO (slo.rpo %s)\n", rpo.Target)
	fmt.Fprintf(b, "  region loss: %s\n", rpo.RegionLoss)
	fmt.Fprintf(b, "  restore:     %s\n", rpo.Restore)
}
