// Package impact classifies what a topology change means for the running
// deployment: safe, rolling restart, replica-set reconfig or destructive.
package impact

import "github.com/topogen/topogen/schema"

// Class of a change, from harmless to destructive.
type Class string

const (
	Safe        Class = "safe"        // labels, annotations, monitoring: no restart
	Rolling     Class = "rolling"     // mongod.conf, image, sizing: rolling restart
	Reconfig    Class = "reconfig"    // priorities, votes, members: replica-set reconfig
	Destructive Class = "destructive" // CIDR change (VPC replacement), region removal (data loss)
)

// Change is one topology-level change in plain language.
type Change struct {
	Class Class
	// Region the change is about, empty for global ones.
	Region string
	// Path is the topology field path, e.g. "regions.eu.priority".
	Path string
	// Summary is one plain-language line, e.g.
	// "eu: member priority 6 → 5 (replica-set reconfig)".
	Summary string
}

// Compare lists the changes from old to new in a stable order.
// STUB: the domain-analysis work fills it in.
func Compare(old, new *schema.Topology) []Change {
	return nil
}
