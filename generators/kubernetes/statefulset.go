package kubernetes

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
	"github.com/topogen/topogen/sizing"
)

// The official mongo image runs mongod as user and group mongodb, 999.
const mongoUID = 999

// Node placement on the dedicated node group the Terraform target creates.
const (
	nodeRoleLabel = names.MongoDBNodeLabelKey
	nodeRole      = names.MongoDBNodeLabelValue
	taintKey      = names.MongoDBTaintKey
	taintValue    = names.MongoDBTaintValue
	zoneLabel     = "topology.kubernetes.io/zone"
	hostLabel     = "kubernetes.io/hostname"
)

// annConfigHash rolls the members when mongod.conf changes (a ConfigMap
// change alone restarts nothing).
const annConfigHash = "topogen.io/mongod-conf-sha256"

// terminationGrace leaves a primary time to step down (replSetStepDown waits
// up to secondaryCatchUpPeriodSecs for a secondary to catch up, then the
// election) before the kubelet kills mongod.
const (
	terminationGrace    = names.MemberTerminationGraceSeconds
	stepDownSecs        = 60
	stepDownCatchUpSecs = 30
	exporterContainer   = "mongodb-exporter"
	mongodContainer     = "mongod"
	componentMongod     = "mongod"
	componentMetrics    = "metrics"
	portNameMongo       = "mongodb"
	portNameMetrics     = "metrics"
)

// selector selects the region's mongod pods; only stable labels, because a
// StatefulSet's selector cannot change.
func selector(t *model.Topology, r model.Region) map[string]string {
	return map[string]string{labelName: appName, labelInstance: names.StatefulSet(t, r)}
}

// mongoshLocal is mongosh against the local mongod over TLS, with the host
// name checked: the member certificate names localhost and 127.0.0.1
// (buildCertificate).
func mongoshLocal(t *model.Topology) string {
	return fmt.Sprintf("mongosh --quiet --host localhost --port %d --tls --tlsCAFile %s", t.MongoDB.Port, caFile)
}

func execProbe(script string, period, timeout, failures int32) *corev1.Probe {
	return &corev1.Probe{
		ProbeHandler:     corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"sh", "-c", script}}},
		PeriodSeconds:    period,
		TimeoutSeconds:   timeout,
		FailureThreshold: failures,
		SuccessThreshold: 1,
	}
}

func quantity(s string) resource.Quantity { return resource.MustParse(s) }

// guaranteed is a member pod container's resources: limits equal to
// requests for CPU and memory, the Guaranteed QoS rule.
func guaranteed(c sizing.Container) corev1.ResourceRequirements {
	l := corev1.ResourceList{corev1.ResourceCPU: quantity(c.CPU), corev1.ResourceMemory: quantity(c.Memory)}
	return corev1.ResourceRequirements{Requests: l, Limits: l.DeepCopy()}
}

// requestsLimit is a helper container's resources: CPU and memory requests
// and a memory limit, no CPU limit (throttling a probe or a sidecar only
// makes it time out).
func requestsLimit(cpu, memory, memoryLimit string) corev1.ResourceRequirements {
	return corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: quantity(cpu), corev1.ResourceMemory: quantity(memory)},
		Limits:   corev1.ResourceList{corev1.ResourceMemory: quantity(memoryLimit)},
	}
}

func restrictedContainer() *corev1.SecurityContext {
	no, yes := false, true
	return &corev1.SecurityContext{
		AllowPrivilegeEscalation: &no,
		ReadOnlyRootFilesystem:   &yes,
		RunAsNonRoot:             &yes,
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
	}
}

func restrictedPod() *corev1.PodSecurityContext {
	uid, yes := int64(mongoUID), true
	onRootMismatch := corev1.FSGroupChangeOnRootMismatch
	return &corev1.PodSecurityContext{
		RunAsNonRoot:        &yes,
		RunAsUser:           &uid,
		RunAsGroup:          &uid,
		FSGroup:             &uid,
		FSGroupChangePolicy: &onRootMismatch,
		SeccompProfile:      &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
}

func secretEnv(name, secret, key string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: secret}, Key: key,
	}}}
}

