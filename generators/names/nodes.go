package names

// The dedicated MongoDB nodes: the Terraform target's node groups carry
// this label and taint, the Kubernetes target's StatefulSet selects the
// label and tolerates the taint (effect NoSchedule). One definition, so a
// member never stays Pending because the two sides disagree.
const (
	MongoDBNodeLabelKey   = "role"
	MongoDBNodeLabelValue = "mongodb"
	MongoDBTaintKey       = "dedicated"
	MongoDBTaintValue     = "mongodb"
)
