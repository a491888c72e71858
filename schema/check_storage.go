package schema

import (
	"fmt"
	"slices"

	"github.com/topogen/topogen/model"
)

// minStorageBytes is the smallest volume worth creating: EBS gp2/gp3
// volumes are 1 GiB to 16 TiB (Amazon EBS User Guide, "Amazon EBS volume
// types").
const minStorageBytes = 1 << 30

// checkStorage: a member's volume must be a positive byte quantity of at
// least 1 GiB; a volume not larger than the oplog mongod keeps on it
// (mongodb.oplogSizeMB, MongoDB's replication.oplogSizeMB: the oplog grows
// to that size on the data volume) is a warning.
func (c *checker) checkStorage(t *model.Topology) {
	oplog := float64(t.MongoDB.OplogSizeMB) * (1 << 20)
	for _, set := range sizedSets(t) {
		path := append(slices.Clone(set.path), "sizing", "storageSize")
		sz := set.sizing
		if sz.StorageSize == "" {
			continue
		}
		b, err := model.ParseQuantity(sz.StorageSize)
		switch {
		case err != nil:
			c.errorf(path, `write a byte quantity, e.g. "1Ti"`, "%v", err)
		case b < minStorageBytes:
			c.errorf(path, `give each member at least "1Gi" (EBS volumes start at 1 GiB)`, "storageSize %s is below the 1 GiB minimum", sz.StorageSize)
		case oplog > 0 && b <= oplog:
			// A warning: the oplog only reaches its size under write load.
			c.warnf(path, fmt.Sprintf("raise storageSize well above %d Mi, or lower mongodb.oplogSizeMB", t.MongoDB.OplogSizeMB),
				"storageSize %s does not hold the %d MB oplog mongod keeps on the same volume (mongodb.oplogSizeMB)", sz.StorageSize, t.MongoDB.OplogSizeMB)
		}
	}
}
