package schema

import (
	"strings"

	"github.com/topogen/topogen/model"
)

// checkSecretsRegion resolves terraform.secretsRegion: the preferred
// region unless set, else one of the topology's regions.
func (c *checker) checkSecretsRegion(t *model.Topology) {
	if len(t.Regions) == 0 {
		return
	}
	tf := &t.Terraform
	if tf.SecretsRegion == "" {
		tf.SecretsRegion = t.Preferred().Name
		return
	}
	if _, ok := t.Region(tf.SecretsRegion); !ok {
		var names []string
		for _, r := range t.Regions {
			names = append(names, r.Name)
		}
		c.errorf([]string{"terraform", "secretsRegion"}, "name one of the regions: "+strings.Join(names, ", "),
			"secrets region %q is not a region of the topology", tf.SecretsRegion)
	}
}
