package kubernetes

import (
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// podNameLabel is set by the StatefulSet controller on each pod; a per-pod
// Service selects exactly one member with it.
const podNameLabel = "statefulset.kubernetes.io/pod-name"

// AWS Load Balancer Controller and external-dns annotations of a per-pod
// Service (https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/).
const (
	annLBType       = "service.beta.kubernetes.io/aws-load-balancer-type"
	annLBTargetType = "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"
	annLBScheme     = "service.beta.kubernetes.io/aws-load-balancer-scheme"
	annLBTGAttrs    = "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes"
	annDNSHostname  = "external-dns.alpha.kubernetes.io/hostname"
	annDNSTTL       = "external-dns.alpha.kubernetes.io/ttl"
)

func mongoPort(t *model.Topology) corev1.ServicePort {
	return corev1.ServicePort{
		Name: portNameMongo, Port: int32(t.MongoDB.Port), TargetPort: intstr.FromString(portNameMongo), Protocol: corev1.ProtocolTCP,
	}
}

// buildHeadless is the StatefulSet's governing Service. It publishes
// not-ready pods: before rs.initiate() no member is a PRIMARY or
// SECONDARY, yet members must resolve each other (mongodb-facts.md Errors 7).
func buildHeadless(t *model.Topology, r model.Region) object {
	name := names.HeadlessService(t, r)
	svc := corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: meta("Service", name, t.Kubernetes.Namespace, componentMongod, nil),
		Spec: corev1.ServiceSpec{
			ClusterIP:                corev1.ClusterIPNone,
			PublishNotReadyAddresses: true,
			Selector:                 selector(t, r),
			Ports:                    []corev1.ServicePort{mongoPort(t)},
		},
	}
	return object{kind: "Service", name: name, v: svc}
}

// buildMemberServices makes each member reachable from every region under
// exactly the host written in rs-initiate.json: an internal NLB (ip
// targets) per pod, named in the region's private zone by external-dns
// (mongodb-facts.md Errors 6, §3.1 "no mesh" model). Client IP preservation
// is off so that a member can reach itself through its own name (hairpin),
// which replSetInitiate's self-detection needs (§1.7); mongod therefore sees
// NLB addresses from the region's own VPC, which the NetworkPolicy admits.
// Self-detection (mongo src/mongo/db/repl/isself.cpp): the fast path
// matches the host's getaddrinfo answers against the pod's bound
// addresses, which an NLB address never is; the slow path connects to the
// host and compares _isSelf's instance id, so after a restart with a new
// pod IP the member finds itself once the NLB has registered that IP.
// PublishNotReadyAddresses starts the registration when the pod gets its
// IP, not when it is ready (it is not ready before it has found itself).
// The planned shortcut is a CoreDNS rewrite of the region's own member
// names to the headless Service's pod records (README, "Self-detection
// after a restart").
func buildMemberServices(t *model.Topology, r model.Region) []object {
	var out []object
	for _, m := range t.RegionMembers(r.Name) {
		ann := map[string]string{
			annLBType:       "external",
			annLBTargetType: "ip",
			annLBScheme:     "internal",
			annLBTGAttrs:    "preserve_client_ip.enabled=false",
			annDNSHostname:  m.Host,
			annDNSTTL:       "60",
		}
		sel := selector(t, r)
		sel[podNameLabel] = m.Pod
		svc := corev1.Service{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
			ObjectMeta: meta("Service", m.Pod, t.Kubernetes.Namespace, componentMongod, ann),
			Spec: corev1.ServiceSpec{
				Type:                     corev1.ServiceTypeLoadBalancer,
				PublishNotReadyAddresses: true,
				Selector:                 sel,
				Ports:                    []corev1.ServicePort{mongoPort(t)},
				// The NLB's security group admits only the topology's
				// VPCs (the members of every region, the own region's
				// hairpin) and kubernetes.clientCIDRs. With client IP
				// preservation off this is the only filter on who
				// reaches the member through its NLB: mongod, and so the
				// NetworkPolicy, sees the NLB's own addresses.
				LoadBalancerSourceRanges: sourceRanges(t),
			},
		}
		out = append(out, object{kind: "Service", name: m.Pod, v: svc})
	}
	return out
}

// buildExporterService fronts the exporter sidecars for the ServiceMonitor;
// its name becomes the job label (names.ExporterJob).
func buildExporterService(t *model.Topology, r model.Region) object {
	svc := corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: meta("Service", names.ExporterService, t.Kubernetes.Namespace, componentMetrics, nil),
		Spec: corev1.ServiceSpec{
			Selector: selector(t, r),
			Ports: []corev1.ServicePort{{
				Name: portNameMetrics, Port: names.ExporterPort, TargetPort: intstr.FromString(portNameMetrics), Protocol: corev1.ProtocolTCP,
			}},
		},
	}
	return object{kind: "Service", name: names.ExporterService, v: svc}
}

// sourceRanges are the blocks a member's load balancer admits.
func sourceRanges(t *model.Topology) []string {
	out := vpcCIDRs(t)
	for _, p := range t.Kubernetes.ClientCIDRs {
		out = append(out, p.String())
	}
	return out
}

// vpcCIDRs lists every region's VPC CIDR in region order.
func vpcCIDRs(t *model.Topology) []string {
	var out []string
	for _, r := range t.Regions {
		out = append(out, r.CIDR.String())
	}
	return out
}

// hostPorts lists member "host:port"s, the region's own first: drivers
// try seeds in order.
func hostPorts(t *model.Topology, first string) []string {
	var own, rest []string
	for _, m := range t.Members {
		if m.Region == first {
			own = append(own, m.HostPort())
		} else {
			rest = append(rest, m.HostPort())
		}
	}
	return slices.Concat(own, rest)
}
