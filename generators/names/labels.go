package names

// The recommended labels every generated Kubernetes object carries
// (https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/),
// whichever target builds it: the Kubernetes target sets them on its
// objects, the Prometheus target on the PrometheusRule and the
// AlertmanagerConfig it hands over.
const (
	LabelName       = "app.kubernetes.io/name"
	LabelInstance   = "app.kubernetes.io/instance"
	LabelComponent  = "app.kubernetes.io/component"
	LabelPartOf     = "app.kubernetes.io/part-of"
	LabelManagedBy  = "app.kubernetes.io/managed-by"
	LabelReplicaSet = "topogen.io/replica-set"

	// AppName is the app.kubernetes.io/name of every object.
	AppName = "mongodb"
	// ManagedBy is the app.kubernetes.io/managed-by of every object.
	ManagedBy = "topogen"
)
