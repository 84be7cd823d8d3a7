package namespaces

import (
	"context"

	"github.com/danielgtaylor/huma/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
)

var quotaTags = []string{"Resource quotas"}

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

	operation.CachedList[*corev1.ResourceQuota, NamespaceResourceQuota]{Kind: "resourcequotas", ID: "list-resourcequotas",
		Summary: "List the ResourceQuotas of a namespace, with usage", Tags: quotaTags, Permission: perm(auth.VerbList),
		Views: operation.Static(quotaView)}.RegisterNamespaced(api, &d.Kit)

	get := operation.GetOp(path+"/{name}", "get-resourcequota", "Get a ResourceQuota with its usage", quotaTags, perm(auth.VerbGet))
	huma.Register(api, get, func(ctx context.Context, in *ResourceQuotaInput) (*ResourceQuotaOutput, error) {
		o, _, err := operation.GetCached[*corev1.ResourceQuota](&d.Kit, in.Cluster, "resourcequotas", in.Namespace, in.Name)
		if err != nil {
			return nil, err
		}
		return &ResourceQuotaOutput{Body: quotaView(o)}, nil
	})

	create := operation.CreateOp(path, "create-resourcequota", "Create a ResourceQuota", quotaTags, perm(auth.VerbCreate))
	huma.Register(api, create, func(ctx context.Context, in *CreateResourceQuotaInput) (*ResourceQuotaOutput, error) {
		b := in.Body
		details := operation.Invalid("body.name", b.Name, validation.IsDNS1123Subdomain(b.Name))
		details = append(details, operation.ValidateLabelEdits(pointers(b.Labels), nil)...)
		hard, bad := parseQuantities("body.hard", b.Hard)
		details = append(details, bad...)
		if len(details) > 0 {
			return nil, operation.ValidationFailed(details)
		}
		c, err := d.Cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		q := &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: b.Name, Namespace: in.Namespace, Labels: b.Labels}}
		setQuotaSpec(q, hard, b.Scopes)
		q, err = c.Kube.CoreV1().ResourceQuotas(in.Namespace).Create(ctx, q, metav1.CreateOptions{})
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		return &ResourceQuotaOutput{Body: quotaView(q)}, nil
	})

	update := operation.ReplaceOp(path+"/{name}", "update-resourcequota",
		"Replace what a ResourceQuota limits (hard and scopes)", quotaTags, perm(auth.VerbUpdate))
	huma.Register(api, update, func(ctx context.Context, in *UpdateResourceQuotaInput) (*ResourceQuotaOutput, error) {
		hard, details := parseQuantities("body.hard", in.Body.Hard)
		if len(details) > 0 {
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
			setQuotaSpec(cur, hard, in.Body.Scopes)
			q, err = client.Update(ctx, cur, metav1.UpdateOptions{})
			return err
		})
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		return &ResourceQuotaOutput{Body: quotaView(q)}, nil
	})

	del := operation.DeleteOp(path+"/{name}", "delete-resourcequota", "Delete a ResourceQuota", quotaTags, perm(auth.VerbDelete))
	huma.Register(api, del, func(ctx context.Context, in *ResourceQuotaInput) (*struct{}, error) {
		return nil, d.Delete(ctx, in.Cluster, in.Name, metav1.DeleteOptions{},
			func(k kubernetes.Interface) operation.Deleter { return k.CoreV1().ResourceQuotas(in.Namespace) })
	})
}

// setQuotaSpec replaces q's hard limits and scopes.
func setQuotaSpec(q *corev1.ResourceQuota, hard corev1.ResourceList, scopes []string) {
	q.Spec.Hard = hard
	q.Spec.Scopes = nil
	for _, s := range scopes {
		q.Spec.Scopes = append(q.Spec.Scopes, corev1.ResourceQuotaScope(s))
	}
}