func buildStatefulSet(t *model.Topology, r model.Region, mongodConf []byte) object {
	sts := names.StatefulSet(t, r)
	confSum := sha256.Sum256(mongodConf)
	sel := selector(t, r)
	podLabels := map[string]string{labelComponent: componentMongod}
	for k, v := range sel {
		podLabels[k] = v
	}
	replicas := int32(r.Members)
	grace := int64(terminationGrace)
	sz := r.Sizing

	// Guaranteed QoS: every container of the pod, the init container
	// too, has limits equal to its requests (sizing/pod.go); schema's
	// checkSizing proved the sum fits the node.
	res := guaranteed(sizing.Container{CPU: sz.CPU, Memory: sz.Memory})

	shell := mongoshLocal(t)
	// ping needs no authentication and answers before rs.initiate(): the
	// process is alive and serves TLS (mongodb-facts.md Errors 8).
	ping := shell + ` --eval 'db.adminCommand({ping: 1})'`
	// Ready = PRIMARY or SECONDARY, or not initiated yet (hello reports
	// isreplicaset without a config). Not-yet-initiated must count as ready:
	// Argo CD runs the PostSync init Job only once the StatefulSet is
	// healthy, so a readiness that waited for the set would deadlock the
	// first sync (mongodb-facts.md Errors 7, §3.2 Percona tolerates it too).
	// STARTUP2/RECOVERING/ROLLBACK members are not ready, so a rolling
	// update waits for each member to catch up before taking the next.
	// hello needs no authentication.
	ready := shell + ` --eval 'const h = db.adminCommand({hello: 1}); if (!(h.isWritablePrimary || h.secondary || (h.isreplicaset === true && !h.setName))) { quit(1) }'`
	// replSetStepDown needs clusterManager-class rights: root, read from
	// the environment inside mongosh, not from the command line.
	stepDown := shell + fmt.Sprintf(` --eval '%sif (db.adminCommand({hello: 1}).isWritablePrimary) { db.adminCommand({replSetStepDown: %d, secondaryCatchUpPeriodSecs: %d}) }' || true`, authFromEnv, stepDownSecs, stepDownCatchUpSecs)

	startup := execProbe(ping, names.MemberStartupProbePeriodSeconds, 10, names.MemberStartupProbeFailures) // up to 10 min: journal recovery after a crash
	liveness := execProbe(ping, 20, 10, 6)
	readiness := execProbe(ready, 10, 10, 3)

	mounts := []corev1.VolumeMount{
		{Name: "data", MountPath: dataDir},
		{Name: "config", MountPath: confDir, ReadOnly: true},
		{Name: "tls", MountPath: tlsDir, ReadOnly: true},
		{Name: "pem", MountPath: pemDir, ReadOnly: true},
		{Name: "tmp", MountPath: tmpDir},
	}

	mongod := corev1.Container{
		Name:  mongodContainer,
		Image: t.MongoDB.Image,
		// args, not command: the image's docker-entrypoint.sh must run to
		// create the root user from MONGO_INITDB_ROOT_* (mongodb-facts.md §2
		// caveat); it adds --auth, and x509 cluster auth satisfies the
		// keyFile-or-x509 rule.
		Args:  []string{"mongod", "--config", confFile},
		Ports: []corev1.ContainerPort{{Name: portNameMongo, ContainerPort: int32(t.MongoDB.Port), Protocol: corev1.ProtocolTCP}},
		Env: []corev1.EnvVar{
			secretEnv("MONGO_INITDB_ROOT_USERNAME", secretAdmin, keyUsername),
			secretEnv("MONGO_INITDB_ROOT_PASSWORD", secretAdmin, keyPassword),
			// mongosh (entrypoint, probes) writes under $HOME; the root
			// filesystem is read-only.
			{Name: "HOME", Value: tmpDir},
		},
		Resources:      res,
		StartupProbe:   startup,
		LivenessProbe:  liveness,
		ReadinessProbe: readiness,
		Lifecycle: &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{Exec: &corev1.ExecAction{
			Command: []string{"sh", "-c", stepDown},
		}}},
		VolumeMounts:    mounts,
		SecurityContext: restrictedContainer(),
	}

	exporter := exporterSidecar(t)
	pemInit := pemInitContainer(t)

	readOnly := int32(0o440)
	pemLimit := quantity("1Mi")
	tmpLimit := quantity("256Mi")
	volumes := []corev1.Volume{
		{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
			LocalObjectReference: corev1.LocalObjectReference{Name: configMapMongod(t, r)},
		}}},
		{Name: "tls", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: tlsSecret(t, r), DefaultMode: &readOnly}}},
		// The combined key stays in memory, never on a node's disk.
		{Name: "pem", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory, SizeLimit: &pemLimit}}},
		{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{SizeLimit: &tmpLimit}}},
		{Name: tlsReloaderVolume, VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: names.SecretTLSReloader, DefaultMode: &readOnly}}},
	}

	minDomains := int32(min(len(r.Zones), r.Members))
	spread := []corev1.TopologySpreadConstraint{
		{
			MaxSkew: 1, TopologyKey: zoneLabel, WhenUnsatisfiable: corev1.DoNotSchedule,
			LabelSelector: &metav1.LabelSelector{MatchLabels: sel},
			// Counts a zone without MongoDB nodes yet as a domain, so the
			// autoscaler adds a node there instead of stacking members.
			MinDomains: &minDomains,
		},
		{
			MaxSkew: 1, TopologyKey: hostLabel, WhenUnsatisfiable: corev1.DoNotSchedule,
			LabelSelector: &metav1.LabelSelector{MatchLabels: sel},
		},
	}
	affinity := &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
			MatchExpressions: []corev1.NodeSelectorRequirement{{Key: zoneLabel, Operator: corev1.NodeSelectorOpIn, Values: append([]string(nil), r.Zones...)}},
		}}},
	}}

	storageClass := sz.StorageClass
	set := appsv1.StatefulSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "StatefulSet"},
		ObjectMeta: meta("StatefulSet", sts, t.Kubernetes.Namespace, componentMongod, nil),
		Spec: appsv1.StatefulSetSpec{
			Replicas:    &replicas,
			Selector:    &metav1.LabelSelector{MatchLabels: sel},
			ServiceName: names.HeadlessService(t, r),
			// Parallel: every member starts before the set is initiated,
			// which needs them all (mongodb-facts.md Errors 7).
			PodManagementPolicy: appsv1.ParallelPodManagement,
			UpdateStrategy:      appsv1.StatefulSetUpdateStrategy{Type: appsv1.RollingUpdateStatefulSetStrategyType},
			PersistentVolumeClaimRetentionPolicy: &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{
				WhenDeleted: appsv1.RetainPersistentVolumeClaimRetentionPolicyType,
				WhenScaled:  appsv1.RetainPersistentVolumeClaimRetentionPolicyType,
			},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: podLabels, Annotations: map[string]string{annConfigHash: hex.EncodeToString(confSum[:])}},
				Spec: corev1.PodSpec{
					// IRSA for the pbm-agent sidecar's S3 access (pbm.go).
					ServiceAccountName:            names.BackupServiceAccount,
					TerminationGracePeriodSeconds: &grace,
					NodeSelector:                  map[string]string{nodeRoleLabel: nodeRole},
					Tolerations: []corev1.Toleration{{
						Key: taintKey, Operator: corev1.TolerationOpEqual, Value: taintValue, Effect: corev1.TaintEffectNoSchedule,
					}},
					Affinity:                  affinity,
					TopologySpreadConstraints: spread,
					SecurityContext:           restrictedPod(),
					InitContainers:            []corev1.Container{pemInit},
					Containers:                []corev1.Container{mongod, exporter, tlsReloader(t), pbmAgent(t)},
					Volumes:                   volumes,
				},
			},
			VolumeClaimTemplates: []corev1.PersistentVolumeClaim{{
				TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "PersistentVolumeClaim"},
				ObjectMeta: metav1.ObjectMeta{Name: names.DataVolume},
				Spec: corev1.PersistentVolumeClaimSpec{
					AccessModes:      []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
					StorageClassName: &storageClass,
					Resources: corev1.VolumeResourceRequirements{
						Requests: corev1.ResourceList{corev1.ResourceStorage: quantity(sz.StorageSize)},
					},
				},
			}},
		},
	}
	return object{kind: "StatefulSet", name: sts, v: set}
}

