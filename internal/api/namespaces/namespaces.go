// Package namespaces serves the namespaces of member clusters under
// /api/v1/clusters/{cluster}/namespaces: lists and details read from the
// cluster's caches (a namespace's detail counts what it contains and shows
// its quotas' usage), create, label and annotate, delete (saying what the
// namespace contained), and the ResourceQuotas and LimitRanges inside each
// namespace. Writes go to the cluster's API server.
package namespaces

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"github.com/danielgtaylor/huma/v2"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
)

// Permission resources of the namespace operations.
const (
	ResourceNamespaces     = "namespaces"
	ResourceResourceQuotas = "resourcequotas"
	ResourceLimitRanges    = "limitranges"
)

const basePath = "/api/v1/clusters/{cluster}/namespaces"

// Protected are the namespaces Kubernetes itself relies on; deleting one
// needs ?force=true.
var Protected = []string{"default", "kube-system", "kube-public", "kube-node-lease"}

var tags = []string{"Namespaces"}

// Deps are what the namespace endpoints need.
type Deps struct {
	operation.Kit
}

// NamespaceOutput is one namespace.
type NamespaceOutput struct {
	Body NamespaceView
}

// NamespaceDetailOutput is one namespace with what it contains.
type NamespaceDetailOutput struct {
	Body NamespaceDetail
}

// CreateNamespaceInput creates a namespace.
type CreateNamespaceInput struct {
	operation.ClusterParam
	Body struct {
		Name        string            `json:"name" maxLength:"63" doc:"A DNS label: lower-case letters, digits and '-', starting and ending with a letter or digit"`
		Labels      map[string]string `json:"labels,omitempty"`
		Annotations map[string]string `json:"annotations,omitempty"`
	}
}

// UpdateNamespaceInput edits a namespace's labels and annotations.
type UpdateNamespaceInput struct {
	operation.NamespaceParam
	Body struct {
		Labels      map[string]*string `json:"labels,omitempty" doc:"Labels to set, merged into the namespace's; a null value removes that label"`
		Annotations map[string]*string `json:"annotations,omitempty" doc:"Annotations to set, merged into the namespace's; a null value removes that annotation"`
	}
}

// DeleteNamespaceInput deletes a namespace.
type DeleteNamespaceInput struct {
	operation.NamespaceParam
	Force bool `query:"force" doc:"Required to delete default, kube-system, kube-public or kube-node-lease"`
}

// NamespaceDeleted says what a deleted namespace contained.
type NamespaceDeleted struct {
	Name      string         `json:"name"`
	Phase     string         `json:"phase" doc:"Terminating: Kubernetes deletes the contents, then the namespace"`
	Contained map[string]int `json:"contained" doc:"Objects in the namespace by kind just before deletion, from the caches"`
	Total     int            `json:"total" doc:"Sum of contained"`
}

// DeleteNamespaceOutput is the result of a deletion.
type DeleteNamespaceOutput struct {
	Body NamespaceDeleted
}

