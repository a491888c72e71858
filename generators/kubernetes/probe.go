package kubernetes

import (
	_ "embed"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
	"github.com/topogen/topogen/sizing"
)

// ProbeScript is the client probe (probe.js): one w:"majority" insert and
// one readPreference "nearest" find every names.ProbeIntervalSecs, served
// as Prometheus counters and a latency histogram.
//
//go:embed probe.js
var ProbeScript []byte

const (
	componentProbe = "probe"
	probeScriptDir = "/probe"
	probeCredsDir  = "/etc/mongodb/users/" + names.SecretProbe
	probeCADir     = "/etc/mongodb/ca"
	// probeTimeoutMS bounds each operation (wtimeout, maxTimeMS) and the
	// server selection, so that one round ends within the interval.
	probeTimeoutMS = 5000
	portNameProbe  = "metrics"
)

// Why a mongosh script in the mongo image: the issue allows only images
// the stack already pulls. The StatefulSet pulls t.MongoDB.Image, whose
// mongosh is Node.js, so it has the MongoDB driver (the same client
// applications use: server selection, nearest with tag sets, majority
// write concern) and Node's http module to serve /metrics. The blackbox
// exporter cannot speak the MongoDB protocol beyond a TCP connect, and
// mongodb_exporter reports the server's view, not a client's. The
// Deployment runs outside the MongoDB nodes and connects the way an
// application of this region does (ConnectionURI: every member, TLS with
// the CA certificate alone, names.SecretCACert), as a user that may only
// read and write names.ProbeDB (replset.Users). Until the init Job has
// created that user, every round counts as failed: the SLI is bad while
// clients cannot work, never missing.
func probeLabels() map[string]string {
	return map[string]string{labelName: appName, labelComponent: componentProbe}
}

// probeURI is the application connection string plus the CA file and the
// bounded server selection.
func probeURI(t *model.Topology, r model.Region) string {
	ms := strconv.Itoa(probeTimeoutMS)
	return ConnectionURI(t, r) + "&tlsCAFile=" + probeCADir + "/ca.crt" +
		"&serverSelectionTimeoutMS=" + ms + "&connectTimeoutMS=" + ms
}

func buildProbe(t *model.Topology, r model.Region) []object {
	ns := t.Kubernetes.Namespace
	cm := corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: meta("ConfigMap", names.Probe, ns, componentProbe, nil),
		Data:       map[string]string{"probe.js": string(ProbeScript)},
	}
	one, no := int32(1), false
	readOnly := int32(0o440)
	container := corev1.Container{
		Name:    componentProbe,
		Image:   t.MongoDB.Image,
		Command: []string{"mongosh", "--nodb", "--quiet", "--file", probeScriptDir + "/probe.js"},
		Env: []corev1.EnvVar{
			{Name: "HOME", Value: tmpDir},
			{Name: "PROBE_URI", Value: probeURI(t, r)},
			{Name: "PROBE_CREDENTIALS_DIR", Value: probeCredsDir},
			{Name: "PROBE_REGION", Value: r.Name},
			{Name: "PROBE_DB", Value: names.ProbeDB},
			{Name: "PROBE_PORT", Value: strconv.Itoa(names.ProbePort)},
			{Name: "PROBE_INTERVAL_SECS", Value: strconv.Itoa(names.ProbeIntervalSecs)},
			{Name: "PROBE_TIMEOUT_MS", Value: strconv.Itoa(probeTimeoutMS)},
		},
		Ports:     []corev1.ContainerPort{{Name: portNameProbe, ContainerPort: names.ProbePort, Protocol: corev1.ProtocolTCP}},
		Resources: guaranteed(sizing.Probe),
		// /metrics answers whether or not MongoDB does: a failing set
		// must not restart the probe that reports it.
		LivenessProbe: &corev1.Probe{
			ProbeHandler:        corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/metrics", Port: intstr.FromString(portNameProbe)}},
			InitialDelaySeconds: 30, PeriodSeconds: 30, TimeoutSeconds: 5, FailureThreshold: 3,
		},
		VolumeMounts: []corev1.VolumeMount{
			{Name: "script", MountPath: probeScriptDir, ReadOnly: true},
			{Name: "credentials", MountPath: probeCredsDir, ReadOnly: true},
			{Name: "ca", MountPath: probeCADir, ReadOnly: true},
			{Name: "tmp", MountPath: tmpDir},
		},
		SecurityContext: restrictedContainer(),
	}
	dep := appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: meta("Deployment", names.Probe, ns, componentProbe, nil),
		Spec: appsv1.DeploymentSpec{
			Replicas: &one,
			Selector: &metav1.LabelSelector{MatchLabels: probeLabels()},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: probeLabels()},
				Spec: corev1.PodSpec{
					AutomountServiceAccountToken: &no,
					SecurityContext:              restrictedPod(),
					Containers:                   []corev1.Container{container},
					Volumes: []corev1.Volume{
						{Name: "script", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: names.Probe}}}},
						{Name: "credentials", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: names.SecretProbe, DefaultMode: &readOnly}}},
						{Name: "ca", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: names.SecretCACert, DefaultMode: &readOnly}}},
						{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
					},
				},
			},
		},
	}
	svc := corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: meta("Service", names.Probe, ns, componentProbe, nil),
		Spec: corev1.ServiceSpec{
			Selector: probeLabels(),
			Ports: []corev1.ServicePort{{
				Name: portNameProbe, Port: names.ProbePort, TargetPort: intstr.FromString(portNameProbe), Protocol: corev1.ProtocolTCP,
			}},
		},
	}
	monitor := object{kind: "ServiceMonitor", name: names.Probe, v: map[string]any{
		"apiVersion": "monitoring.coreos.com/v1",
		"kind":       "ServiceMonitor",
		"metadata":   meta("ServiceMonitor", names.Probe, ns, componentProbe, nil),
		"spec": map[string]any{
			"selector":          map[string]any{"matchLabels": probeLabels()},
			"namespaceSelector": map[string]any{"matchNames": []string{ns}},
			"endpoints":         []any{metricsEndpoint(portNameProbe, r)},
		},
	}}
	// default-deny covers the probe: it takes scrapes from the monitoring
	// namespace and connects to DNS and the members, nothing else.
	policy := netpol(t, names.Probe, componentProbe, networkingv1.NetworkPolicySpec{
		PodSelector: metav1.LabelSelector{MatchLabels: probeLabels()},
		PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress},
		Ingress: []networkingv1.NetworkPolicyIngressRule{{
			From:  []networkingv1.NetworkPolicyPeer{nsPeer(t.Kubernetes.MonitoringNamespace)},
			Ports: []networkingv1.NetworkPolicyPort{tcp(names.ProbePort)},
		}},
		Egress: []networkingv1.NetworkPolicyEgressRule{dnsEgress(), mongoEgress(t)},
	})
	return []object{
		{kind: "ConfigMap", name: names.Probe, v: cm},
		{kind: "Deployment", name: names.Probe, v: dep},
		{kind: "Service", name: names.Probe, v: svc},
		monitor,
		policy,
	}
}
