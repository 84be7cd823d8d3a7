package workloads

import (
	"context"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
)

// CreateWorkloadInput creates a workload from a structured spec.
type CreateWorkloadInput struct {
	operation.NamespaceParam
	Body WorkloadSpec
}

// UpdateWorkloadInput replaces a workload's structured spec.
type UpdateWorkloadInput struct {
	WorkloadParams
	Body WorkloadSpec
}

// DeleteWorkloadInput deletes a workload.
type DeleteWorkloadInput struct {
	WorkloadParams
	PropagationPolicy string `query:"propagationPolicy" enum:"Foreground,Background,Orphan" default:"Background" doc:"What happens to the pods (and ReplicaSets, Jobs): Background deletes them after the workload, Foreground before it, Orphan leaves them"`
}

func registerWrite(api huma.API, d Deps, k kindInfo, perm func(string) auth.Permission) {
	create := operation.New(http.MethodPost, basePath(k), "create-"+k.singular, "Create a "+k.kind, tags, perm(auth.VerbCreate))
	create.Description = "The request is checked first (422 naming body.<field>), then created through the API server, " +
		"whose own validation and admission apply. Pods are selected by the label " + SelectorLabel + "=<name>."
	create.DefaultStatus = http.StatusCreated
	create.Errors = append(create.Errors, http.StatusNotFound, http.StatusConflict, http.StatusServiceUnavailable)
	huma.Register(api, create, func(ctx context.Context, in *CreateWorkloadInput) (*WorkloadOutput, error) {
		if in.Body.ResourceVersion != "" {
			return nil, huma.Error422UnprocessableEntity("invalid workload",
				&huma.ErrorDetail{Location: "body.resourceVersion", Message: "must be empty on create"})
		}
		if err := validate(k, &in.Body); err != nil {
			return nil, err
		}
		c, err := d.Cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		obj, err := createObject(ctx, c, k, in.Namespace, newObject(k, in.Namespace, &in.Body))
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		d.Logger.InfoContext(ctx, "Workload created", "cluster", in.Cluster, "kind", k.kind, "namespace", in.Namespace, "name", in.Body.Name)
		return &WorkloadOutput{Body: viewOf(obj)}, nil
	})

	update := operation.New(http.MethodPut, basePath(k)+"/{name}", "update-"+k.singular, "Replace a "+k.kind+"'s structured spec", tags, perm(auth.VerbUpdate))
	update.Description = "Takes the whole structured spec (as GET returns it) with the resourceVersion it was read at: " +
		"a stale resourceVersion gives 409. Pod and container fields the structured spec does not cover are kept."
	update.Errors = append(update.Errors, http.StatusNotFound, http.StatusConflict, http.StatusServiceUnavailable)
	huma.Register(api, update, func(ctx context.Context, in *UpdateWorkloadInput) (*WorkloadOutput, error) {
		s := &in.Body
		var p problems
		if s.Name == "" {
			s.Name = in.Name
		}
		if s.Name != in.Name {
			p.add("body.name", "must be %q (a workload cannot be renamed)", in.Name)
		}
		if s.ResourceVersion == "" {
			p.add("body.resourceVersion", "is required: send the resourceVersion the change was made against")
		}
		if err := p.err(); err != nil {
			return nil, err
		}
		if err := validate(k, s); err != nil {
			return nil, err
		}
		c, live, err := d.live(ctx, k, in.Cluster, in.Namespace, in.Name)
		if err != nil {
			return nil, err
		}
		fill(live, s)
		obj, err := updateObject(ctx, c, k, in.Namespace, live)
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		d.Logger.InfoContext(ctx, "Workload updated", "cluster", in.Cluster, "kind", k.kind, "namespace", in.Namespace, "name", in.Name)
		return &WorkloadOutput{Body: viewOf(obj)}, nil
	})

	del := operation.DeleteOp(basePath(k)+"/{name}", "delete-"+k.singular, "Delete a "+k.kind, tags, perm(auth.VerbDelete))
	huma.Register(api, del, func(ctx context.Context, in *DeleteWorkloadInput) (*struct{}, error) {
		c, err := d.Cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		policy := metav1.DeletionPropagation(in.PropagationPolicy)
		err = c.Dynamic.Resource(k.gvr).Namespace(in.Namespace).Delete(ctx, in.Name, metav1.DeleteOptions{PropagationPolicy: &policy})
		if err != nil {
			return nil, operation.ClusterError(fmt.Errorf("delete %s %s/%s: %w", k.kind, in.Namespace, in.Name, err))
		}
		d.Logger.InfoContext(ctx, "Workload deleted", "cluster", in.Cluster, "kind", k.kind, "namespace", in.Namespace,
			"name", in.Name, "propagationPolicy", in.PropagationPolicy)
		return nil, nil
	})
}

