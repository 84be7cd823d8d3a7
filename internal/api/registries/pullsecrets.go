package registries

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/clusterrbac"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// PullSecretBody attaches a registry to a namespace or a project.
type PullSecretBody struct {
	Cluster    string `json:"cluster,omitempty" maxLength:"63" doc:"Global registries: the cluster; a project's registry: its project's cluster (the default)"`
	Project    string `json:"project,omitempty" maxLength:"63" doc:"Every namespace of this project, including ones added later (a project's registry: its own project, the default)"`
	Namespace  string `json:"namespace,omitempty" maxLength:"63" doc:"One namespace (in the project, for a project's registry)"`
	SecretName string `json:"secretName,omitempty" maxLength:"253" doc:"Name of the Secret; default <registry>-pull"`
}

// PullSecretStatus is how a target's Secret stands in one namespace.
type PullSecretStatus struct {
	Namespace string     `json:"namespace"`
	WrittenAt *time.Time `json:"writtenAt,omitempty" doc:"When the Secret was last written"`
	ExpiresAt *time.Time `json:"expiresAt,omitempty" doc:"When the login in it expires (renewed before); absent: it does not"`
	Error     string     `json:"error,omitempty" doc:"Why the Secret is not in step"`
}

// PullSecret is a target and its status per namespace.
type PullSecret struct {
	ID         uint64             `json:"id"`
	Cluster    string             `json:"cluster"`
	Project    string             `json:"project,omitempty"`
	Namespace  string             `json:"namespace,omitempty"`
	SecretName string             `json:"secretName"`
	CreatedBy  string             `json:"createdBy,omitempty"`
	CreatedAt  time.Time          `json:"createdAt"`
	Status     []PullSecretStatus `json:"status" nullable:"false" doc:"Per namespace; empty until the keeper first ran"`
}

// PullSecretInput attaches a registry.
type PullSecretInput struct {
	NameParam
	Body PullSecretBody
}

// PullSecretIDParam names a target.
type PullSecretIDParam struct {
	NameParam
	ID uint64 `path:"id" doc:"Target id"`
}

// PullSecretOutput is one target.
type PullSecretOutput struct{ Body PullSecret }

// PullSecretListOutput lists a registry's targets.
type PullSecretListOutput struct {
	Body struct {
		Items []PullSecret `json:"items" nullable:"false"`
	}
}

func (h *handlers) registerPullSecrets(api huma.API) {
	list := operation.New(http.MethodGet, "/registries/{registry}/pullsecrets", "list-pull-secrets",
		"List where the registry's pull secret is kept, with when each was written, when it expires, or why it is not in step", tags, perm(auth.VerbGet))
	list.Errors = append(list.Errors, http.StatusNotFound)
	operation.RegisterScoped(api, list, h.listPullSecrets)

	add := operation.New(http.MethodPost, "/registries/{registry}/pullsecrets", "add-pull-secret",
		"Keep a pull secret for the registry in a namespace, or in every namespace of a project", tags, perm(auth.VerbUpdate))
	add.Description = "Wheelhouse writes a kubernetes.io/dockerconfigjson Secret there and keeps it in step: on credential " +
		"rotation, before short-lived logins expire (ECR, ACR, TCR), and after someone changes or deletes it. A project's " +
		"registry can be attached within its project only."
	add.DefaultStatus = http.StatusCreated
	add.Errors = append(add.Errors, http.StatusNotFound)
	operation.RegisterScoped(api, add, h.addPullSecret)

	del := operation.New(http.MethodDelete, "/registries/{registry}/pullsecrets/{id}", "remove-pull-secret",
		"Stop keeping a pull secret (its Secrets are removed from the cluster)", tags, perm(auth.VerbUpdate))
	del.DefaultStatus = http.StatusNoContent
	del.Errors = append(del.Errors, http.StatusNotFound)
	operation.RegisterScoped(api, del, h.removePullSecret)
}

