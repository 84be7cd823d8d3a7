// Package workloadresources serves the Workload custom resource of member
// clusters: enabling the feature (install the CRD, start its controller
// inside the server) and creating, reading, updating and deleting
// Workloads with their status.
//
// Bodies are Workload objects as JSON, exactly as kubectl would send them:
// the API server validates them (its CRD schema and CEL rules), and its
// field errors come back as 422s naming the field.
package workloadresources

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/controller/host"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// Deps are what the Workload endpoints need.
type Deps struct {
	Features *host.Workloads
}

// ResourceWorkloads is the permission resource of Workloads.
const ResourceWorkloads = "workloads"

var tags = []string{"Workloads (custom resource)"}

// enableWait bounds how long enabling waits for the controller to run;
// after it the answer is 202 and the controller keeps starting.
const enableWait = 90 * time.Second

// FeatureOutput says whether the feature is enabled in a cluster and
// whether its controller runs.
type FeatureOutput struct {
	Status int
	Body   struct {
		Feature string `json:"feature"`
		Enabled bool   `json:"enabled" doc:"The feature is recorded on the cluster: its controller runs whenever the cluster is connected"`
		Running bool   `json:"running" doc:"The controller runs and its caches are in sync"`
		Message string `json:"message,omitempty" doc:"Why an enabled controller does not run (yet); it is retried until it does"`
	}
}

// NameInput names one Workload.
type NameInput struct {
	operation.NamespaceParam
	Name string `path:"name" maxLength:"253"`
}

// ListInput lists Workloads.
type ListInput struct {
	operation.NamespaceParam
	LabelSelector string `query:"labelSelector" doc:"Kubernetes label selector"`
}

// BodyInput carries a Workload as JSON.
type BodyInput struct {
	operation.NamespaceParam
	RawBody []byte `contentType:"application/json" doc:"A Workload (apps.wheelhouse.dev/v1alpha1) as JSON"`
}

// NamedBodyInput carries a Workload to replace one.
type NamedBodyInput struct {
	NameInput
	RawBody []byte `contentType:"application/json" doc:"The Workload with metadata.resourceVersion; a stale one gives 409"`
}

// JSONOutput is a Kubernetes object or list as JSON.
type JSONOutput struct {
	Status      int
	ContentType string `header:"Content-Type"`
	Body        []byte
}

// Register adds the Workload endpoints to api.
func Register(api huma.API, d Deps) {
	feature := operation.New(http.MethodPost, "/api/v1/clusters/{cluster}/features/workloads", "enable-workloads",
		"Enable Workloads in a cluster: install the CRD and start its controller in the server", tags,
		auth.Permission{Verb: auth.VerbUpdate, Resource: "clusters"})
	feature.Description = "Records the feature on the cluster and waits up to 90 s for the controller to run (200). " +
		"When it does not run by then, or its start failed (the cluster is down, say), the answer is 202 with the reason " +
		"in `message`; the controller keeps being started in the background until it runs."
	feature.Errors = append(feature.Errors, http.StatusNotFound)
	huma.Register(api, feature, func(ctx context.Context, in *operation.ClusterParam) (*FeatureOutput, error) {
		wctx, cancel := context.WithTimeout(ctx, enableWait)
		defer cancel()
		err := d.Features.Enable(wctx, in.Cluster)
		if errors.Is(err, store.ErrNotFound) {
			return nil, huma.Error404NotFound(fmt.Sprintf("cluster %q not found", in.Cluster))
		}
		if err != nil && ctx.Err() != nil {
			return nil, err
		}
		return featureOut(ctx, d, in.Cluster)
	})
	huma.Register(api, operation.New(http.MethodGet, "/api/v1/clusters/{cluster}/features/workloads", "get-workloads-feature",
		"Whether Workloads are enabled in a cluster, and whether their controller runs", tags, auth.Permission{Verb: auth.VerbGet, Resource: "clusters"}),
		func(ctx context.Context, in *operation.ClusterParam) (*FeatureOutput, error) {
			return featureOut(ctx, d, in.Cluster)
		})

	perm := func(verb string) auth.Permission { return auth.Permission{Verb: verb, Resource: ResourceWorkloads} }
	base := "/api/v1/clusters/{cluster}/namespaces/{namespace}/workloads"
	huma.Register(api, operation.New(http.MethodGet, base, "list-workload-resources", "List Workloads with their status", tags, perm(auth.VerbList)),
		func(ctx context.Context, in *ListInput) (*JSONOutput, error) {
			c, err := clientFor(d, in.Cluster)
			if err != nil {
				return nil, err
			}
			opts := []client.ListOption{client.InNamespace(in.Namespace)}
			if in.LabelSelector != "" {
				sel, err := metav1.ParseToLabelSelector(in.LabelSelector)
				if err == nil {
					var ls client.MatchingLabelsSelector
					ls.Selector, err = metav1.LabelSelectorAsSelector(sel)
					opts = append(opts, ls)
				}
				if err != nil {
					return nil, huma.Error400BadRequest("invalid label selector", &huma.ErrorDetail{Location: "query.labelSelector", Message: err.Error()})
				}
			}
			var list appsv1alpha1.WorkloadList
			if err := c.List(ctx, &list, opts...); err != nil {
				return nil, operation.ClusterError(err)
			}
			for i := range list.Items {
				list.Items[i].ManagedFields = nil
			}
			return jsonOut(http.StatusOK, &list)
		})

	get := operation.New(http.MethodGet, base+"/{name}", "get-workload-resource", "Get a Workload with its status", tags, perm(auth.VerbGet))
	get.Errors = append(get.Errors, http.StatusNotFound)
	huma.Register(api, get, func(ctx context.Context, in *NameInput) (*JSONOutput, error) {
		c, err := clientFor(d, in.Cluster)
		if err != nil {
			return nil, err
		}
		var wl appsv1alpha1.Workload
		if err := c.Get(ctx, client.ObjectKey{Namespace: in.Namespace, Name: in.Name}, &wl); err != nil {
			return nil, operation.ClusterError(err)
		}
		wl.ManagedFields = nil
		return jsonOut(http.StatusOK, &wl)
	})

	create := operation.New(http.MethodPost, base, "create-workload-resource", "Create a Workload", tags, perm(auth.VerbCreate))
	create.Errors = append(create.Errors, http.StatusConflict)
	// The API server validates Workloads (schema and CEL); huma would check
	// the raw body against a binary-string schema.
	create.SkipValidateBody = true
	huma.Register(api, create, func(ctx context.Context, in *BodyInput) (*JSONOutput, error) {
		c, err := clientFor(d, in.Cluster)
		if err != nil {
			return nil, err
		}
		wl, err := decode(in.RawBody, in.Namespace, "")
		if err != nil {
			return nil, err
		}
		if err := c.Create(ctx, wl, client.FieldOwner("wheelhouse")); err != nil {
			return nil, operation.ClusterError(err)
		}
		wl.ManagedFields = nil
		return jsonOut(http.StatusCreated, wl)
	})

	update := operation.New(http.MethodPut, base+"/{name}", "update-workload-resource", "Replace a Workload's spec", tags, perm(auth.VerbUpdate))
	update.Errors = append(update.Errors, http.StatusNotFound, http.StatusConflict)
	update.SkipValidateBody = true
	huma.Register(api, update, func(ctx context.Context, in *NamedBodyInput) (*JSONOutput, error) {
		c, err := clientFor(d, in.Cluster)
		if err != nil {
			return nil, err
		}
		wl, err := decode(in.RawBody, in.Namespace, in.Name)
		if err != nil {
			return nil, err
		}
		if wl.ResourceVersion == "" {
			return nil, huma.Error422UnprocessableEntity("metadata.resourceVersion is required",
				&huma.ErrorDetail{Location: "body.metadata.resourceVersion", Message: "send the resourceVersion you read, so concurrent changes are not lost"})
		}
		if err := c.Update(ctx, wl, client.FieldOwner("wheelhouse")); err != nil {
			return nil, operation.ClusterError(err)
		}
		wl.ManagedFields = nil
		return jsonOut(http.StatusOK, wl)
	})

	del := operation.New(http.MethodDelete, base+"/{name}", "delete-workload-resource",
		"Delete a Workload; its controller removes the children first", tags, perm(auth.VerbDelete))
	del.DefaultStatus = http.StatusAccepted
	del.Errors = append(del.Errors, http.StatusNotFound)
	huma.Register(api, del, func(ctx context.Context, in *NameInput) (*struct{}, error) {
		c, err := clientFor(d, in.Cluster)
		if err != nil {
			return nil, err
		}
		wl := &appsv1alpha1.Workload{ObjectMeta: metav1.ObjectMeta{Namespace: in.Namespace, Name: in.Name}}
		return nil, operation.ClusterError(c.Delete(ctx, wl))
	})
}

