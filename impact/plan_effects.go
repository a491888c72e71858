package impact

import (
	"strings"

	"github.com/topogen/topogen/model"
)

// What a change does to the members.
type effect struct {
	restartAll     bool
	restart        []string // regions whose members restart
	replaceNodes   []string // regions whose MongoDB node group is replaced
	replaceAppOnly []string // regions whose application node group is replaced
	controlPlane   bool     // EKS control-plane upgrade
	reconfig       bool
	destructive    bool
}

// globalRestarts are the global fields whose change restarts every member
// (a new pod template: image, mongod.conf, certificates, ports, hosts).
var globalRestarts = map[string]bool{
	"mongodb.version": true, "mongodb.image": true, "mongodb.exporterImage": true,
	"mongodb.oplogSizeMB": true, "mongodb.port": true, "dns.domain": true,
	"kubernetes.tlsIssuer.name": true, "kubernetes.tlsIssuer.kind": true,
	"backup.image": true, // the pbm-agent sidecar
}

// effectOf is what change c does to the members of old and new.
func effectOf(c Change, old, new *model.Topology) effect {
	var e effect
	switch {
	case c.Class == Safe:
	case c.Class == Destructive:
		e.destructive = true
	case globalRestarts[c.Path]:
		e.restartAll = true
		e.reconfig = c.Class == Reconfig
	case c.Path == "terraform.eksVersion":
		e.controlPlane = true
	case strings.HasSuffix(c.Path, ".sizing"):
		o, _ := old.Region(c.Region)
		n, _ := new.Region(c.Region)
		podSizing := o.Sizing
		podSizing.InstanceType, podSizing.AppInstanceType = n.Sizing.InstanceType, n.Sizing.AppInstanceType
		if podSizing != n.Sizing {
			e.restart = []string{c.Region}
		}
		if o.Sizing.InstanceType != n.Sizing.InstanceType {
			e.replaceNodes = []string{c.Region}
		} else if o.Sizing.AppInstanceType != n.Sizing.AppInstanceType {
			e.replaceAppOnly = []string{c.Region}
		}
	case c.Class == Rolling && c.Region != "":
		e.restart = []string{c.Region}
	default:
		e.reconfig = c.Class == Reconfig
	}
	return e
}
