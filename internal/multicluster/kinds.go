package multicluster

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Kind is a resource kind the caches hold.
type Kind struct {
	// Name is the plural resource name used in API paths: "pods".
	Name       string
	GVR        schema.GroupVersionResource
	Namespaced bool
	// MetadataOnly kinds are cached as PartialObjectMetadata (Secrets:
	// their values must not sit in the server's memory).
	MetadataOnly bool
	// Fields are the field selector keys List answers for the kind besides
	// metadata.name and metadata.namespace, which every kind has. This
	// table is the one place that says which fields exist, how each is
	// read and which are indexed.
	Fields []Field
}

// Field is a field selector key of a kind.
type Field struct {
	// Path is the key as Kubernetes spells it: "spec.nodeName".
	Path string
	// Value reads the field from a cached object of the kind.
	Value func(runtime.Object) string
	// Indexed fields get a cache index, so an equality lookup reads it
	// instead of scanning: the ones such lookups are common for (the pods
	// of a node, the events of an object). Low-cardinality fields
	// (status.phase) are left to the scan.
	Indexed bool
}

// commonFields are the field selector keys of every kind.
var commonFields = []Field{
	{Path: "metadata.name", Value: func(o runtime.Object) string { return accessor(o).GetName() }},
	{Path: "metadata.namespace", Value: func(o runtime.Object) string { return accessor(o).GetNamespace() }},
}

// FieldPaths are the field selector keys List answers for k.
func (k Kind) FieldPaths() []string {
	out := make([]string, 0, len(commonFields)+len(k.Fields))
	for _, f := range append(slices.Clone(commonFields), k.Fields...) {
		out = append(out, f.Path)
	}
	return out
}

// field returns k's field of the given path.
func (k Kind) field(path string) (Field, bool) {
	for _, f := range append(slices.Clone(commonFields), k.Fields...) {
		if f.Path == path {
			return f, true
		}
	}
	return Field{}, false
}

// indexedFields are k's fields that have a cache index.
func (k Kind) indexedFields() []Field {
	var out []Field
	for _, f := range k.Fields {
		if f.Indexed {
			out = append(out, f)
		}
	}
	return out
}

func podField(path string, indexed bool, read func(*corev1.Pod) string) Field {
	return Field{Path: path, Indexed: indexed, Value: func(o runtime.Object) string { return read(o.(*corev1.Pod)) }}
}

func eventField(path string, indexed bool, read func(*corev1.Event) string) Field {
	return Field{Path: path, Indexed: indexed, Value: func(o runtime.Object) string { return read(o.(*corev1.Event)) }}
}

// accessor returns the object metadata of a cached object; every cached
// object has it, so a failure yields an empty one rather than a panic.
func accessor(o runtime.Object) metav1.Object {
	acc, err := meta.Accessor(o)
	if err != nil {
		return &metav1.ObjectMeta{}
	}
	return acc
}

// Kinds are the kinds every connected cluster caches.
var Kinds = []Kind{
	{Name: "nodes", GVR: gvr("", "v1", "nodes"), Fields: []Field{
		{Path: "spec.unschedulable", Value: func(o runtime.Object) string { return strconv.FormatBool(o.(*corev1.Node).Spec.Unschedulable) }},
	}},
	{Name: "namespaces", GVR: gvr("", "v1", "namespaces")},
	{Name: "pods", GVR: gvr("", "v1", "pods"), Namespaced: true, Fields: []Field{
		podField("spec.nodeName", true, func(p *corev1.Pod) string { return p.Spec.NodeName }),
		podField("status.phase", false, func(p *corev1.Pod) string { return string(p.Status.Phase) }),
	}},
	{Name: "services", GVR: gvr("", "v1", "services"), Namespaced: true},
	{Name: "configmaps", GVR: gvr("", "v1", "configmaps"), Namespaced: true},
	{Name: "secrets", GVR: gvr("", "v1", "secrets"), Namespaced: true, MetadataOnly: true},
	{Name: "events", GVR: gvr("", "v1", "events"), Namespaced: true, Fields: []Field{
		eventField("involvedObject.kind", false, func(e *corev1.Event) string { return e.InvolvedObject.Kind }),
		eventField("involvedObject.name", false, func(e *corev1.Event) string { return e.InvolvedObject.Name }),
		eventField("involvedObject.uid", true, func(e *corev1.Event) string { return string(e.InvolvedObject.UID) }),
		eventField("reason", false, func(e *corev1.Event) string { return e.Reason }),
		eventField("type", false, func(e *corev1.Event) string { return e.Type }),
	}},
	{Name: "persistentvolumes", GVR: gvr("", "v1", "persistentvolumes")},
	{Name: "persistentvolumeclaims", GVR: gvr("", "v1", "persistentvolumeclaims"), Namespaced: true},
	{Name: "resourcequotas", GVR: gvr("", "v1", "resourcequotas"), Namespaced: true},
	{Name: "limitranges", GVR: gvr("", "v1", "limitranges"), Namespaced: true},
	{Name: "deployments", GVR: gvr("apps", "v1", "deployments"), Namespaced: true},
	{Name: "statefulsets", GVR: gvr("apps", "v1", "statefulsets"), Namespaced: true},
	{Name: "daemonsets", GVR: gvr("apps", "v1", "daemonsets"), Namespaced: true},
	{Name: "replicasets", GVR: gvr("apps", "v1", "replicasets"), Namespaced: true},
	{Name: "jobs", GVR: gvr("batch", "v1", "jobs"), Namespaced: true},
	{Name: "cronjobs", GVR: gvr("batch", "v1", "cronjobs"), Namespaced: true},
	{Name: "ingresses", GVR: gvr("networking.k8s.io", "v1", "ingresses"), Namespaced: true},
	{Name: "storageclasses", GVR: gvr("storage.k8s.io", "v1", "storageclasses")},
}

func gvr(group, version, resource string) schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: group, Version: version, Resource: resource}
}

// KindByName returns the cached kind with the given plural name.
func KindByName(name string) (Kind, error) {
	i := slices.IndexFunc(Kinds, func(k Kind) bool { return k.Name == name })
	if i < 0 {
		names := make([]string, len(Kinds))
		for j, k := range Kinds {
			names[j] = k.Name
		}
		return Kind{}, fmt.Errorf("unknown kind %q (cached kinds: %s)", name, strings.Join(names, ", "))
	}
	return Kinds[i], nil
}
