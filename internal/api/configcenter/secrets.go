package configcenter

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/confighistory"
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
	NamespaceParams
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

// SecretListOutput is one page of Secrets.
type SecretListOutput struct {
	Body operation.ClusterList[SecretView]
}

// SecretOutput carries one Secret.
type SecretOutput struct {
	Body SecretDetail
}

func (h *handlers) registerSecrets(api huma.API) {
	kind := store.ConfigKindSecret
	p := func(verb string) auth.Permission { return perm(kind, verb) }

	list := operation.New(http.MethodGet, base(kind), "list-secrets", "List a namespace's Secrets (metadata only, from the cache)", tags, p(auth.VerbList))
	list.Errors = append(list.Errors, http.StatusBadRequest, http.StatusNotFound, http.StatusServiceUnavailable)
	huma.Register(api, list, func(ctx context.Context, in *ListConfigInput) (*SecretListOutput, error) {
		c, err := h.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		page, err := c.List(kind, in.Query(in.Namespace))
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		return &SecretListOutput{Body: operation.Views(page, func(m *metav1.PartialObjectMetadata) SecretView {
			return SecretView{ConfigObjectMeta: objectMeta(in.Cluster, m)}
		})}, nil
	})

	get := operation.New(http.MethodGet, base(kind)+"/{name}", "get-secret",
		"Get a Secret's type, keys and sizes; its values with reveal=true (audited)", tags, p(auth.VerbGet))
	get.Errors = append(get.Errors, http.StatusNotFound, http.StatusServiceUnavailable)
	huma.Register(api, get, func(ctx context.Context, in *GetSecretInput) (*SecretOutput, error) {
		c, err := h.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		s, err := c.Kube.CoreV1().Secrets(in.Namespace).Get(ctx, in.Name, metav1.GetOptions{})
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		out := &SecretOutput{Body: secretDetail(in.Cluster, s)}
		if in.Reveal {
			if err := h.authorizeReveal(ctx, in.NamespaceParams, &in.RevealParams); err != nil {
				return nil, err
			}
			out.Body.Data, out.Body.Revealed = s.Data, true
		}
		return out, nil
	})

	create := operation.New(http.MethodPost, base(kind), "create-secret", "Create a Secret (recorded, sealed, as version 1 of its history)", tags, p(auth.VerbCreate))
	create.DefaultStatus = http.StatusCreated
	create.Errors = append(create.Errors, http.StatusNotFound, http.StatusConflict, http.StatusServiceUnavailable)
	huma.Register(api, create, func(ctx context.Context, in *CreateSecretInput) (*SecretOutput, error) {
		b := in.Body
		details := append(validateName(b.Name), validateLabels(b.Labels)...)
		details = append(details, validateKeys("data", b.Data)...)
		details = append(details, validateKeys("stringData", b.StringData)...)
		if len(details) > 0 {
			return nil, invalidInput(details)
		}
		c, err := h.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: b.Name, Namespace: in.Namespace, Labels: b.Labels, Annotations: b.Annotations},
			Type: corev1.SecretType(b.Type), Data: b.Data, StringData: b.StringData}
		created, err := c.Kube.CoreV1().Secrets(in.Namespace).Create(ctx, s, metav1.CreateOptions{FieldManager: fieldManager})
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		obj := store.ConfigObject{Cluster: in.Cluster, Namespace: in.Namespace, Kind: kind, Name: b.Name}
		if _, err := h.record(ctx, secretChange(obj, store.ConfigCreated, 0, created)); err != nil {
			return nil, err
		}
		return &SecretOutput{Body: secretDetail(in.Cluster, created)}, nil
	})

	update := operation.New(http.MethodPut, base(kind)+"/{name}", "update-secret",
		"Replace a Secret's values (and labels); a stale resourceVersion gets 409", tags, p(auth.VerbUpdate))
	update.Errors = append(update.Errors, http.StatusNotFound, http.StatusConflict, http.StatusServiceUnavailable)
	huma.Register(api, update, func(ctx context.Context, in *UpdateSecretInput) (*SecretOutput, error) {
		b := in.Body
		details := append(validateLabels(b.Labels), validateKeys("data", b.Data)...)
		details = append(details, validateKeys("stringData", b.StringData)...)
		if len(details) > 0 {
			return nil, invalidInput(details)
		}
		c, err := h.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		updated, err := writeSecret(ctx, c, in.ObjectParams, b.ResourceVersion, func(s *corev1.Secret) {
			s.Data, s.StringData = b.Data, b.StringData
			if b.Labels != nil {
				s.Labels = b.Labels
			}
		})
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		if _, err := h.record(ctx, secretChange(object(in.ObjectParams, kind), store.ConfigUpdated, 0, updated)); err != nil {
			return nil, err
		}
		return &SecretOutput{Body: secretDetail(in.Cluster, updated)}, nil
	})

	del := operation.New(http.MethodDelete, base(kind)+"/{name}", "delete-secret",
		"Delete a Secret (its last values are kept, sealed, as a version)", tags, p(auth.VerbDelete))
	del.DefaultStatus = http.StatusNoContent
	del.Errors = append(del.Errors, http.StatusNotFound, http.StatusConflict, http.StatusServiceUnavailable)
	huma.Register(api, del, func(ctx context.Context, in *DeleteConfigInput) (*struct{}, error) {
		c, err := h.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		client := c.Kube.CoreV1().Secrets(in.Namespace)
		live, err := client.Get(ctx, in.Name, metav1.GetOptions{})
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		rv := live.ResourceVersion
		if in.ResourceVersion != "" {
			rv = in.ResourceVersion
		}
		// The precondition makes what is recorded exactly what was deleted.
		if err := client.Delete(ctx, in.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{ResourceVersion: &rv}}); err != nil {
			return nil, operation.ClusterError(err)
		}
		_, err = h.record(ctx, secretChange(object(in.ObjectParams, kind), store.ConfigDeleted, 0, live))
		return nil, err
	})
}

