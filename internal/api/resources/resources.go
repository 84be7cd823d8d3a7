// Package resources reaches every kind a member cluster serves, CRDs
// included, through discovery and the dynamic client: list the kinds, and
// list, get and delete objects of any of them. Creating and changing any
// kind goes through the apply endpoint.
//
// These are live reads (the informer caches hold only the common kinds),
// paged with the API server's own limit and continue. They need the
// cluster-wide "kubernetes" permission (admins and cluster members);
// project members reach their namespaces' objects through the typed areas
// or the Kubernetes pass-through.
package resources

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
)

// Deps are what the generic endpoints need.
type Deps struct {
	operation.Kit
}

var tags = []string{"Any kind"}

// KindView is one kind a cluster serves.
type KindView struct {
	Group      string   `json:"group" doc:"API group; \"core\" in paths for the core group"`
	Version    string   `json:"version"`
	Resource   string   `json:"resource" doc:"Plural resource name, used in paths"`
	Kind       string   `json:"kind"`
	Namespaced bool     `json:"namespaced"`
	Verbs      []string `json:"verbs"`
}

// KindsOutput lists the kinds a cluster serves.
type KindsOutput struct {
	Body struct {
		Items []KindView `json:"items" nullable:"false"`
	}
}

// ResourceParams name a kind in the path.
type ResourceParams struct {
	operation.ClusterParam
	Group    string `path:"group" doc:"API group, or core"`
	Version  string `path:"version"`
	Resource string `path:"resource"`
}

// ListQuery selects and pages a list of objects.
type ListQuery struct {
	LabelSelector string `query:"labelSelector"`
	FieldSelector string `query:"fieldSelector"`
	Limit         int64  `query:"limit" minimum:"0" maximum:"1000" default:"100"`
	Continue      string `query:"continue"`
}

// ListInput lists objects of a kind in the whole cluster or one namespace.
type ListInput struct {
	ResourceParams
	Namespace string `query:"namespace" doc:"Only this namespace (namespaced kinds)"`
	ListQuery
}

// NamespaceListInput lists objects of a namespaced kind in one namespace.
type NamespaceListInput struct {
	ResourceParams
	Namespace string `path:"namespace" maxLength:"63" pattern:"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" patternDescription:"a namespace name"`
	ListQuery
}

// ObjectInput names one object.
type ObjectInput struct {
	ResourceParams
	Name      string `path:"name"`
	Namespace string `query:"namespace" doc:"The object's namespace (namespaced kinds)"`
}

// NamespaceObjectInput names one object of a namespaced kind.
type NamespaceObjectInput struct {
	ResourceParams
	Name      string `path:"name"`
	Namespace string `path:"namespace" maxLength:"63" pattern:"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" patternDescription:"a namespace name"`
}

// DeleteQuery says how dependents of a deleted object go.
type DeleteQuery struct {
	PropagationPolicy string `query:"propagationPolicy" enum:"Foreground,Background,Orphan,"`
}

// DeleteInput deletes one object.
type DeleteInput struct {
	ObjectInput
	DeleteQuery
}

// NamespaceDeleteInput deletes one object of a namespaced kind.
type NamespaceDeleteInput struct {
	NamespaceObjectInput
	DeleteQuery
}

// RawOutput is a Kubernetes object or list as JSON, managedFields removed.
type RawOutput struct {
	ContentType string `header:"Content-Type"`
	Body        []byte
}

