package compile

import (
	"fmt"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// podPorts are the ports the containers beside mongod listen on in every
// member's pod (they share its network namespace, so mongod cannot use
// them). The pbm-agent and tls-reloader sidecars listen on none.
var podPorts = map[int]string{
	names.ExporterPort: "the mongodb_exporter sidecar's metrics port (--web.listen-address=:9216)",
}

// checkPorts reports a mongod port another container of the pod listens
// on: both would bind it and one would crash-loop.
func checkPorts(t *model.Topology) model.Diagnostics {
	what, taken := podPorts[t.MongoDB.Port]
	if !taken {
		return nil
	}
	return model.Diagnostics{{
		Pos:     t.Pos("mongodb", "port"),
		Path:    "mongodb.port",
		Summary: fmt.Sprintf("port %d is %s, in the same pod", t.MongoDB.Port, what),
		Fix:     "use another port, e.g. 27017 (the default)",
	}}
}
