package namespaces

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/util/retry"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
)

var quotaTags = []string{"Resource quotas"}

// ListResourceQuotasInput selects and pages the quotas of a namespace.
type ListResourceQuotasInput struct {
	operation.NamespaceParam
	operation.ClusterListParams
}

// ListResourceQuotasOutput is one page of quotas.
type ListResourceQuotasOutput struct {
	Body operation.ClusterList[NamespaceResourceQuota]
}

// ResourceQuotaInput names a quota.
type ResourceQuotaInput struct {
	operation.NamespaceParam
	Name string `path:"name" maxLength:"253" doc:"ResourceQuota name"`
}

// ResourceQuotaSpecBody is what a quota limits.
type ResourceQuotaSpecBody struct {
	Hard   map[string]string `json:"hard" minProperties:"1" doc:"Limits by resource name, as quantities: cpu, memory, requests.cpu, limits.memory, pods, services, persistentvolumeclaims, requests.storage, count/deployments.apps, ..."`
	Scopes []string          `json:"scopes,omitempty" doc:"Pods the quota counts: Terminating, NotTerminating, BestEffort, NotBestEffort, PriorityClass, CrossNamespacePodAffinity"`
}

// CreateResourceQuotaInput creates a quota.
type CreateResourceQuotaInput struct {
	operation.NamespaceParam
	Body struct {
		Name   string            `json:"name" maxLength:"253" doc:"A DNS subdomain name"`
		Labels map[string]string `json:"labels,omitempty"`
		ResourceQuotaSpecBody
	}
}

// UpdateResourceQuotaInput replaces what a quota limits.
type UpdateResourceQuotaInput struct {
	ResourceQuotaInput
	Body ResourceQuotaSpecBody
}

// ResourceQuotaOutput is one quota with its usage.
type ResourceQuotaOutput struct {
	Body NamespaceResourceQuota
}

func registerQuotas(api huma.API, d Deps) {
	perm := func(verb string) auth.Permission {
		return auth.Permission{Verb: verb, Resource: ResourceResourceQuotas}
	}
	path := basePath + "/{namespace}/resourcequotas"

	list := operation.New(http.MethodGet, path, "list-resourcequotas", "List the ResourceQuotas of a namespace, with usage", quotaTags, perm(auth.VerbList))
	list.Errors = append(list.Errors, http.StatusBadRequest, http.StatusNotFound, http.StatusServiceUnavailable)
	huma.Register(api, list, func(ctx context.Context, in *ListResourceQuotasInput) (*ListResourceQuotasOutput, error) {
		c, err := d.Cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		page, err := c.List("resourcequotas", in.Query(in.Namespace))
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		return &ListResourceQuotasOutput{Body: operation.Views(page, quotaView)}, nil
	})

	get := operation.New(http.MethodGet, path+"/{name}", "get-resourcequota", "Get a ResourceQuota with its usage", quotaTags, perm(auth.VerbGet))
	get.Errors = append(get.Errors, http.StatusNotFound, http.StatusServiceUnavailable)
	huma.Register(api, get, func(ctx context.Context, in *ResourceQuotaInput) (*ResourceQuotaOutput, error) {
		c, err := d.Cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		o, err := c.Get("resourcequotas", in.Namespace, in.Name)
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		return &ResourceQuotaOutput{Body: quotaView(o.(*corev1.ResourceQuota))}, nil
	})

	create := operation.New(http.MethodPost, path, "create-resourcequota", "Create a ResourceQuota", quotaTags, perm(auth.VerbCreate))
	create.DefaultStatus = http.StatusCreated
	create.Errors = append(create.Errors, http.StatusNotFound, http.StatusConflict, http.StatusServiceUnavailable)
	huma.Register(api, create, func(ctx context.Context, in *CreateResourceQuotaInput) (*ResourceQuotaOutput, error) {
		b := in.Body
		details := operation.Invalid("body.name", b.Name, validation.IsDNS1123Subdomain(b.Name))
		details = append(details, operation.ValidateLabelEdits(pointers(b.Labels), nil)...)
		details = append(details, validateQuantities("body.hard", b.Hard)...)
		if len(details) > 0 {
			return nil, operation.ValidationFailed(details)
		}
		c, err := d.Cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		q := &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: b.Name, Namespace: in.Namespace, Labels: b.Labels}}
		setQuotaSpec(q, b.ResourceQuotaSpecBody)
		q, err = c.Kube.CoreV1().ResourceQuotas(in.Namespace).Create(ctx, q, metav1.CreateOptions{})
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		return &ResourceQuotaOutput{Body: quotaView(q)}, nil
	})

	update := operation.New(http.MethodPut, path+"/{name}", "update-resourcequota",
		"Replace what a ResourceQuota limits (hard and scopes)", quotaTags, perm(auth.VerbUpdate))
	update.Errors = append(update.Errors, http.StatusNotFound, http.StatusConflict, http.StatusServiceUnavailable)
	huma.Register(api, update, func(ctx context.Context, in *UpdateResourceQuotaInput) (*ResourceQuotaOutput, error) {
		if details := validateQuantities("body.hard", in.Body.Hard); len(details) > 0 {
			return nil, operation.ValidationFailed(details)
		}
		c, err := d.Cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		client := c.Kube.CoreV1().ResourceQuotas(in.Namespace)
		var q *corev1.ResourceQuota
		err = retry.RetryOnConflict(retry.DefaultRetry, func() error {
			cur, err := client.Get(ctx, in.Name, metav1.GetOptions{})
			if err != nil {
				return err
			}
			setQuotaSpec(cur, in.Body)
			q, err = client.Update(ctx, cur, metav1.UpdateOptions{})
			return err
		})
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		return &ResourceQuotaOutput{Body: quotaView(q)}, nil
	})

	del := operation.New(http.MethodDelete, path+"/{name}", "delete-resourcequota", "Delete a ResourceQuota", quotaTags, perm(auth.VerbDelete))
	del.DefaultStatus = http.StatusNoContent
	del.Errors = append(del.Errors, http.StatusNotFound, http.StatusServiceUnavailable)
	huma.Register(api, del, func(ctx context.Context, in *ResourceQuotaInput) (*struct{}, error) {
		c, err := d.Cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		if err := c.Kube.CoreV1().ResourceQuotas(in.Namespace).Delete(ctx, in.Name, metav1.DeleteOptions{}); err != nil {
			return nil, operation.ClusterError(err)
		}
		return nil, nil
	})
}

// setQuotaSpec replaces q's hard limits and scopes with b's; the values
// have been checked to parse.
func setQuotaSpec(q *corev1.ResourceQuota, b ResourceQuotaSpecBody) {
	q.Spec.Hard = resourceList(b.Hard)
	q.Spec.Scopes = nil
	for _, s := range b.Scopes {
		q.Spec.Scopes = append(q.Spec.Scopes, corev1.ResourceQuotaScope(s))
	}
}

// resourceList converts checked quantities; nil for an empty map.
func resourceList(m map[string]string) corev1.ResourceList {
	if len(m) == 0 {
		return nil
	}
	out := make(corev1.ResourceList, len(m))
	for k, v := range m {
		out[corev1.ResourceName(k)] = resource.MustParse(v)
	}
	return out
}