// Register adds the generic endpoints to api.
func Register(api huma.API, d Deps) {
	perm := func(verb string) auth.Permission {
		return auth.Permission{Verb: verb, Resource: auth.ResourceKubernetes}
	}
	huma.Register(api, operation.New(http.MethodGet, "/api/v1/clusters/{cluster}/resources", "list-kinds",
		"Kinds the cluster serves (CRDs included), from discovery", tags, perm(auth.VerbList)),
		func(ctx context.Context, in *operation.ClusterParam) (*KindsOutput, error) {
			conn, err := d.Cluster(in.Cluster)
			if err != nil {
				return nil, err
			}
			lists, err := conn.Kube.Discovery().ServerPreferredResources()
			var partial *discovery.ErrGroupDiscoveryFailed
			if err != nil && !errors.As(err, &partial) {
				return nil, operation.ClusterError(err)
			}
			out := &KindsOutput{}
			for _, l := range lists {
				gv, err := schema.ParseGroupVersion(l.GroupVersion)
				if err != nil {
					continue
				}
				for _, r := range l.APIResources {
					if strings.Contains(r.Name, "/") {
						continue // subresources
					}
					group := gv.Group
					if group == "" {
						group = "core"
					}
					out.Body.Items = append(out.Body.Items, KindView{Group: group, Version: gv.Version, Resource: r.Name,
						Kind: r.Kind, Namespaced: r.Namespaced, Verbs: r.Verbs})
				}
			}
			sort.Slice(out.Body.Items, func(i, j int) bool {
				a, b := out.Body.Items[i], out.Body.Items[j]
				return a.Group+"/"+a.Resource < b.Group+"/"+b.Resource
			})
			return out, nil
		})

	// Every kind in the whole cluster (the namespace, where one is needed, a
	// query parameter), and namespaced kinds under a namespace, where a
	// project's members reach their namespaces' objects.
	base := "/api/v1/clusters/{cluster}/resources/{group}/{version}/{resource}"
	nsBase := "/api/v1/clusters/{cluster}/namespaces/{namespace}/resources/{group}/{version}/{resource}"
	huma.Register(api, operation.New(http.MethodGet, base, "list-objects", "List objects of any kind (live, paged by the API server)", tags, perm(auth.VerbList)),
		func(ctx context.Context, in *ListInput) (*RawOutput, error) {
			return list(ctx, d, &in.ResourceParams, scope{in.Namespace, "query.namespace", false}, &in.ListQuery)
		})
	huma.Register(api, operation.New(http.MethodGet, nsBase, "list-namespace-objects", "List a namespace's objects of any namespaced kind", tags, perm(auth.VerbList)),
		func(ctx context.Context, in *NamespaceListInput) (*RawOutput, error) {
			return list(ctx, d, &in.ResourceParams, scope{in.Namespace, "path.namespace", true}, &in.ListQuery)
		})

	declare := func(method, path, id, summary, verb string) huma.Operation {
		op := operation.New(method, path, id, summary, tags, perm(verb))
		op.Errors = append(op.Errors, http.StatusNotFound)
		if method == http.MethodDelete {
			op.DefaultStatus = http.StatusNoContent
		}
		return op
	}
	huma.Register(api, declare(http.MethodGet, base+"/{name}", "get-object", "Get an object of any kind", auth.VerbGet),
		func(ctx context.Context, in *ObjectInput) (*RawOutput, error) {
			return get(ctx, d, &in.ResourceParams, scope{in.Namespace, "query.namespace", false}, in.Name)
		})
	huma.Register(api, declare(http.MethodGet, nsBase+"/{name}", "get-namespace-object", "Get an object of any namespaced kind", auth.VerbGet),
		func(ctx context.Context, in *NamespaceObjectInput) (*RawOutput, error) {
			return get(ctx, d, &in.ResourceParams, scope{in.Namespace, "path.namespace", true}, in.Name)
		})
	huma.Register(api, declare(http.MethodDelete, base+"/{name}", "delete-object", "Delete an object of any kind", auth.VerbDelete),
		func(ctx context.Context, in *DeleteInput) (*struct{}, error) {
			return nil, remove(ctx, d, &in.ResourceParams, scope{in.Namespace, "query.namespace", false}, in.Name, in.PropagationPolicy)
		})
	huma.Register(api, declare(http.MethodDelete, nsBase+"/{name}", "delete-namespace-object", "Delete an object of any namespaced kind", auth.VerbDelete),
		func(ctx context.Context, in *NamespaceDeleteInput) (*struct{}, error) {
			return nil, remove(ctx, d, &in.ResourceParams, scope{in.Namespace, "path.namespace", true}, in.Name, in.PropagationPolicy)
		})
}

// scope is where a generic request reaches: a namespace ("" for every
// namespace or a cluster-scoped kind), where the request named it (for
// error locations), and whether the route only serves namespaced kinds.
type scope struct {
	namespace      string
	location       string
	namespacedOnly bool
}

func list(ctx context.Context, d Deps, p *ResourceParams, sc scope, q *ListQuery) (*RawOutput, error) {
	ri, err := client(d, p, sc, false)
	if err != nil {
		return nil, err
	}
	reveal, err := d.authorize(ctx, p, sc, "list", "")
	if err != nil {
		return nil, err
	}
	list, err := ri.List(ctx, metav1.ListOptions{LabelSelector: q.LabelSelector, FieldSelector: q.FieldSelector, Limit: q.Limit, Continue: q.Continue})
	if err != nil {
		return nil, operation.ClusterError(err)
	}
	for i := range list.Items {
		trim(&list.Items[i], reveal)
	}
	return raw(list)
}

func get(ctx context.Context, d Deps, p *ResourceParams, sc scope, name string) (*RawOutput, error) {
	ri, err := client(d, p, sc, true)
	if err != nil {
		return nil, err
	}
	reveal, err := d.authorize(ctx, p, sc, "get", name)
	if err != nil {
		return nil, err
	}
	obj, err := ri.Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, operation.ClusterError(err)
	}
	trim(obj, reveal)
	return raw(obj)
}

