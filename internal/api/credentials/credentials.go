// Package credentials serves the credentials the platform keeps for its
// users: registry logins, git tokens and SSH keys, cloud access keys and
// kubeconfigs, global (admins') or a project's (managed by its owners,
// used by its members). Secret fields are written, never read back:
// responses say which fields are set and when each last changed. A
// credential in use (by a registry or a chart repository) cannot be
// deleted; the 409 lists what uses it, as GET .../usages does. Changing its
// fields (rotation) reaches everything that uses it (pull secrets are
// rewritten).
package credentials

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	creds "github.com/wheelhouse-dev/wheelhouse/internal/credentials"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// Deps are what the credential endpoints need.
type Deps struct {
	operation.Kit
	Store       *store.Store
	Credentials *creds.Service
}

var tags = []string{"Credentials"}

func perm(verb string) auth.Permission {
	return auth.Permission{Verb: verb, Resource: auth.ResourceCredentials}
}

// CredentialField is one field of a credential as responses show it.
type CredentialField struct {
	Name   string `json:"name"`
	Secret bool   `json:"secret" doc:"Secret fields are never returned"`
	Set    bool   `json:"set"`
	// Value is a public field's value.
	Value     string     `json:"value,omitempty" doc:"The value of a field that is not secret"`
	ChangedAt *time.Time `json:"changedAt,omitempty" doc:"When a secret field was last set"`
}

// Credential is a credential as responses show it.
type Credential struct {
	ID          uint64            `json:"id"`
	Name        string            `json:"name"`
	Type        string            `json:"type" enum:"registry,git-token,ssh-key,alibaba,tencent,aws,kubeconfig,oauth-client"`
	Description string            `json:"description,omitempty"`
	Cluster     string            `json:"cluster,omitempty" doc:"The project's cluster; absent for a global credential"`
	Project     string            `json:"project,omitempty"`
	Fields      []CredentialField `json:"fields" nullable:"false"`
	CreatedBy   string            `json:"createdBy,omitempty"`
	CreatedAt   time.Time         `json:"createdAt"`
	UpdatedAt   time.Time         `json:"updatedAt"`
}

func view(rec *store.CredentialRecord) Credential {
	c := Credential{ID: rec.ID, Name: rec.Name, Type: rec.Type, Description: rec.Description, Cluster: rec.Cluster, Project: rec.Project,
		Fields: []CredentialField{}, CreatedBy: rec.CreatedBy, CreatedAt: rec.CreatedAt, UpdatedAt: rec.UpdatedAt}
	for _, f := range creds.Types[rec.Type] {
		v := CredentialField{Name: f.Name, Secret: f.Secret}
		if f.Secret {
			if t, ok := rec.FieldsChanged[f.Name]; ok {
				v.Set, v.ChangedAt = true, &t
			}
		} else if val, ok := rec.Public[f.Name]; ok {
			v.Set, v.Value = true, val
		}
		c.Fields = append(c.Fields, v)
	}
	return c
}

// CredentialCreateBody creates a credential.
type CredentialCreateBody struct {
	Name        string            `json:"name" minLength:"1" maxLength:"63" doc:"DNS label, unique in the scope"`
	Type        string            `json:"type" doc:"registry (username, password), git-token (username, token), ssh-key (username, privateKey, passphrase, knownHosts), alibaba (accessKeyId, accessKeySecret), tencent (secretId, secretKey), aws (accessKeyId, secretAccessKey, sessionToken, roleArn), kubeconfig (kubeconfig), oauth-client (clientSecret: a forge's OAuth application)"`
	Description string            `json:"description,omitempty" maxLength:"1024"`
	Fields      map[string]string `json:"fields" doc:"The type's fields; secret ones are sealed and never returned"`
}

// CredentialUpdateBody changes a credential: a field given replaces its value (a
// rotation when secret), an empty one clears an optional field.
type CredentialUpdateBody struct {
	Description *string           `json:"description,omitempty" maxLength:"1024"`
	Fields      map[string]string `json:"fields,omitempty" doc:"Fields to set; absent ones keep their value"`
}

// IDParam names a credential.
type IDParam struct {
	operation.ScopeParam
	ID uint64 `path:"id" doc:"Credential id"`
}