func clientFor(d Deps, cluster string) (client.Client, error) {
	c, err := d.Features.Client(cluster)
	if errors.Is(err, host.ErrNotEnabled) {
		return nil, huma.Error409Conflict(fmt.Sprintf("Workloads are not enabled in cluster %q: POST /api/v1/clusters/%s/features/workloads", cluster, cluster))
	}
	return c, err
}

// decode reads a Workload from JSON and pins it to the path's namespace
// (and name, for a replace).
func decode(raw []byte, namespace, name string) (*appsv1alpha1.Workload, error) {
	var wl appsv1alpha1.Workload
	if err := json.Unmarshal(raw, &wl); err != nil {
		return nil, huma.Error400BadRequest("the body is not a Workload", &huma.ErrorDetail{Location: "body", Message: err.Error()})
	}
	if wl.Namespace != "" && wl.Namespace != namespace {
		return nil, huma.Error422UnprocessableEntity("namespace mismatch",
			&huma.ErrorDetail{Location: "body.metadata.namespace", Message: "must be empty or the namespace in the path", Value: wl.Namespace})
	}
	if name != "" && wl.Name != "" && wl.Name != name {
		return nil, huma.Error422UnprocessableEntity("name mismatch",
			&huma.ErrorDetail{Location: "body.metadata.name", Message: "must be empty or the name in the path", Value: wl.Name})
	}
	wl.Namespace = namespace
	if name != "" {
		wl.Name = name
	}
	wl.APIVersion, wl.Kind = appsv1alpha1.GroupVersion.String(), "Workload"
	return &wl, nil
}

func jsonOut(status int, obj any) (*JSONOutput, error) {
	raw, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	return &JSONOutput{Status: status, ContentType: "application/json", Body: raw}, nil
}

// featureOut reports the feature of cluster: 200 when its controller runs
// (or it is not enabled), 202 while an enabled controller is starting.
func featureOut(ctx context.Context, d Deps, cluster string) (*FeatureOutput, error) {
	st, err := d.Features.Status(ctx, cluster)
	if err != nil {
		return nil, err
	}
	out := &FeatureOutput{Status: http.StatusOK}
	out.Body.Feature, out.Body.Enabled, out.Body.Running, out.Body.Message = host.FeatureWorkloads, st.Enabled, st.Running, st.Message
	if st.Enabled && !st.Running {
		out.Status = http.StatusAccepted
	}
	return out, nil
}
