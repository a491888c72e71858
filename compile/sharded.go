package compile

import (
	"strings"

	"github.com/topogen/topogen/model"
)

// shardedPending are the targets that do not generate the sharded mode
// yet (issue 18): gen, check and diff refuse a topology with a sharding
// block while any is listed, so no target renders the replica-set mode's
// tree from a model whose sets live in Topology.Sharding. A target that
// learns the sharded mode leaves this list; the model snapshot and the
// manifest need nothing.
var shardedPending = []string{"prometheus"}

// checkShardedPending is the one diagnostic of a sharded topology while
// targets are pending: vet says it as gen would (TestVetEqualsGen);
// explain, which renders no target, does not run it.
func checkShardedPending(t *model.Topology) model.Diagnostics {
	if t.Sharding == nil || len(shardedPending) == 0 {
		return nil
	}
	return model.Diagnostics{{
		Severity: model.Error,
		Pos:      t.Pos("sharding"),
		Path:     "sharding",
		Summary:  "the sharded mode's " + strings.Join(shardedPending, ", ") + " output is not generated yet",
		Fix:      "topogen vet and explain check it; to compile the deployment now, drop sharding (one replica set, no data residency)",
	}}
}