// ListInput lists credentials.
type ListInput struct {
	operation.ScopeParam
	operation.ListParams
	Name string `query:"name" maxLength:"63" doc:"Keep credentials whose name contains this"`
}

// CreateInput creates a credential.
type CreateInput struct {
	operation.ScopeParam
	Body CredentialCreateBody
}

// UpdateInput changes a credential.
type UpdateInput struct {
	IDParam
	Body CredentialUpdateBody
}

// Output is one credential.
type Output struct{ Body Credential }

// ListOutput is a page of credentials.
type ListOutput struct{ Body operation.List[Credential] }

// CredentialUsage is a record that uses a credential.
type CredentialUsage struct {
	Kind    string `json:"kind" doc:"registry or chartRepository"`
	Name    string `json:"name"`
	Cluster string `json:"cluster,omitempty"`
	Project string `json:"project,omitempty"`
	Field   string `json:"field" doc:"How it refers to the credential: credentialId or pullCredentialId"`
}

// UsagesOutput lists what uses a credential.
type UsagesOutput struct {
	Body struct {
		Items []CredentialUsage `json:"items" nullable:"false"`
	}
}

func usages(us []store.Usage) []CredentialUsage {
	out := []CredentialUsage{}
	for _, u := range us {
		out = append(out, CredentialUsage{Kind: u.Kind, Name: u.Name, Cluster: u.Scope.Cluster, Project: u.Scope.Project, Field: u.Field})
	}
	return out
}

type handlers struct{ Deps }

// Register adds the credential endpoints to api, global and per project.
func Register(api huma.API, d Deps) {
	h := &handlers{d}

	list := operation.New(http.MethodGet, "/credentials", "list-credentials", "List credentials (never their secrets)", tags, perm(auth.VerbList))
	list.Errors = append(list.Errors, http.StatusBadRequest, http.StatusNotFound)
	operation.RegisterScoped(api, list, h.list)

	create := operation.New(http.MethodPost, "/credentials", "create-credential", "Store a credential, its secret fields sealed", tags, perm(auth.VerbCreate))
	create.DefaultStatus = http.StatusCreated
	create.Errors = append(create.Errors, http.StatusNotFound, http.StatusConflict)
	operation.RegisterScoped(api, create, h.create)

	get := operation.New(http.MethodGet, "/credentials/{id}", "get-credential", "Get a credential: which fields are set and when they changed", tags, perm(auth.VerbGet))
	get.Errors = append(get.Errors, http.StatusNotFound)
	operation.RegisterScoped(api, get, h.get)

	update := operation.New(http.MethodPatch, "/credentials/{id}", "update-credential",
		"Change a credential's description or fields; new secret values rotate it everywhere it is used", tags, perm(auth.VerbUpdate))
	update.Errors = append(update.Errors, http.StatusNotFound)
	operation.RegisterScoped(api, update, h.update)

	del := operation.New(http.MethodDelete, "/credentials/{id}", "delete-credential", "Delete a credential nothing uses (409 listing what does)", tags, perm(auth.VerbDelete))
	del.DefaultStatus = http.StatusNoContent
	del.Errors = append(del.Errors, http.StatusNotFound, http.StatusConflict)
	operation.RegisterScoped(api, del, h.delete)

	use := operation.New(http.MethodGet, "/credentials/{id}/usages", "list-credential-usages", "List what uses a credential", tags, perm(auth.VerbGet))
	use.Errors = append(use.Errors, http.StatusNotFound)
	operation.RegisterScoped(api, use, h.usages)
}

func notFound(id uint64) error {
	return huma.Error404NotFound(fmt.Sprintf("no credential %d here", id))
}

func (h *handlers) list(ctx context.Context, in *ListInput) (*ListOutput, error) {
	scope := in.RecordScope()
	if err := operation.ProjectOf(ctx, h.Store, scope); err != nil {
		return nil, err
	}
	recs, next, err := h.Credentials.Records.List(ctx, scope, store.ListOptions{Limit: in.Limit, Continue: in.Continue, Search: in.Name})
	if errors.Is(err, store.ErrInvalidContinue) {
		return nil, operation.InvalidContinue()
	}
	if err != nil {
		return nil, err
	}
	out := &ListOutput{Body: operation.List[Credential]{Items: []Credential{}, Continue: next}}
	for i := range recs {
		out.Body.Items = append(out.Body.Items, view(&recs[i]))
	}
	return out, nil
}

