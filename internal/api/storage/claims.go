package storage

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/kubernetes"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
)

// PersistentVolumeClaimView is a claim as the API shows it.
type PersistentVolumeClaimView struct {
	Name             string            `json:"name"`
	Namespace        string            `json:"namespace"`
	Phase            string            `json:"phase" doc:"Pending, Bound or Lost"`
	StorageClassName string            `json:"storageClassName,omitempty"`
	AccessModes      []string          `json:"accessModes" nullable:"false"`
	Request          string            `json:"request" doc:"Requested size"`
	Capacity         string            `json:"capacity,omitempty" doc:"Size of the bound volume"`
	VolumeName       string            `json:"volumeName,omitempty"`
	Conditions       []string          `json:"conditions,omitempty" doc:"Types of the true conditions, e.g. Resizing, FileSystemResizePending"`
	Labels           map[string]string `json:"labels,omitempty"`
	CreatedAt        time.Time         `json:"createdAt"`
}

// PersistentVolumeClaimPod is a pod that mounts a claim.
type PersistentVolumeClaimPod struct {
	Name     string `json:"name"`
	Phase    string `json:"phase"`
	Node     string `json:"node,omitempty"`
	ReadOnly bool   `json:"readOnly"`
}

// PersistentVolumeClaimDetail is a claim with the pods that use it.
type PersistentVolumeClaimDetail struct {
	PersistentVolumeClaimView
	Pods []PersistentVolumeClaimPod `json:"pods" nullable:"false" doc:"Pods of the namespace whose volumes name this claim"`
}

// PersistentVolumeClaimDetailOutput is one claim with its pods.
type PersistentVolumeClaimDetailOutput struct {
	Body PersistentVolumeClaimDetail
}

// CreatePersistentVolumeClaimInput creates a claim.
type CreatePersistentVolumeClaimInput struct {
	operation.NamespaceParam
	Body struct {
		operation.NewObject
		StorageClassName *string  `json:"storageClassName,omitempty" doc:"Class to provision from; absent for the cluster's default class, empty for none"`
		AccessModes      []string `json:"accessModes,omitempty" doc:"ReadWriteOnce (the default), ReadOnlyMany, ReadWriteMany, ReadWriteOncePod"`
		Size             string   `json:"size" doc:"Requested size as a quantity, e.g. 10Gi"`
		VolumeName       string   `json:"volumeName,omitempty" doc:"Bind to this PersistentVolume"`
	}
}

// ExpandPersistentVolumeClaimInput asks for a larger claim.
type ExpandPersistentVolumeClaimInput struct {
	operation.NamespacedObjectInput
	Body struct {
		Size string `json:"size" doc:"The new size, larger than the current request"`
	}
}

// claims are the PersistentVolumeClaim endpoints.
var claims = operation.TypedKind[*corev1.PersistentVolumeClaim, PersistentVolumeClaimView]{Kind: "persistentvolumeclaims",
	Singular: "persistentvolumeclaim", Namespaced: true, Tags: tags, Resource: ResourcePersistentVolumeClaims, View: claimView,
	Client: func(k kubernetes.Interface, ns string) operation.TypedClient[*corev1.PersistentVolumeClaim] {
		return k.CoreV1().PersistentVolumeClaims(ns)
	}}

func registerClaims(api huma.API, d Deps) {
	claims.RegisterList(api, &d.Kit, "List the PersistentVolumeClaims of a namespace")

	huma.Register(api, claims.GetOp("Get a PersistentVolumeClaim with the pods that use it"),
		func(ctx context.Context, in *operation.NamespacedObjectInput) (*PersistentVolumeClaimDetailOutput, error) {
			o, c, err := operation.GetCached[*corev1.PersistentVolumeClaim](&d.Kit, in.Cluster, claims.Kind, in.Namespace, in.Name)
			if err != nil {
				return nil, err
			}
			pods, err := claimPods(c, in.Namespace, in.Name)
			if err != nil {
				return nil, operation.ClusterError(err)
			}
			return &PersistentVolumeClaimDetailOutput{Body: PersistentVolumeClaimDetail{
				PersistentVolumeClaimView: claimView(o), Pods: pods}}, nil
		})

	huma.Register(api, claims.CreateOp("Create a PersistentVolumeClaim"),
		func(ctx context.Context, in *CreatePersistentVolumeClaimInput) (*operation.ObjectOutput[PersistentVolumeClaimView], error) {
			pvc, details := buildClaim(in)
			return claims.Create(ctx, &d.Kit, in.Cluster, pvc, details)
		})

	expand := operation.New(http.MethodPost, claims.Path()+"/{name}/expand", "expand-persistentvolumeclaim",
		"Request a larger size for a bound PersistentVolumeClaim (its class must allow volume expansion)", tags,
		auth.Permission{Verb: auth.VerbUpdate, Resource: ResourcePersistentVolumeClaims})
	expand.Errors = append(expand.Errors, http.StatusNotFound, http.StatusConflict, http.StatusServiceUnavailable)
	huma.Register(api, expand, func(ctx context.Context, in *ExpandPersistentVolumeClaimInput) (*operation.ObjectOutput[PersistentVolumeClaimView], error) {
		size, details := storageSize("body.size", in.Body.Size)
		if len(details) > 0 {
			return nil, operation.ValidationFailed(details)
		}
		return claims.Replace(ctx, &d.Kit, in.Cluster, in.Namespace, in.Name, "", func(pvc *corev1.PersistentVolumeClaim) error {
			if now := pvc.Spec.Resources.Requests[corev1.ResourceStorage]; size.Cmp(now) <= 0 {
				return huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{Location: "body.size",
					Message: fmt.Sprintf("must be larger than the current request, %s", now.String()), Value: in.Body.Size})
			}
			if pvc.Spec.Resources.Requests == nil {
				pvc.Spec.Resources.Requests = corev1.ResourceList{}
			}
			pvc.Spec.Resources.Requests[corev1.ResourceStorage] = size
			return nil
		})
	})

	claims.RegisterDelete(api, &d.Kit, "Delete a PersistentVolumeClaim")
}

