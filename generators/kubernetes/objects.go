package kubernetes

import (
	"encoding/json"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// Label keys every object carries (names.Label*).
const (
	labelName       = names.LabelName
	labelInstance   = names.LabelInstance
	labelComponent  = names.LabelComponent
	labelPartOf     = names.LabelPartOf
	labelManagedBy  = names.LabelManagedBy
	labelReplicaSet = names.LabelReplicaSet

	appName = names.AppName
)

// Argo CD sync waves (agreed with the GitOps target): the Namespace first,
// then what pods mount (config, credentials, certificates, the backup
// ServiceAccount), then the workload and its Services and policies, then
// what observes or uses the running set. The init Job is a PostSync hook.
const (
	annSyncWave = "argocd.argoproj.io/sync-wave"
	annHook     = "argocd.argoproj.io/hook"
	waveNS      = "-2"
	waveConfig  = "-1"
	waveWork    = "0"
	waveAfter   = "1"
	// waveCopy: after the SecretStore it reads through (waveAfter). Argo
	// CD applies the custom resources of one wave together, ordered by
	// kind and name only (gitops-engine pkg/sync/sync_tasks.go), and
	// waits for health between waves only: in one wave the ExternalSecret
	// could reconcile against a store not yet there or not yet Ready.
	waveCopy = "2"
)

// wave is the sync wave of a kind.
func wave(kind string) string {
	switch kind {
	case "Namespace":
		return waveNS
	case "ConfigMap", "Secret", "ExternalSecret", "Certificate", "ServiceAccount":
		return waveConfig
	case "CronJob", "ServiceMonitor", "PrometheusRule", "Deployment": // Deployment: the client probe
		return waveAfter
	default:
		return waveWork
	}
}

// commonLabels go on every object of every region (set by render, not by
// the builders).
func commonLabels(t *model.Topology) map[string]string {
	l := map[string]string{
		labelName:      appName,
		labelPartOf:    t.Name,
		labelManagedBy: names.ManagedBy,
	}
	// In the sharded mode each set's objects carry their set's name
	// (object.labels): a region holds several sets.
	if t.Sharding == nil {
		l[labelReplicaSet] = t.ReplicaSet.Name
	}
	return l
}

// object is one Kubernetes object before kustomize: a typed k8s.io/api
// value or a map for custom resources.
type object struct {
	kind, name string
	v          any
	// labels go on this object (and its pod templates) besides the
	// region's: the sharded mode's replica-set label.
	labels map[string]string
}

// meta builds metadata: name, namespace (empty for cluster-scoped kinds),
// the component label and the kind's sync wave (none on hooks).
func meta(kind, name, namespace, component string, ann map[string]string) metav1.ObjectMeta {
	m := metav1.ObjectMeta{Name: name, Namespace: namespace, Annotations: map[string]string{}}
	if component != "" {
		m.Labels = map[string]string{labelComponent: component}
	}
	for k, v := range ann {
		m.Annotations[k] = v
	}
	if _, hook := ann[annHook]; !hook {
		m.Annotations[annSyncWave] = wave(kind)
	}
	return m
}

// render turns an object into the JSON kustomize reads (renderMap).
func render(o object, labels objectLabels) ([]byte, error) {
	m, err := renderMap(o, labels)
	if err != nil {
		return nil, err
	}
	// JSON is YAML to kustomize, and skips a slow YAML encoding of an
	// intermediate file nobody reads: the output is re-rendered by split.
	return json.Marshal(m)
}

// renderMap turns an object into its JSON value: typed values go through
// JSON so that their json tags (and omitempty) decide the fields;
// server-populated fields that a typed value always carries (status) are
// dropped.
func renderMap(o object, labels objectLabels) (map[string]any, error) {
	b, err := json.Marshal(o.v)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", o.kind, o.name, err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s %s: %w", o.kind, o.name, err)
	}
	clean(m)
	delete(m, "status")
	labelObject(m, o.kind, labels)
	if len(o.labels) > 0 {
		labelObject(m, o.kind, objectLabels{all: o.labels})
	}
	if spec, ok := m["spec"].(map[string]any); ok && len(spec) == 0 {
		delete(m, "spec") // Namespace: an empty spec says nothing
	}
	if spec, ok := m["spec"].(map[string]any); ok {
		if vcts, ok := spec["volumeClaimTemplates"].([]any); ok {
			for _, v := range vcts {
				if vm, ok := v.(map[string]any); ok {
					delete(vm, "status")
				}
			}
		}
	}
	return m, nil
}

// clean drops null values, which typed values emit for unset pointers
// without omitempty.
func clean(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if e == nil {
				delete(x, k)
				continue
			}
			clean(e)
		}
	case []any:
		for _, e := range x {
			clean(e)
		}
	}
}

// objectLabels are the labels render sets on a region's objects.
type objectLabels struct {
	// all go on every object: the common and region labels.
	all map[string]string
	// monitors go on the objects a Prometheus selects (ServiceMonitor,
	// PrometheusRule): monitoring.selectorLabels.
	monitors map[string]string
}

// labelObject sets labels where kustomize's `labels:` with
// includeTemplates would (its metadataLabelsFieldSpecs): the object's
// metadata and the pod (and job) templates of workloads, so pods are found
// by region and part-of. Selectors are left alone: immutable on a
// StatefulSet, the builders set them from stable labels only.
func labelObject(m map[string]any, kind string, labels objectLabels) {
	setStrings(mapAt(m, "metadata"), "labels", labels.all)
	switch kind {
	case "ServiceMonitor", "PrometheusRule":
		setStrings(mapAt(m, "metadata"), "labels", labels.monitors)
	case "Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job", "ReplicationController":
		setStrings(mapAt(m, "spec", "template", "metadata"), "labels", labels.all)
	case "CronJob":
		setStrings(mapAt(m, "spec", "jobTemplate", "metadata"), "labels", labels.all)
		setStrings(mapAt(m, "spec", "jobTemplate", "spec", "template", "metadata"), "labels", labels.all)
	}
}

// mapAt returns the map at path under m, creating the missing ones.
func mapAt(m map[string]any, path ...string) map[string]any {
	for _, k := range path {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	return m
}

// setStrings sets the key, value pairs into the string map m[field].
func setStrings(m map[string]any, field string, kv map[string]string) {
	dst := mapAt(m, field)
	for k, v := range kv {
		dst[k] = v
	}
}
