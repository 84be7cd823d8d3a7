package namespaces

import (
	"context"
	"fmt"
	"time"

	"github.com/danielgtaylor/huma/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
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

// LimitRangeInput names a LimitRange.
type LimitRangeInput struct {
	operation.NamespaceParam
	Name string `path:"name" maxLength:"253" doc:"LimitRange name"`
}

// LimitRangeSpecBody is what a LimitRange sets.
type LimitRangeSpecBody struct {
	Limits []NamespaceLimitRangeItem `json:"limits" minItems:"1"`
}

// CreateLimitRangeInput creates a LimitRange.
type CreateLimitRangeInput struct {
	operation.NamespaceParam
	Body struct {
		Name   string            `json:"name" maxLength:"253" doc:"A DNS subdomain name"`
		Labels map[string]string `json:"labels,omitempty"`
		LimitRangeSpecBody
	}
}

// UpdateLimitRangeInput replaces the limits of a LimitRange.
type UpdateLimitRangeInput struct {
	LimitRangeInput
	Body LimitRangeSpecBody
}

// LimitRangeOutput is one LimitRange.
type LimitRangeOutput struct {
	Body NamespaceLimitRange
}

func registerLimitRanges(api huma.API, d Deps) {
	perm := func(verb string) auth.Permission { return auth.Permission{Verb: verb, Resource: ResourceLimitRanges} }
	path := basePath + "/{namespace}/limitranges"

	operation.CachedList[*corev1.LimitRange, NamespaceLimitRange]{Kind: "limitranges", ID: "list-limitranges",
		Summary: "List the LimitRanges of a namespace", Tags: limitTags, Permission: perm(auth.VerbList),
		Views: operation.Static(limitRangeView)}.RegisterNamespaced(api, &d.Kit)

	get := operation.GetOp(path+"/{name}", "get-limitrange", "Get a LimitRange", limitTags, perm(auth.VerbGet))
	huma.Register(api, get, func(ctx context.Context, in *LimitRangeInput) (*LimitRangeOutput, error) {
		o, _, err := operation.GetCached[*corev1.LimitRange](&d.Kit, in.Cluster, "limitranges", in.Namespace, in.Name)
		if err != nil {
			return nil, err
		}
		return &LimitRangeOutput{Body: limitRangeView(o)}, nil
	})

	create := operation.CreateOp(path, "create-limitrange", "Create a LimitRange", limitTags, perm(auth.VerbCreate))
	huma.Register(api, create, func(ctx context.Context, in *CreateLimitRangeInput) (*LimitRangeOutput, error) {
		b := in.Body
		details := operation.Invalid("body.name", b.Name, validation.IsDNS1123Subdomain(b.Name))
		details = append(details, operation.ValidateLabelEdits(pointers(b.Labels), nil)...)
		limits, bad := limitItems(b.Limits)
		details = append(details, bad...)
		if len(details) > 0 {
			return nil, operation.ValidationFailed(details)
		}
		c, err := d.Cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		lr := &corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{Name: b.Name, Namespace: in.Namespace, Labels: b.Labels}}
		lr.Spec.Limits = limits
		lr, err = c.Kube.CoreV1().LimitRanges(in.Namespace).Create(ctx, lr, metav1.CreateOptions{})
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		return &LimitRangeOutput{Body: limitRangeView(lr)}, nil
	})

	update := operation.ReplaceOp(path+"/{name}", "update-limitrange", "Replace the limits of a LimitRange", limitTags, perm(auth.VerbUpdate))
	huma.Register(api, update, func(ctx context.Context, in *UpdateLimitRangeInput) (*LimitRangeOutput, error) {
		limits, details := limitItems(in.Body.Limits)
		if len(details) > 0 {
			return nil, operation.ValidationFailed(details)
		}
		c, err := d.Cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		client := c.Kube.CoreV1().LimitRanges(in.Namespace)
		var lr *corev1.LimitRange
		err = retry.RetryOnConflict(retry.DefaultRetry, func() error {
			cur, err := client.Get(ctx, in.Name, metav1.GetOptions{})
			if err != nil {
				return err
			}
			cur.Spec.Limits = limits
			lr, err = client.Update(ctx, cur, metav1.UpdateOptions{})
			return err
		})
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		return &LimitRangeOutput{Body: limitRangeView(lr)}, nil
	})

	del := operation.DeleteOp(path+"/{name}", "delete-limitrange", "Delete a LimitRange", limitTags, perm(auth.VerbDelete))
	huma.Register(api, del, func(ctx context.Context, in *LimitRangeInput) (*struct{}, error) {
		return nil, d.Delete(ctx, in.Cluster, in.Name, metav1.DeleteOptions{},
			func(k kubernetes.Interface) operation.Deleter { return k.CoreV1().LimitRanges(in.Namespace) })
	})
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