func secretChange(obj store.ConfigObject, change string, rollbackOf int, s *corev1.Secret) confighistory.Change {
	return confighistory.Change{Object: obj, Type: change, RollbackOf: rollbackOf, ResourceVersion: s.ResourceVersion,
		Content: confighistory.OfSecret(s)}
}

// writeSecret reads the live Secret, applies change and writes it back at
// resourceVersion rv (the live one when rv is empty): the API server
// refuses a stale one with 409. Errors are the API server's.
func writeSecret(ctx context.Context, c *multicluster.Cluster, in ObjectParams, rv string, change func(*corev1.Secret)) (*corev1.Secret, error) {
	client := c.Kube.CoreV1().Secrets(in.Namespace)
	s, err := client.Get(ctx, in.Name, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	if rv != "" {
		s.ResourceVersion = rv
	}
	change(s)
	return client.Update(ctx, s, metav1.UpdateOptions{FieldManager: fieldManager})
}

// rollbackSecret writes a version's values back over the live Secret, or
// re-creates the Secret (with the version's type and labels) if it is
// gone. Errors are the API server's.
func rollbackSecret(ctx context.Context, c *multicluster.Cluster, in ObjectParams, snap confighistory.Snapshot) (*corev1.Secret, error) {
	updated, err := writeSecret(ctx, c, in, "", func(s *corev1.Secret) { s.Data, s.StringData = snap.SecretData, nil })
	if !apierrors.IsNotFound(err) {
		return updated, err
	}
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: in.Name, Namespace: in.Namespace, Labels: snap.Labels},
		Type: snap.Type, Data: snap.SecretData}
	return c.Kube.CoreV1().Secrets(in.Namespace).Create(ctx, s, metav1.CreateOptions{FieldManager: fieldManager})
}