// newTyped returns an empty typed object of kind k.
func newTyped(k kindInfo) runtime.Object {
	switch k.resource {
	case KindDeployments:
		return &appsv1.Deployment{}
	case KindStatefulSets:
		return &appsv1.StatefulSet{}
	case KindDaemonSets:
		return &appsv1.DaemonSet{}
	case KindJobs:
		return &batchv1.Job{}
	}
	return &batchv1.CronJob{}
}

func toTyped(k kindInfo, u *unstructured.Unstructured) (runtime.Object, error) {
	obj := newTyped(k)
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, obj); err != nil {
		return nil, fmt.Errorf("decode %s %s: %w", k.kind, u.GetName(), err)
	}
	return obj, nil
}

func toUnstructured(k kindInfo, obj runtime.Object) (*unstructured.Unstructured, error) {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", k.kind, err)
	}
	u := &unstructured.Unstructured{Object: m}
	u.SetAPIVersion(k.apiVersion())
	u.SetKind(k.kind)
	return u, nil
}

// live reads a workload from the API server of the named cluster (not
// the cache), with the kit's answers: updates start from the current
// object.
func (d Deps) live(ctx context.Context, k kindInfo, cluster, ns, name string) (*multicluster.Cluster, runtime.Object, error) {
	c, err := d.Cluster(cluster)
	if err != nil {
		return nil, nil, err
	}
	live, err := getLive(ctx, c, k, ns, name)
	if err != nil {
		return nil, nil, operation.ClusterError(err)
	}
	return c, live, nil
}

// getLive reads a workload from the API server (not the cache).
func getLive(ctx context.Context, c *multicluster.Cluster, k kindInfo, ns, name string) (runtime.Object, error) {
	u, err := c.Dynamic.Resource(k.gvr).Namespace(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("get %s %s/%s: %w", k.kind, ns, name, err)
	}
	return toTyped(k, u)
}

func createObject(ctx context.Context, c *multicluster.Cluster, k kindInfo, ns string, obj runtime.Object) (runtime.Object, error) {
	u, err := toUnstructured(k, obj)
	if err != nil {
		return nil, err
	}
	res, err := c.Dynamic.Resource(k.gvr).Namespace(ns).Create(ctx, u, metav1.CreateOptions{FieldManager: FieldManager})
	if err != nil {
		return nil, fmt.Errorf("create %s %s/%s: %w", k.kind, ns, u.GetName(), err)
	}
	return toTyped(k, res)
}

func updateObject(ctx context.Context, c *multicluster.Cluster, k kindInfo, ns string, obj runtime.Object) (runtime.Object, error) {
	u, err := toUnstructured(k, obj)
	if err != nil {
		return nil, err
	}
	res, err := c.Dynamic.Resource(k.gvr).Namespace(ns).Update(ctx, u, metav1.UpdateOptions{FieldManager: FieldManager})
	if err != nil {
		return nil, fmt.Errorf("update %s %s/%s: %w", k.kind, ns, u.GetName(), err)
	}
	return toTyped(k, res)
}

// patchObject patches a workload and returns its new view.
func patchObject(ctx context.Context, c *multicluster.Cluster, k kindInfo, ns, name string, pt types.PatchType, data []byte) (*WorkloadOutput, error) {
	res, err := c.Dynamic.Resource(k.gvr).Namespace(ns).Patch(ctx, name, pt, data, metav1.PatchOptions{FieldManager: FieldManager})
	if err != nil {
		return nil, operation.ClusterError(fmt.Errorf("patch %s %s/%s: %w", k.kind, ns, name, err))
	}
	obj, err := toTyped(k, res)
	if err != nil {
		return nil, err
	}
	return &WorkloadOutput{Body: viewOf(obj)}, nil
}