// fieldErrors turns the problems the credential types found into details
// at body.fields.<name> (body.type for the type); values are never echoed.
func fieldErrors(errs []*creds.FieldError) []error {
	var out []error
	for _, e := range errs {
		loc := "body.fields." + e.Field
		if e.Field == "type" {
			loc = "body.type"
		}
		out = append(out, &huma.ErrorDetail{Location: loc, Message: e.Message})
	}
	return out
}

func (h *handlers) create(ctx context.Context, in *CreateInput) (*Output, error) {
	b := in.Body
	var details []error
	for _, p := range validation.IsDNS1123Label(b.Name) {
		details = append(details, &huma.ErrorDetail{Location: "body.name", Message: p, Value: b.Name})
	}
	details = append(details, fieldErrors(creds.Check(b.Type, b.Fields, false))...)
	if len(details) > 0 {
		return nil, operation.ValidationFailed(details)
	}
	scope := in.RecordScope()
	if err := operation.ProjectOf(ctx, h.Store, scope); err != nil {
		return nil, err
	}
	rec := &store.CredentialRecord{Scope: scope, Name: b.Name, Type: b.Type, Description: b.Description, CreatedBy: auth.PrincipalFrom(ctx).Username}
	err := h.Credentials.Create(ctx, rec, b.Fields)
	if errors.Is(err, store.ErrConflict) {
		return nil, huma.Error409Conflict(fmt.Sprintf("a credential named %q exists here", b.Name))
	}
	if err != nil {
		return nil, err
	}
	return &Output{Body: view(rec)}, nil
}

func (h *handlers) find(ctx context.Context, in IDParam) (*store.CredentialRecord, error) {
	rec, err := h.Credentials.Records.Get(ctx, in.RecordScope(), in.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound(in.ID)
	}
	return rec, err
}

func (h *handlers) get(ctx context.Context, in *IDParam) (*Output, error) {
	rec, err := h.find(ctx, *in)
	if err != nil {
		return nil, err
	}
	return &Output{Body: view(rec)}, nil
}

func (h *handlers) update(ctx context.Context, in *UpdateInput) (*Output, error) {
	rec, err := h.find(ctx, in.IDParam)
	if err != nil {
		return nil, err
	}
	if details := fieldErrors(creds.Check(rec.Type, in.Body.Fields, true)); len(details) > 0 {
		return nil, operation.ValidationFailed(details)
	}
	if in.Body.Description != nil {
		rec.Description = *in.Body.Description
	}
	if err := h.Credentials.Update(ctx, rec, in.Body.Fields); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, notFound(in.ID)
		}
		return nil, err
	}
	return &Output{Body: view(rec)}, nil
}

func (h *handlers) delete(ctx context.Context, in *IDParam) (*struct{}, error) {
	us, err := h.Credentials.Records.Delete(ctx, in.RecordScope(), in.ID)
	switch {
	case errors.Is(err, store.ErrInUse):
		details := []error{}
		for _, u := range usages(us) {
			where := "global"
			if u.Project != "" {
				where = u.Cluster + "/" + u.Project
			}
			details = append(details, &huma.ErrorDetail{Location: "usages", Message: fmt.Sprintf("%s %s (%s) refers to it as %s", u.Kind, u.Name, where, u.Field)})
		}
		what := "1 record"
		if len(us) != 1 {
			what = fmt.Sprintf("%d records", len(us))
		}
		return nil, huma.Error409Conflict(fmt.Sprintf("credential %d is in use by %s (see GET .../usages); change them first", in.ID, what), details...)
	case errors.Is(err, store.ErrNotFound):
		return nil, notFound(in.ID)
	}
	return nil, err
}

func (h *handlers) usages(ctx context.Context, in *IDParam) (*UsagesOutput, error) {
	if _, err := h.find(ctx, *in); err != nil {
		return nil, err
	}
	us, err := h.Credentials.Records.Usages(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	out := &UsagesOutput{}
	out.Body.Items = usages(us)
	slices.SortFunc(out.Body.Items, func(a, b CredentialUsage) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}
