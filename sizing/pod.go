package sizing

import "k8s.io/apimachinery/pkg/api/resource"

// Container is one container's CPU and memory; requests = limits, so that
// the member pod's QoS class is Guaranteed (Kubernetes "Configure Quality
// of Service for Pods": every container, init containers included, needs
// CPU and memory limits equal to its requests; kubectl's
// pkg/util/qos.ComputePodQOS checks init and app containers alike). A
// Guaranteed pod is the last the kubelet evicts under memory pressure and
// the only class the static CPU manager pins to cores.
type Container struct {
	CPU, Memory string
}

// Resources parses the container's quantities.
func (c Container) Resources() Resources {
	cpu, mem := resource.MustParse(c.CPU), resource.MustParse(c.Memory)
	return Resources{MilliCPU: cpu.MilliValue(), Bytes: mem.Value()}
}

// The sidecars of every member pod, beside mongod. CPU limits throttle, so
// each gets what its work needs in bursts, not its idle use.
var (
	// Exporter: mongodb_exporter's collectors run diagnosticdata and
	// dbStats on each scrape.
	Exporter = Container{CPU: "100m", Memory: "256Mi"}
	// TLSReloader: mongosh (Node.js) once per certificate renewal; at
	// 200m its start takes a few seconds.
	TLSReloader = Container{CPU: "200m", Memory: "256Mi"}
	// Probe: the client probe's mongosh (Node.js), one insert and one find
	// every names.ProbeIntervalSecs; not on the MongoDB nodes (no
	// toleration), so not in Sidecars.
	Probe = Container{CPU: "100m", Memory: "256Mi"}
	// PBMAgent: pbm-agent uploads oplog chunks continuously (PITR) and
	// streams logical backups, compressing them.
	PBMAgent = Container{CPU: "300m", Memory: "2Gi"}
	// PEMInit: the init container concatenating the certificate and key.
	// An init container runs before the others, so the pod reserves the
	// larger of it and the sum of the others (Kubernetes "Init
	// containers", resource sharing), which is the sum.
	PEMInit = Container{CPU: "10m", Memory: "64Mi"}
	// InitDB: the sharded mode's first-boot init container, a temporary
	// mongod with a 0.25 GB cache and one mongosh; like PEMInit it is
	// smaller than the pod's other containers together, so it reserves
	// nothing more.
	InitDB = Container{CPU: "500m", Memory: "1Gi"}
)

// Sidecars are the member pod's containers other than mongod.
func Sidecars() []Container { return []Container{Exporter, TLSReloader, PBMAgent} }

// DaemonSets is the allowance kept on every MongoDB node for the node
// agents every node runs: vpc-cni's aws-node (25m), kube-proxy (100m), the
// EBS CSI node plugin, the Pod Identity agent and a node exporter. Their
// requests change with add-on versions; the allowance is rounded up.
var DaemonSets = Container{CPU: "250m", Memory: "512Mi"}

// Overhead is what the node needs beside mongod: the sidecars and the
// DaemonSets.
func Overhead() Resources {
	var r Resources
	for _, c := range append(Sidecars(), DaemonSets) {
		cr := c.Resources()
		r.MilliCPU += cr.MilliCPU
		r.Bytes += cr.Bytes
	}
	return r
}