// exporterSidecar is mongodb_exporter next to the local mongod (or
// mongos) on t.MongoDB.Port.
func exporterSidecar(t *model.Topology) corev1.Container {
	exporterURI := fmt.Sprintf("mongodb://localhost:%d/admin?tls=true&tlsCAFile=%s&directConnection=true", t.MongoDB.Port, caFile)
	return corev1.Container{
		Name:  exporterContainer,
		Image: t.MongoDB.ExporterImage,
		// The collectors the Prometheus target's rules read
		// (names.ExporterCollectors); native metric names (no
		// --compatible-mode, which is off by default).
		Args: slices.Concat([]string{"--mongodb.uri=" + exporterURI}, names.ExporterCollectors,
			[]string{"--web.listen-address=:" + strconv.Itoa(names.ExporterPort)}),
		Env: []corev1.EnvVar{
			secretEnv("MONGODB_USER", secretExporter, keyUsername),
			secretEnv("MONGODB_PASSWORD", secretExporter, keyPassword),
		},
		Ports:     []corev1.ContainerPort{{Name: portNameMetrics, ContainerPort: names.ExporterPort, Protocol: corev1.ProtocolTCP}},
		Resources: guaranteed(sizing.Exporter),
		LivenessProbe: &corev1.Probe{
			ProbeHandler:   corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromString(portNameMetrics)}},
			PeriodSeconds:  20,
			TimeoutSeconds: 5,
		},
		VolumeMounts:    []corev1.VolumeMount{{Name: "tls", MountPath: tlsDir, ReadOnly: true}},
		SecurityContext: restrictedContainer(),
	}
}

// pemInitContainer concatenates the certificate and its key into the
// PEM file mongod and mongos read (net.tls.certificateKeyFile).
func pemInitContainer(t *model.Topology) corev1.Container {
	return corev1.Container{
		Name:      "tls-pem",
		Image:     t.MongoDB.Image,
		Command:   []string{"sh", "-c", fmt.Sprintf("cat %[1]s/tls.crt %[1]s/tls.key > %[2]s && chmod 0400 %[2]s", tlsDir, pemFile)},
		Resources: guaranteed(sizing.PEMInit),
		VolumeMounts: []corev1.VolumeMount{
			{Name: "tls", MountPath: tlsDir, ReadOnly: true},
			{Name: "pem", MountPath: pemDir},
		},
		SecurityContext: restrictedContainer(),
	}
}