func (h *handlers) listPullSecrets(ctx context.Context, in *NameParam) (*PullSecretListOutput, error) {
	reg, err := h.find(ctx, *in)
	if err != nil {
		return nil, err
	}
	targets, err := h.Store.PullSecrets().ForRegistry(ctx, reg.ID)
	if err != nil {
		return nil, err
	}
	ids := make([]uint64, 0, len(targets))
	for _, t := range targets {
		ids = append(ids, t.ID)
	}
	statuses, err := h.Store.PullSecrets().Statuses(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := &PullSecretListOutput{}
	out.Body.Items = []PullSecret{}
	for _, t := range targets {
		out.Body.Items = append(out.Body.Items, pullSecretView(t, statuses[t.ID]))
	}
	return out, nil
}

func pullSecretView(t store.PullSecretTarget, sts []store.PullSecretStatus) PullSecret {
	p := PullSecret{ID: t.ID, Cluster: t.Cluster, Project: t.Project, Namespace: t.Namespace, SecretName: t.SecretName,
		CreatedBy: t.CreatedBy, CreatedAt: t.CreatedAt, Status: []PullSecretStatus{}}
	for _, s := range sts {
		p.Status = append(p.Status, PullSecretStatus{Namespace: s.Namespace, WrittenAt: s.WrittenAt, ExpiresAt: s.ExpiresAt, Error: s.Error})
	}
	return p
}

func detail(loc, msg, value string) error {
	return &huma.ErrorDetail{Location: loc, Message: msg, Value: value}
}

// checkTarget validates b for reg and fills in the defaults; it returns
// the target to store.
func (h *handlers) checkTarget(ctx context.Context, reg *store.Registry, b PullSecretBody) (*store.PullSecretTarget, error) {
	var details []error
	t := &store.PullSecretTarget{RegistryID: reg.ID, Cluster: b.Cluster, Project: b.Project, Namespace: b.Namespace, SecretName: b.SecretName,
		CreatedBy: auth.PrincipalFrom(ctx).Username}
	if t.SecretName == "" {
		t.SecretName = reg.Name + "-pull"
	}
	for _, p := range validation.IsDNS1123Subdomain(t.SecretName) {
		details = append(details, detail("body.secretName", p, t.SecretName))
	}
	if !reg.IsGlobal() {
		switch {
		case t.Cluster != "" && t.Cluster != reg.Cluster:
			details = append(details, detail("body.cluster", "a project's registry is attached in its project's cluster, "+reg.Cluster, t.Cluster))
		case t.Project != "" && t.Project != reg.Project:
			details = append(details, detail("body.project", "a project's registry is attached in its own project, "+reg.Project, t.Project))
		}
		t.Cluster, t.Project = reg.Cluster, reg.Project
	} else {
		if t.Cluster == "" {
			details = append(details, detail("body.cluster", "required", ""))
		}
		if (t.Project == "") == (t.Namespace == "") {
			details = append(details, detail("body.namespace", "give exactly one of project and namespace", t.Namespace))
		}
	}
	if t.Namespace != "" {
		for _, p := range validation.IsDNS1123Label(t.Namespace) {
			details = append(details, detail("body.namespace", p, t.Namespace))
		}
	}
	if len(details) > 0 {
		return nil, operation.ValidationFailed(details)
	}
	if _, err := h.Clusters.Get(t.Cluster); err != nil {
		return nil, operation.ValidationFailed([]error{detail("body.cluster", "no such cluster", t.Cluster)})
	}
	if t.Project != "" {
		if _, err := h.Store.Projects().Get(ctx, t.Cluster, t.Project); errors.Is(err, store.ErrNotFound) {
			return nil, operation.ValidationFailed([]error{detail("body.project", "no such project in cluster "+t.Cluster, t.Project)})
		} else if err != nil {
			return nil, err
		}
	}
	if t.Namespace != "" && t.Project != "" {
		// A project's registry reaches only namespaces of its project.
		c, err := h.Cluster(t.Cluster)
		if err != nil {
			return nil, err
		}
		obj, err := c.Get("namespaces", "", t.Namespace)
		if err != nil || obj.(*corev1.Namespace).Labels[clusterrbac.ProjectLabel] != t.Project {
			return nil, operation.ValidationFailed([]error{detail("body.namespace", "not a namespace of project "+t.Project, t.Namespace)})
		}
	}
	return t, nil
}

func (h *handlers) addPullSecret(ctx context.Context, in *PullSecretInput) (*PullSecretOutput, error) {
	reg, err := h.find(ctx, in.NameParam)
	if err != nil {
		return nil, err
	}
	t, err := h.checkTarget(ctx, reg, in.Body)
	if err != nil {
		return nil, err
	}
	if err := h.Store.PullSecrets().Create(ctx, t); err != nil {
		return nil, err
	}
	h.Keeper.Changed(t.Cluster)
	return &PullSecretOutput{Body: pullSecretView(*t, nil)}, nil
}

func (h *handlers) removePullSecret(ctx context.Context, in *PullSecretIDParam) (*struct{}, error) {
	reg, err := h.find(ctx, in.NameParam)
	if err != nil {
		return nil, err
	}
	t, err := h.Store.PullSecrets().Get(ctx, reg.ID, in.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, huma.Error404NotFound(fmt.Sprintf("registry %s has no pull secret target %d", reg.Name, in.ID))
	}
	if err != nil {
		return nil, err
	}
	if err := h.Store.PullSecrets().Delete(ctx, reg.ID, in.ID); err != nil {
		return nil, err
	}
	h.Keeper.Changed(t.Cluster)
	return nil, nil
}
