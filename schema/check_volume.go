package schema

import (
	"fmt"
	"slices"

	"github.com/topogen/topogen/model"
)

// gp3 limits (Amazon EBS User Guide, "General Purpose SSD volumes", gp3):
// at most 500 IOPS per GiB of volume size, and at most 0.25 MiB/s of
// throughput per provisioned IOPS. The absolute bounds are in the CUE
// schema.
const (
	gp3IOPSPerGiB          = 500
	gp3IOPSPerMiBPerSecond = 4
)

// checkVolumePerformance checks the ratios CUE cannot: IOPS against the
// volume size, throughput against IOPS.
func (c *checker) checkVolumePerformance(s model.Sizing, path []string) {
	sp := append(slices.Clone(path), "sizing")
	if size, err := model.ParseQuantity(s.StorageSize); err == nil {
		gib := int64(size) >> 30
		if max := gib * gp3IOPSPerGiB; int64(s.IOPS) > max {
			c.errorf(append(sp, "iops"), fmt.Sprintf("lower iops to at most %d, or raise storageSize to at least %dGi", max, (int64(s.IOPS)+gp3IOPSPerGiB-1)/gp3IOPSPerGiB),
				"gp3 allows at most %d IOPS per GiB: %d IOPS on %s", gp3IOPSPerGiB, s.IOPS, s.StorageSize)
		}
	}
	if max := s.IOPS / gp3IOPSPerMiBPerSecond; s.Throughput > max {
		c.errorf(append(sp, "throughput"), fmt.Sprintf("lower throughput to at most %d, or raise iops to at least %d", max, s.Throughput*gp3IOPSPerMiBPerSecond),
			"gp3 allows at most 0.25 MiB/s per provisioned IOPS: %d MiB/s with %d IOPS", s.Throughput, s.IOPS)
	}
}
