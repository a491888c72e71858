package schema

import (
	"strings"

	"github.com/topogen/topogen/model"
)

// checkBackup resolves backup.storageRegion and rejects physical backups of
// a server that cannot take them.
func (c *checker) checkBackup(t *model.Topology) {
	if len(t.Regions) == 0 {
		return
	}
	b := &t.Backup
	if b.StorageRegion == "" {
		b.StorageRegion = t.Preferred().Name
	} else if _, ok := t.Region(b.StorageRegion); !ok {
		var names []string
		for _, r := range t.Regions {
			names = append(names, r.Name)
		}
		c.errorf([]string{"backup", "storageRegion"}, "name one of the regions: "+strings.Join(names, ", "),
			"backup storage region %q is not a region of the topology", b.StorageRegion)
	}
	if b.Type == "physical" && !model.IsPerconaServer(t.MongoDB.Image) {
		c.errorf([]string{"backup", "type"}, `use backup.type: "logical" (the default), or run Percona Server for MongoDB (mongodb.image: "`+model.PerconaServerImage+`:<version>")`,
			"physical backups need Percona Server for MongoDB, but mongodb.image is %q", t.MongoDB.Image)
	}
}