// Register adds the namespace, ResourceQuota and LimitRange endpoints to
// api.
func Register(api huma.API, d Deps) {
	perm := func(verb string) auth.Permission { return auth.Permission{Verb: verb, Resource: ResourceNamespaces} }

	operation.CachedList[*corev1.Namespace, NamespaceView]{Kind: "namespaces", ID: "list-namespaces", Summary: "List the namespaces of a cluster",
		Tags: tags, Permission: perm(auth.VerbList), Views: operation.Static(namespaceView)}.RegisterClusterWide(api, &d.Kit)

	get := operation.GetOp(basePath+"/{namespace}", "get-namespace",
		"Get a namespace with counts of what it contains and its quotas' usage", tags, perm(auth.VerbGet))
	huma.Register(api, get, func(ctx context.Context, in *operation.NamespaceParam) (*NamespaceDetailOutput, error) {
		c, ns, err := getNamespace(d, in)
		if err != nil {
			return nil, err
		}
		counts, err := contents(c, ns.Name)
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		quotas, err := c.List("resourcequotas", multicluster.Query{Namespace: ns.Name})
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		out := &NamespaceDetailOutput{Body: NamespaceDetail{NamespaceView: namespaceView(ns), Counts: counts,
			Quotas: make([]NamespaceResourceQuota, 0, len(quotas.Items))}}
		for _, o := range quotas.Items {
			out.Body.Quotas = append(out.Body.Quotas, quotaView(o.(*corev1.ResourceQuota)))
		}
		return out, nil
	})

	create := operation.CreateOp(basePath, "create-namespace", "Create a namespace", tags, perm(auth.VerbCreate))
	huma.Register(api, create, func(ctx context.Context, in *CreateNamespaceInput) (*NamespaceOutput, error) {
		b := in.Body
		details := operation.Invalid("body.name", b.Name, validation.IsDNS1123Label(b.Name))
		details = append(details, operation.ValidateLabelEdits(pointers(b.Labels), pointers(b.Annotations))...)
		if len(details) > 0 {
			return nil, operation.ValidationFailed(details)
		}
		c, err := d.Cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		ns, err := c.Kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{
			ObjectMeta: metav1.ObjectMeta{Name: b.Name, Labels: b.Labels, Annotations: b.Annotations},
		}, metav1.CreateOptions{})
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		return &NamespaceOutput{Body: namespaceView(ns)}, nil
	})

	update := operation.New(http.MethodPatch, basePath+"/{namespace}", "update-namespace",
		"Edit a namespace's labels and annotations", tags, perm(auth.VerbUpdate))
	update.Description = "Labels and annotations are merged into the namespace's; a null value removes a key."
	update.Errors = append(update.Errors, http.StatusNotFound, http.StatusConflict, http.StatusServiceUnavailable)
	huma.Register(api, update, func(ctx context.Context, in *UpdateNamespaceInput) (*NamespaceOutput, error) {
		b := in.Body
		if details := operation.ValidateLabelEdits(b.Labels, b.Annotations); len(details) > 0 {
			return nil, operation.ValidationFailed(details)
		}
		c, err := d.Cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		meta := operation.MetadataMerge(b.Labels, b.Annotations)
		raw, err := json.Marshal(map[string]any{"metadata": meta})
		if err != nil {
			return nil, fmt.Errorf("encode namespace patch: %w", err)
		}
		ns, err := c.Kube.CoreV1().Namespaces().Patch(ctx, in.Namespace, types.MergePatchType, raw, metav1.PatchOptions{})
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		return &NamespaceOutput{Body: namespaceView(ns)}, nil
	})

	del := operation.New(http.MethodDelete, basePath+"/{namespace}", "delete-namespace",
		"Delete a namespace and everything in it", tags, perm(auth.VerbDelete))
	del.Description = "The response counts what the namespace contained, from the caches just before deletion. " +
		"Deleting default, kube-system, kube-public or kube-node-lease is refused with 409 unless ?force=true."
	del.Errors = append(del.Errors, http.StatusNotFound, http.StatusConflict, http.StatusServiceUnavailable)
	huma.Register(api, del, func(ctx context.Context, in *DeleteNamespaceInput) (*DeleteNamespaceOutput, error) {
		if slices.Contains(Protected, in.Namespace) && !in.Force {
			return nil, huma.Error409Conflict(fmt.Sprintf("namespace %q is one Kubernetes relies on; add ?force=true to delete it anyway", in.Namespace))
		}
		c, err := d.Cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		ns, err := namespaceForDelete(ctx, c, in.Namespace)
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		counts, err := contents(c, ns.Name)
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		// Delete exactly the namespace that was counted.
		uid := ns.UID
		if err := c.Kube.CoreV1().Namespaces().Delete(ctx, ns.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}}); err != nil {
			return nil, operation.ClusterError(err)
		}
		out := &DeleteNamespaceOutput{Body: NamespaceDeleted{Name: ns.Name, Phase: string(corev1.NamespaceTerminating), Contained: counts}}
		for _, n := range counts {
			out.Body.Total += n
		}
		return out, nil
	})

	registerQuotas(api, d)
	registerLimitRanges(api, d)
}

// getNamespace returns the cluster and the cached namespace in names.
func getNamespace(d Deps, in *operation.NamespaceParam) (*multicluster.Cluster, *corev1.Namespace, error) {
	ns, c, err := operation.GetCached[*corev1.Namespace](&d.Kit, in.Cluster, "namespaces", "", in.Namespace)
	return c, ns, err
}

// namespaceForDelete returns the namespace from the cache or, when it was
// created too recently to be there, from the API server.
func namespaceForDelete(ctx context.Context, c *multicluster.Cluster, name string) (*corev1.Namespace, error) {
	o, err := c.Get("namespaces", "", name)
	if err == nil {
		return o.(*corev1.Namespace), nil
	}
	if !apierrors.IsNotFound(err) {
		return nil, err
	}
	ns, err := c.Kube.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("get namespace %q: %w", name, err)
	}
	return ns, nil
}
