package multicluster

import (
	"fmt"
	"slices"
	"strings"

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
}

// Kinds are the kinds every connected cluster caches.
var Kinds = []Kind{
	{Name: "nodes", GVR: gvr("", "v1", "nodes")},
	{Name: "namespaces", GVR: gvr("", "v1", "namespaces")},
	{Name: "pods", GVR: gvr("", "v1", "pods"), Namespaced: true},
	{Name: "services", GVR: gvr("", "v1", "services"), Namespaced: true},
	{Name: "configmaps", GVR: gvr("", "v1", "configmaps"), Namespaced: true},
	{Name: "secrets", GVR: gvr("", "v1", "secrets"), Namespaced: true, MetadataOnly: true},
	{Name: "events", GVR: gvr("", "v1", "events"), Namespaced: true},
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