// buildClaim checks the request and returns the claim it describes.
func buildClaim(in *CreatePersistentVolumeClaimInput) (*corev1.PersistentVolumeClaim, []error) {
	b := in.Body
	details := b.Check()
	size, errs := storageSize("body.size", b.Size)
	details = append(details, errs...)
	if len(b.AccessModes) == 0 {
		b.AccessModes = []string{string(corev1.ReadWriteOnce)}
	}
	modes, errs := accessModes("body.accessModes", b.AccessModes)
	details = append(details, errs...)
	if b.StorageClassName != nil && *b.StorageClassName != "" {
		details = append(details, operation.Invalid("body.storageClassName", *b.StorageClassName, validation.IsDNS1123Subdomain(*b.StorageClassName))...)
	}
	if b.VolumeName != "" {
		details = append(details, operation.Invalid("body.volumeName", b.VolumeName, validation.IsDNS1123Subdomain(b.VolumeName))...)
	}
	return &corev1.PersistentVolumeClaim{
		ObjectMeta: b.Meta(in.Namespace),
		Spec: corev1.PersistentVolumeClaimSpec{
			StorageClassName: b.StorageClassName,
			AccessModes:      modes,
			Resources:        corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: size}},
			VolumeName:       b.VolumeName,
		},
	}, details
}

// claimPods lists the pods of namespace whose volumes name claim, in one
// pass over the namespace's cached pods.
func claimPods(c *multicluster.Cluster, namespace, claim string) ([]PersistentVolumeClaimPod, error) {
	page, err := c.List("pods", multicluster.Query{Namespace: namespace})
	if err != nil {
		return nil, fmt.Errorf("list pods of %s: %w", namespace, err)
	}
	pods := []PersistentVolumeClaimPod{}
	for _, o := range page.Items {
		p := o.(*corev1.Pod)
		for _, v := range p.Spec.Volumes {
			if v.PersistentVolumeClaim != nil && v.PersistentVolumeClaim.ClaimName == claim {
				pods = append(pods, PersistentVolumeClaimPod{Name: p.Name, Phase: string(p.Status.Phase), Node: p.Spec.NodeName,
					ReadOnly: v.PersistentVolumeClaim.ReadOnly})
				break
			}
		}
	}
	return pods, nil
}

func claimView(pvc *corev1.PersistentVolumeClaim) PersistentVolumeClaimView {
	v := PersistentVolumeClaimView{
		Name: pvc.Name, Namespace: pvc.Namespace, Phase: string(pvc.Status.Phase), AccessModes: modeNames(pvc.Spec.AccessModes),
		VolumeName: pvc.Spec.VolumeName, Labels: pvc.Labels, CreatedAt: pvc.CreationTimestamp.Time,
	}
	if pvc.Spec.StorageClassName != nil {
		v.StorageClassName = *pvc.Spec.StorageClassName
	}
	if q, ok := pvc.Spec.Resources.Requests[corev1.ResourceStorage]; ok {
		v.Request = q.String()
	}
	if q, ok := pvc.Status.Capacity[corev1.ResourceStorage]; ok {
		v.Capacity = q.String()
	}
	for _, c := range pvc.Status.Conditions {
		if c.Status == corev1.ConditionTrue {
			v.Conditions = append(v.Conditions, string(c.Type))
		}
	}
	return v
}
