package model

import (
	"strings"
	"time"
)

// PerconaServerImage is the image repository of Percona Server for
// MongoDB. PBM's physical backups copy WiredTiger files through
// $backupCursor, which only Percona Server provides; MongoDB Community
// supports logical backups and PITR only (PBM docs, "Supported MongoDB
// versions" and "Physical backups").
const PerconaServerImage = "percona/percona-server-mongodb"

// IsPerconaServer reports whether image is Percona Server for MongoDB.
func IsPerconaServer(image string) bool {
	repo := image
	if i := strings.LastIndex(repo, "/"); i >= 0 {
		repo = repo[i+1:]
	}
	return strings.HasPrefix(repo, "percona-server-mongodb")
}

// MinPITRSpan is the shortest oplog span topogen configures: PBM uploads
// one chunk per span from each replica set, so a span of seconds would be
// a stream of tiny S3 objects.
const MinPITRSpan = time.Minute

// PITRUploadAllowance is how long a chunk may take to reach S3 after its
// span ends before the status check and its alert call PITR stale.
const PITRUploadAllowance = time.Minute

// PITRSpan is PBM's pitr.oplogSpanMin: the RPO, at least MinPITRSpan.
// pbm-agent uploads an oplog chunk every span (pbm/config/config.go
// OplogSlicerInterval, PBM 2.10.0), so a restore loses at most one span
// plus the chunk's upload time.
func (t *Topology) PITRSpan() time.Duration { return max(t.SLO.RPO, MinPITRSpan) }

// PITRStaleAfter is the age of the newest oplog chunk past which PITR no
// longer meets its span: one span plus the upload allowance.
func (t *Topology) PITRStaleAfter() time.Duration { return t.PITRSpan() + PITRUploadAllowance }

// BackupWait is how long the backup Job waits for pbm backup (then pbm
// cleanup): the interval less 10 minutes, so a stuck backup fails before
// the next one is due.
func (t *Topology) BackupWait() time.Duration { return t.Backup.Every - 10*time.Minute }

// BaseBackupStaleAfter is the age of the newest done base backup past which
// a scheduled one is overdue: one interval plus the longest a backup may
// run (BackupWait).
func (t *Topology) BaseBackupStaleAfter() time.Duration { return t.Backup.Every + t.BackupWait() }
