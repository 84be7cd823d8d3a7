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

// SecretCreateBody is the body of a Secret create.
type SecretCreateBody struct {
	Name        string            `json:"name" minLength:"1" maxLength:"253" doc:"DNS subdomain"`
	Type        string            `json:"type,omitempty" maxLength:"253" doc:"Secret type; default Opaque"`
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
	Data        map[string][]byte `json:"data,omitempty" writeOnly:"true" doc:"Values, base64"`
	StringData  map[string]string `json:"stringData,omitempty" writeOnly:"true" doc:"Values as text; win over data for the same key"`
}

// SecretUpdateBody is the body of a Secret update: the new values replace
// the old ones (the type cannot change).
type SecretUpdateBody struct {
	ResourceVersion string            `json:"resourceVersion" minLength:"1" maxLength:"64" doc:"The resourceVersion the change is based on; a stale one gets 409"`
	Labels          map[string]string `json:"labels,omitempty" doc:"Replace the labels; absent keeps them"`
	Data            map[string][]byte `json:"data,omitempty" writeOnly:"true" doc:"Values, base64"`
	StringData      map[string]string `json:"stringData,omitempty" writeOnly:"true" doc:"Values as text; win over data for the same key"`
}

// CreateSecretInput creates a Secret.
type CreateSecretInput struct {
	operation.NamespaceParam
	Body SecretCreateBody
}

// UpdateSecretInput replaces a Secret's values.
type UpdateSecretInput struct {
	ObjectParams
	Body SecretUpdateBody
}

// GetSecretInput gets a Secret, with its values on request.
type GetSecretInput struct {
	ObjectParams
	RevealParams
}

// SecretOutput carries one Secret.
type SecretOutput struct {
	Body SecretDetail
}

func (h *handlers) registerSecrets(api huma.API) {
	kind := store.ConfigKindSecret
	p := func(verb string) auth.Permission { return perm(kind, verb) }

	operation.CachedList[*metav1.PartialObjectMetadata, SecretView]{Kind: kind, ID: "list-secrets", Summary: "List a namespace's Secrets (metadata only, from the cache)",
		Tags: tags, Permission: p(auth.VerbList), Views: func(c *multicluster.Cluster) func(*metav1.PartialObjectMetadata) SecretView {
			return func(m *metav1.PartialObjectMetadata) SecretView {
				return SecretView{ConfigObjectMeta: objectMeta(c.Name(), m)}
			}
		}}.RegisterNamespaced(api, &h.Kit)

	get := operation.GetOp(base(kind)+"/{name}", "get-secret",
		"Get a Secret's type, keys and sizes; its values with reveal=true (audited)", tags, p(auth.VerbGet))
	huma.Register(api, get, func(ctx context.Context, in *GetSecretInput) (*SecretOutput, error) {
		c, err := h.Cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		s, err := c.Kube.CoreV1().Secrets(in.Namespace).Get(ctx, in.Name, metav1.GetOptions{})
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		out := &SecretOutput{Body: secretDetail(in.Cluster, s)}
		if in.Reveal {
			if err := h.AuthorizeReveal(ctx, in.Scope()); err != nil {
				return nil, err
			}
			out.Body.Data, out.Body.Revealed = s.Data, true
		}
		return out, nil
	})

	create := operation.CreateOp(base(kind), "create-secret", "Create a Secret (recorded, sealed, as version 1 of its history)", tags, p(auth.VerbCreate))
	huma.Register(api, create, func(ctx context.Context, in *CreateSecretInput) (*SecretOutput, error) {
		b := in.Body
		details := append(validateName(b.Name), operation.ValidateLabels("body.labels", b.Labels)...)
		details = append(details, validateKeys("data", b.Data)...)
		details = append(details, validateKeys("stringData", b.StringData)...)
		created, err := secretKind.create(ctx, h, in.NamespaceParam, &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Name: b.Name, Namespace: in.Namespace, Labels: b.Labels, Annotations: b.Annotations},
			Type:       corev1.SecretType(b.Type), Data: b.Data, StringData: b.StringData}, details)
		if err != nil {
			return nil, err
		}
		return &SecretOutput{Body: secretDetail(in.Cluster, created)}, nil
	})

	update := operation.ReplaceOp(base(kind)+"/{name}", "update-secret",
		"Replace a Secret's values (and labels); a stale resourceVersion gets 409", tags, p(auth.VerbUpdate))
	huma.Register(api, update, func(ctx context.Context, in *UpdateSecretInput) (*SecretOutput, error) {
		b := in.Body
		details := append(operation.ValidateLabels("body.labels", b.Labels), validateKeys("data", b.Data)...)
		details = append(details, validateKeys("stringData", b.StringData)...)
		updated, err := secretKind.update(ctx, h, in.ObjectParams, b.ResourceVersion, details, func(s *corev1.Secret) {
			s.Data, s.StringData = b.Data, b.StringData
			if b.Labels != nil {
				s.Labels = b.Labels
			}
		})
		if err != nil {
			return nil, err
		}
		return &SecretOutput{Body: secretDetail(in.Cluster, updated)}, nil
	})

	h.registerDelete(api, secretKind.kind, "Delete a Secret (its last values are kept, sealed, as a version)", secretKind.delete)
}
