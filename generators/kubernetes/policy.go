package kubernetes

import (
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// clientLabel marks the pods that connect to mongod from this namespace
// (backup, init Job); the clients NetworkPolicy selects them.
const clientLabel = "topogen.io/mongodb-client"

// buildPDB lets at most one member of the region be down by eviction at a
// time; the other regions' votes keep the majority.
func buildPDB(t *model.Topology, r model.Region) object {
	name := names.StatefulSet(t, r)
	one := intstr.FromInt32(1)
	pdb := policyv1.PodDisruptionBudget{
		TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
		ObjectMeta: meta("PodDisruptionBudget", name, t.Kubernetes.Namespace, componentMongod, nil),
		Spec: policyv1.PodDisruptionBudgetSpec{
			MaxUnavailable: &one,
			Selector:       &metav1.LabelSelector{MatchLabels: selector(t, r)},
		},
	}
	return object{kind: "PodDisruptionBudget", name: name, v: pdb}
}

func nsPeer(ns string) networkingv1.NetworkPolicyPeer {
	return networkingv1.NetworkPolicyPeer{NamespaceSelector: &metav1.LabelSelector{
		MatchLabels: map[string]string{"kubernetes.io/metadata.name": ns},
	}}
}

// samePeer is any pod of the MongoDB namespace.
func samePeer() networkingv1.NetworkPolicyPeer {
	return networkingv1.NetworkPolicyPeer{PodSelector: &metav1.LabelSelector{}}
}

// vpcPeers admits every region's VPC: the other regions' members and
// clients, and this region's own VPC because traffic through the per-pod
// NLBs arrives from the NLB's addresses there (client IP preservation is
// off, services.go). Under the VPC CNI this also admits any pod of the
// own cluster reaching a member through its NLB name.
func vpcPeers(t *model.Topology) []networkingv1.NetworkPolicyPeer {
	var out []networkingv1.NetworkPolicyPeer
	for _, c := range vpcCIDRs(t) {
		out = append(out, networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: c}})
	}
	return out
}

func tcp(port int) networkingv1.NetworkPolicyPort {
	p := corev1.ProtocolTCP
	v := intstr.FromInt32(int32(port))
	return networkingv1.NetworkPolicyPort{Protocol: &p, Port: &v}
}

// dnsEgress allows name resolution through the cluster DNS in kube-system.
func dnsEgress() networkingv1.NetworkPolicyEgressRule {
	udp, tcpP := corev1.ProtocolUDP, corev1.ProtocolTCP
	p := intstr.FromInt32(53)
	return networkingv1.NetworkPolicyEgressRule{
		To:    []networkingv1.NetworkPolicyPeer{nsPeer("kube-system")},
		Ports: []networkingv1.NetworkPolicyPort{{Protocol: &udp, Port: &p}, {Protocol: &tcpP, Port: &p}},
	}
}

func mongoEgress(t *model.Topology) networkingv1.NetworkPolicyEgressRule {
	return networkingv1.NetworkPolicyEgressRule{
		To:    append([]networkingv1.NetworkPolicyPeer{samePeer()}, vpcPeers(t)...),
		Ports: mongoPorts(t),
	}
}

// mongoPorts: mongod's port, and in the sharded mode the mongos ports
// that differ from it.
func mongoPorts(t *model.Topology) []networkingv1.NetworkPolicyPort {
	out := []networkingv1.NetworkPolicyPort{tcp(t.MongoDB.Port)}
	if t.Sharding == nil {
		return out
	}
	seen := map[int]bool{t.MongoDB.Port: true}
	for _, m := range t.Sharding.Mongos {
		if !seen[m.Port] {
			seen[m.Port] = true
			out = append(out, tcp(m.Port))
		}
	}
	return out
}

// httpsEgress: S3 and STS (IRSA), whose addresses are not fixed.
func httpsEgress() networkingv1.NetworkPolicyEgressRule {
	return networkingv1.NetworkPolicyEgressRule{Ports: []networkingv1.NetworkPolicyPort{tcp(443)}}
}

func netpol(t *model.Topology, name, component string, spec networkingv1.NetworkPolicySpec) object {
	np := networkingv1.NetworkPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"},
		ObjectMeta: meta("NetworkPolicy", name, t.Kubernetes.Namespace, component, nil),
		Spec:       spec,
	}
	return object{kind: "NetworkPolicy", name: name, v: np}
}

// buildNetworkPolicies: deny all traffic of the namespace in both
// directions, then allow
//   - mongod's port from the application and monitoring namespaces, this
//     namespace and every region's VPC (members, cross-region clients, NLBs);
//   - the exporter's port from the monitoring namespace only;
//   - egress of members to DNS, other members and HTTPS (the pbm-agent
//     sidecar: S3 and STS);
//   - egress of the backup and init clients to DNS, members and HTTPS
//     (S3 and STS for IRSA, whose addresses are not fixed).
func buildNetworkPolicies(t *model.Topology, r model.Region) []object {
	ns := t.Kubernetes
	deny := netpol(t, "default-deny", "", networkingv1.NetworkPolicySpec{
		PodSelector: metav1.LabelSelector{},
		PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress},
	})
	mongodFrom := append([]networkingv1.NetworkPolicyPeer{nsPeer(ns.AppNamespace), nsPeer(ns.MonitoringNamespace), samePeer()}, vpcPeers(t)...)
	mongod := netpol(t, names.StatefulSet(t, r), componentMongod, networkingv1.NetworkPolicySpec{
		PodSelector: metav1.LabelSelector{MatchLabels: selector(t, r)},
		PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress},
		Ingress: []networkingv1.NetworkPolicyIngressRule{
			{From: mongodFrom, Ports: []networkingv1.NetworkPolicyPort{tcp(t.MongoDB.Port)}},
			{From: []networkingv1.NetworkPolicyPeer{nsPeer(ns.MonitoringNamespace)}, Ports: []networkingv1.NetworkPolicyPort{tcp(names.ExporterPort)}},
		},
		Egress: []networkingv1.NetworkPolicyEgressRule{dnsEgress(), mongoEgress(t), httpsEgress()},
	})
	clients := netpol(t, "mongodb-clients", "client", networkingv1.NetworkPolicySpec{
		PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{clientLabel: "true"}},
		PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress},
		Egress: []networkingv1.NetworkPolicyEgressRule{
			dnsEgress(),
			mongoEgress(t),
			httpsEgress(),
		},
	})
	return []object{deny, mongod, clients}
}