func remove(ctx context.Context, d Deps, p *ResourceParams, sc scope, name, propagation string) error {
	ri, err := client(d, p, sc, true)
	if err != nil {
		return err
	}
	if _, err := d.authorize(ctx, p, sc, "delete", name); err != nil {
		return err
	}
	opts := metav1.DeleteOptions{}
	if propagation != "" {
		pp := metav1.DeletionPropagation(propagation)
		opts.PropagationPolicy = &pp
	}
	return operation.ClusterError(ri.Delete(ctx, name, opts))
}

// authorize decides whether the caller may do verb (a Kubernetes verb) to
// the route's resource, as the pass-through would, beyond the route's own
// gate; for Secrets it also says whether their values may be shown,
// auditing the reveal.
func (d Deps) authorize(ctx context.Context, p *ResourceParams, sc scope, verb, name string) (reveal bool, err error) {
	kr := auth.KubeRequest{RequestInfo: request.RequestInfo{IsResourceRequest: true, Verb: verb, APIGroup: apiGroup(p.Group),
		APIVersion: p.Version, Resource: p.Resource, Namespace: sc.namespace, Name: name}}
	if err := d.AuthorizeKube(ctx, p.Cluster, kr); err != nil {
		return false, err
	}
	if !kr.ReadsSecrets() {
		return false, nil
	}
	scope := kr.Scope(p.Cluster)
	ok, err := d.MayReveal(ctx, scope)
	if err != nil {
		// AuthorizeReveal answers the same failure, audited.
		return false, d.AuthorizeReveal(ctx, scope)
	}
	if !ok {
		return false, nil
	}
	return true, d.AuthorizeReveal(ctx, scope)
}

// trim drops what responses never carry (managedFields) and, unless reveal,
// a Secret's values: everyone who may read Secrets but not reveal them sees
// their metadata.
func trim(obj *unstructured.Unstructured, reveal bool) {
	obj.SetManagedFields(nil)
	if !reveal && obj.GetKind() == "Secret" && obj.GroupVersionKind().Group == "" {
		unstructured.RemoveNestedField(obj.Object, "data")
		unstructured.RemoveNestedField(obj.Object, "stringData")
	}
}

// apiGroup is the group of a path's {group}: "core" is the core group.
func apiGroup(group string) string {
	if group == "core" {
		return ""
	}
	return group
}

// client resolves the kind through the cluster's REST mapper and returns
// the dynamic client for it, in namespace when the kind is namespaced.
func client(d Deps, p *ResourceParams, sc scope, one bool) (dynamic.ResourceInterface, error) {
	namespace := sc.namespace
	conn, err := d.Cluster(p.Cluster)
	if err != nil {
		return nil, err
	}
	gvr := schema.GroupVersionResource{Group: apiGroup(p.Group), Version: p.Version, Resource: p.Resource}
	kind, err := conn.Mapper.KindFor(gvr)
	if err != nil {
		conn.Mapper.Reset() // a CRD may have appeared since discovery was cached
		if kind, err = conn.Mapper.KindFor(gvr); err != nil {
			return nil, huma.Error404NotFound(fmt.Sprintf("cluster %q serves no %s", p.Cluster, gvr.String()),
				&huma.ErrorDetail{Location: "path.resource", Message: err.Error()})
		}
	}
	mapping, err := conn.Mapper.RESTMapping(kind.GroupKind(), kind.Version)
	if err != nil {
		return nil, operation.ClusterError(err)
	}
	if mapping.Scope.Name() == "namespace" {
		if namespace == "" && one {
			return nil, huma.Error422UnprocessableEntity(fmt.Sprintf("%s is namespaced", gvr.Resource),
				&huma.ErrorDetail{Location: sc.location, Message: "is required for a namespaced kind"})
		}
		if namespace == "" {
			return conn.Dynamic.Resource(gvr), nil // every namespace (list)
		}
		return conn.Dynamic.Resource(gvr).Namespace(namespace), nil
	}
	if sc.namespacedOnly {
		return nil, huma.Error422UnprocessableEntity(fmt.Sprintf("%s is not namespaced", gvr.Resource),
			&huma.ErrorDetail{Location: "path.resource", Message: "is cluster-scoped: use /api/v1/clusters/{cluster}/resources/..."})
	}
	if namespace != "" {
		return nil, huma.Error422UnprocessableEntity(fmt.Sprintf("%s is not namespaced", gvr.Resource),
			&huma.ErrorDetail{Location: sc.location, Message: "must be empty for a cluster-scoped kind"})
	}
	return conn.Dynamic.Resource(gvr), nil
}

func raw(v any) (*RawOutput, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return &RawOutput{ContentType: "application/json", Body: b}, nil
}
