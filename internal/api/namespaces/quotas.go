package namespaces

import (
	"context"

	"github.com/danielgtaylor/huma/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
)

var quotaTags = []string{"Resource quotas"}

// ResourceQuotaSpecBody is what a quota limits.
type ResourceQuotaSpecBody struct {
	Hard   map[string]string `json:"hard" minProperties:"1" doc:"Limits by resource name, as quantities: cpu, memory, requests.cpu, limits.memory, pods, services, persistentvolumeclaims, requests.storage, count/deployments.apps, ..."`
	Scopes []string          `json:"scopes,omitempty" doc:"Pods the quota counts: Terminating, NotTerminating, BestEffort, NotBestEffort, PriorityClass, CrossNamespacePodAffinity"`
}

// CreateResourceQuotaInput creates a quota.
type CreateResourceQuotaInput struct {
	operation.NamespaceParam
	Body struct {
		operation.NewObject
		ResourceQuotaSpecBody
	}
}

// UpdateResourceQuotaInput replaces what a quota limits.
type UpdateResourceQuotaInput struct {
	operation.NamespacedObjectInput
	Body ResourceQuotaSpecBody
}

// quotas are the ResourceQuota endpoints, shown with their usage.
var quotas = operation.TypedKind[*corev1.ResourceQuota, NamespaceResourceQuota]{Kind: "resourcequotas", Singular: "resourcequota",
	Namespaced: true, Tags: quotaTags, Resource: ResourceResourceQuotas, View: quotaView,
	Client: func(k kubernetes.Interface, ns string) operation.TypedClient[*corev1.ResourceQuota] {
		return k.CoreV1().ResourceQuotas(ns)
	}}

func registerQuotas(api huma.API, d Deps) {
	quotas.RegisterList(api, &d.Kit, "List the ResourceQuotas of a namespace, with usage")
	quotas.RegisterGet(api, &d.Kit, "Get a ResourceQuota with its usage")

	huma.Register(api, quotas.CreateOp("Create a ResourceQuota"),
		func(ctx context.Context, in *CreateResourceQuotaInput) (*operation.ObjectOutput[NamespaceResourceQuota], error) {
			b := in.Body
			hard, bad := parseQuantities("body.hard", b.Hard)
			q := &corev1.ResourceQuota{ObjectMeta: b.Meta(in.Namespace)}
			setQuotaSpec(q, hard, b.Scopes)
			return quotas.Create(ctx, &d.Kit, in.Cluster, q, append(b.Check(), bad...))
		})

	huma.Register(api, quotas.ReplaceOp("Replace what a ResourceQuota limits (hard and scopes)"),
		func(ctx context.Context, in *UpdateResourceQuotaInput) (*operation.ObjectOutput[NamespaceResourceQuota], error) {
			hard, details := parseQuantities("body.hard", in.Body.Hard)
			if len(details) > 0 {
				return nil, operation.ValidationFailed(details)
			}
			return quotas.Replace(ctx, &d.Kit, in.Cluster, in.Namespace, in.Name, "", func(q *corev1.ResourceQuota) error {
				setQuotaSpec(q, hard, in.Body.Scopes)
				return nil
			})
		})

	quotas.RegisterDelete(api, &d.Kit, "Delete a ResourceQuota")
}

// setQuotaSpec replaces q's hard limits and scopes.
func setQuotaSpec(q *corev1.ResourceQuota, hard corev1.ResourceList, scopes []string) {
	q.Spec.Hard = hard
	q.Spec.Scopes = nil
	for _, s := range scopes {
		q.Spec.Scopes = append(q.Spec.Scopes, corev1.ResourceQuotaScope(s))
	}
}
