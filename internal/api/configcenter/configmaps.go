package configcenter

import (
	"context"

	"github.com/danielgtaylor/huma/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// ConfigMapCreateBody is the body of a ConfigMap create.
type ConfigMapCreateBody struct {
	Name        string            `json:"name" minLength:"1" maxLength:"253" doc:"DNS subdomain"`
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
	Data        map[string]string `json:"data,omitempty"`
	BinaryData  map[string][]byte `json:"binaryData,omitempty" doc:"base64"`
}

// ConfigMapUpdateBody is the body of a ConfigMap update: the new data
// replaces the old.
type ConfigMapUpdateBody struct {
	ResourceVersion string            `json:"resourceVersion" minLength:"1" maxLength:"64" doc:"The resourceVersion the change is based on; a stale one gets 409"`
	Labels          map[string]string `json:"labels,omitempty" doc:"Replace the labels; absent keeps them"`
	Data            map[string]string `json:"data,omitempty"`
	BinaryData      map[string][]byte `json:"binaryData,omitempty" doc:"base64"`
}

// CreateConfigMapInput creates a ConfigMap.
type CreateConfigMapInput struct {
	operation.NamespaceParam
	Body ConfigMapCreateBody
}

// UpdateConfigMapInput replaces a ConfigMap's data.
type UpdateConfigMapInput struct {
	ObjectParams
	Body ConfigMapUpdateBody
}

// ConfigMapOutput carries one ConfigMap.
type ConfigMapOutput struct {
	Body ConfigMapDetail
}

func (h *handlers) registerConfigMaps(api huma.API) {
	kind := store.ConfigKindConfigMap
	p := func(verb string) auth.Permission { return perm(kind, verb) }

	operation.CachedList[*corev1.ConfigMap, ConfigMapView]{Kind: kind, ID: "list-configmaps", Summary: "List a namespace's ConfigMaps (from the cache)",
		Tags: tags, Permission: p(auth.VerbList), Views: func(c *multicluster.Cluster) func(*corev1.ConfigMap) ConfigMapView {
			return func(cm *corev1.ConfigMap) ConfigMapView { return configMapView(c.Name(), cm) }
		}}.RegisterNamespaced(api, &h.Kit)

	get := operation.GetOp(base(kind)+"/{name}", "get-configmap", "Get a ConfigMap with its data (from the cache)", tags, p(auth.VerbGet))
	huma.Register(api, get, func(ctx context.Context, in *ObjectParams) (*ConfigMapOutput, error) {
		cm, _, err := operation.GetCached[*corev1.ConfigMap](&h.Kit, in.Cluster, kind, in.Namespace, in.Name)
		if err != nil {
			return nil, err
		}
		return &ConfigMapOutput{Body: configMapDetail(in.Cluster, cm)}, nil
	})

	create := operation.CreateOp(base(kind), "create-configmap", "Create a ConfigMap (recorded as version 1 of its history)", tags, p(auth.VerbCreate))
	huma.Register(api, create, func(ctx context.Context, in *CreateConfigMapInput) (*ConfigMapOutput, error) {
		b := in.Body
		details := append(validateName(b.Name), operation.ValidateLabels("body.labels", b.Labels)...)
		details = append(details, validateKeys("data", b.Data)...)
		details = append(details, validateKeys("binaryData", b.BinaryData)...)
		details = append(details, validateDisjoint("binaryData", b.Data, b.BinaryData)...)
		created, err := configMapKind.create(ctx, h, in.NamespaceParam, &corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Name: b.Name, Namespace: in.Namespace, Labels: b.Labels, Annotations: b.Annotations},
			Data:       b.Data, BinaryData: b.BinaryData}, details)
		if err != nil {
			return nil, err
		}
		return &ConfigMapOutput{Body: configMapDetail(in.Cluster, created)}, nil
	})

	update := operation.ReplaceOp(base(kind)+"/{name}", "update-configmap",
		"Replace a ConfigMap's data (and labels); a stale resourceVersion gets 409", tags, p(auth.VerbUpdate))
	huma.Register(api, update, func(ctx context.Context, in *UpdateConfigMapInput) (*ConfigMapOutput, error) {
		b := in.Body
		details := append(operation.ValidateLabels("body.labels", b.Labels), validateKeys("data", b.Data)...)
		details = append(details, validateKeys("binaryData", b.BinaryData)...)
		details = append(details, validateDisjoint("binaryData", b.Data, b.BinaryData)...)
		updated, err := configMapKind.update(ctx, h, in.ObjectParams, b.ResourceVersion, details, func(cm *corev1.ConfigMap) {
			cm.Data, cm.BinaryData = b.Data, b.BinaryData
			if b.Labels != nil {
				cm.Labels = b.Labels
			}
		})
		if err != nil {
			return nil, err
		}
		return &ConfigMapOutput{Body: configMapDetail(in.Cluster, updated)}, nil
	})

	h.registerDelete(api, configMapKind.kind, "Delete a ConfigMap (its last data is kept as a version)", configMapKind.delete)
}
