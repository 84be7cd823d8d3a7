package namespaces

import (
	"context"
	"fmt"
	"time"

	"github.com/danielgtaylor/huma/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
)

var limitTags = []string{"Limit ranges"}

// NamespaceLimitRange is a LimitRange as the API shows it.
type NamespaceLimitRange struct {
	Name              string                    `json:"name"`
	Namespace         string                    `json:"namespace"`
	UID               string                    `json:"uid"`
	CreationTimestamp time.Time                 `json:"creationTimestamp"`
	Labels            map[string]string         `json:"labels,omitempty"`
	Limits            []NamespaceLimitRangeItem `json:"limits" nullable:"false"`
}

// NamespaceLimitRangeItem is one entry of a LimitRange: the bounds and
// defaults for one type of object. Every map is by resource name (cpu,
// memory, storage, ephemeral-storage) with quantities as values.
type NamespaceLimitRangeItem struct {
	Type                 string            `json:"type" enum:"Container,Pod,PersistentVolumeClaim"`
	Max                  map[string]string `json:"max,omitempty" doc:"Largest limit (or request, for PersistentVolumeClaim) allowed"`
	Min                  map[string]string `json:"min,omitempty" doc:"Smallest request allowed"`
	Default              map[string]string `json:"default,omitempty" doc:"Limit given to containers that set none"`
	DefaultRequest       map[string]string `json:"defaultRequest,omitempty" doc:"Request given to containers that set none"`
	MaxLimitRequestRatio map[string]string `json:"maxLimitRequestRatio,omitempty" doc:"Largest limit / request ratio allowed"`
}

// LimitRangeSpecBody is what a LimitRange sets.
type LimitRangeSpecBody struct {
	Limits []NamespaceLimitRangeItem `json:"limits" minItems:"1"`
}

// CreateLimitRangeInput creates a LimitRange.
type CreateLimitRangeInput struct {
	operation.NamespaceParam
	Body struct {
		operation.NewObject
		LimitRangeSpecBody
	}
}

// UpdateLimitRangeInput replaces the limits of a LimitRange.
type UpdateLimitRangeInput struct {
	operation.NamespacedObjectInput
	Body LimitRangeSpecBody
}

// limitRanges are the LimitRange endpoints.
var limitRanges = operation.TypedKind[*corev1.LimitRange, NamespaceLimitRange]{Kind: "limitranges", Singular: "limitrange",
	Namespaced: true, Tags: limitTags, Resource: ResourceLimitRanges, View: limitRangeView,
	Client: func(k kubernetes.Interface, ns string) operation.TypedClient[*corev1.LimitRange] {
		return k.CoreV1().LimitRanges(ns)
	}}

func registerLimitRanges(api huma.API, d Deps) {
	limitRanges.RegisterList(api, &d.Kit, "List the LimitRanges of a namespace")
	limitRanges.RegisterGet(api, &d.Kit, "Get a LimitRange")

	huma.Register(api, limitRanges.CreateOp("Create a LimitRange"),
		func(ctx context.Context, in *CreateLimitRangeInput) (*operation.ObjectOutput[NamespaceLimitRange], error) {
			b := in.Body
			limits, bad := limitItems(b.Limits)
			lr := &corev1.LimitRange{ObjectMeta: b.Meta(in.Namespace)}
			lr.Spec.Limits = limits
			return limitRanges.Create(ctx, &d.Kit, in.Cluster, lr, append(b.Check(), bad...))
		})

	huma.Register(api, limitRanges.ReplaceOp("Replace the limits of a LimitRange"),
		func(ctx context.Context, in *UpdateLimitRangeInput) (*operation.ObjectOutput[NamespaceLimitRange], error) {
			limits, details := limitItems(in.Body.Limits)
			if len(details) > 0 {
				return nil, operation.ValidationFailed(details)
			}
			return limitRanges.Replace(ctx, &d.Kit, in.Cluster, in.Namespace, in.Name, "", func(lr *corev1.LimitRange) error {
				lr.Spec.Limits = limits
				return nil
			})
		})

	limitRanges.RegisterDelete(api, &d.Kit, "Delete a LimitRange")
}

// limitItems reads the limits of a body; each problem names its field
// (body.limits[0].max.cpu).
func limitItems(items []NamespaceLimitRangeItem) ([]corev1.LimitRangeItem, []error) {
	var details []error
	parse := func(loc string, m map[string]string) corev1.ResourceList {
		l, bad := parseQuantities(loc, m)
		details = append(details, bad...)
		return l
	}
	out := make([]corev1.LimitRangeItem, len(items))
	for i, it := range items {
		loc := fmt.Sprintf("body.limits[%d]", i)
		out[i] = corev1.LimitRangeItem{
			Type:                 corev1.LimitType(it.Type),
			Max:                  parse(loc+".max", it.Max),
			Min:                  parse(loc+".min", it.Min),
			Default:              parse(loc+".default", it.Default),
			DefaultRequest:       parse(loc+".defaultRequest", it.DefaultRequest),
			MaxLimitRequestRatio: parse(loc+".maxLimitRequestRatio", it.MaxLimitRequestRatio),
		}
	}
	return out, details
}

func limitRangeView(lr *corev1.LimitRange) NamespaceLimitRange {
	v := NamespaceLimitRange{Name: lr.Name, Namespace: lr.Namespace, UID: string(lr.UID),
		CreationTimestamp: lr.CreationTimestamp.UTC(), Labels: lr.Labels,
		Limits: make([]NamespaceLimitRangeItem, len(lr.Spec.Limits))}
	for i, it := range lr.Spec.Limits {
		v.Limits[i] = NamespaceLimitRangeItem{
			Type:                 string(it.Type),
			Max:                  optionalQuantities(it.Max),
			Min:                  optionalQuantities(it.Min),
			Default:              optionalQuantities(it.Default),
			DefaultRequest:       optionalQuantities(it.DefaultRequest),
			MaxLimitRequestRatio: optionalQuantities(it.MaxLimitRequestRatio),
		}
	}
	return v
}

func optionalQuantities(l corev1.ResourceList) map[string]string {
	if len(l) == 0 {
		return nil
	}
	return quantities(l)
}
