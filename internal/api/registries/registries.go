// Package registries serves image registries (distribution, Harbor, ACR,
// TCR, ECR), global (admins') or a project's (its members'): records with
// their endpoint, credential and TLS settings, checked against the
// registry when written; a connection test that tells an unreachable
// registry, an untrusted certificate, refused credentials and missing
// permission apart; browsing (namespaces, repositories, tags) and tag
// deletion; copies between registries followed as jobs; pull secrets kept
// in clusters' namespaces; and push webhooks that become internal events.
package registries

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	creds "github.com/wheelhouse-dev/wheelhouse/internal/credentials"
	"github.com/wheelhouse-dev/wheelhouse/internal/events"
	"github.com/wheelhouse-dev/wheelhouse/internal/registry"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// Keeper is the pull-secret keeper, told when targets or registries change.
type Keeper interface {
	// Changed asks the keeper to sync the cluster's targets now.
	Changed(cluster string)
	// RegistryChanged asks it to mint new logins for the registry and
	// rewrite its secrets.
	RegistryChanged(ctx context.Context, id uint64)
}

// Deps are what the registry endpoints need.
type Deps struct {
	operation.Kit
	Store       *store.Store
	Credentials *creds.Service
	Keeper      Keeper
	Events      *events.Bus
	// Copies holds the copy jobs; New makes one.
	Copies *Copies
}

var tags = []string{"Registries"}

func perm(verb string) auth.Permission {
	return auth.Permission{Verb: verb, Resource: auth.ResourceRegistries}
}

// Registry is a registry as responses show it.
type Registry struct {
	Name             string            `json:"name"`
	Type             string            `json:"type" enum:"distribution,harbor,acr,tcr,ecr"`
	Endpoint         string            `json:"endpoint"`
	Settings         map[string]string `json:"settings,omitempty"`
	CredentialID     *uint64           `json:"credentialId,omitempty"`
	PullCredentialID *uint64           `json:"pullCredentialId,omitempty"`
	CABundle         string            `json:"caBundle,omitempty"`
	Insecure         bool              `json:"insecure,omitempty"`
	Cluster          string            `json:"cluster,omitempty"`
	Project          string            `json:"project,omitempty"`
	HasNamespaces    bool              `json:"hasNamespaces" doc:"Whether the type groups repositories in namespaces (Harbor projects, ACR and TCR namespaces)"`
	CreatedBy        string            `json:"createdBy,omitempty"`
	CreatedAt        time.Time         `json:"createdAt"`
	UpdatedAt        time.Time         `json:"updatedAt"`
}

func view(r *store.Registry) Registry {
	return Registry{Name: r.Name, Type: r.Type, Endpoint: r.Endpoint, Settings: r.Settings, CredentialID: r.CredentialID,
		PullCredentialID: r.PullCredentialID, CABundle: r.CABundle, Insecure: r.Insecure, Cluster: r.Cluster, Project: r.Project,
		HasNamespaces: r.Type != registry.TypeDistribution && r.Type != registry.TypeECR,
		CreatedBy:     r.CreatedBy, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

// settingKeys are the settings each type takes.
var settingKeys = map[string][]string{
	registry.TypeDistribution: {},
	registry.TypeHarbor:       {},
	registry.TypeACR:          {"region", "instanceId", "apiEndpoint"},
	registry.TypeTCR:          {"region", "registryId", "apiEndpoint"},
	registry.TypeECR:          {"region", "registryId", "apiEndpoint", "stsEndpoint"},
}

// credentialTypes are the credential types each registry type logs in
// with.
var credentialTypes = map[string][]string{
	registry.TypeDistribution: {creds.TypeRegistry},
	registry.TypeHarbor:       {creds.TypeRegistry},
	registry.TypeACR:          {creds.TypeAlibaba},
	registry.TypeTCR:          {creds.TypeTencent},
	registry.TypeECR:          {creds.TypeAWS},
}

// RegistryBody are a registry's settings.
type RegistryBody struct {
	Endpoint         string            `json:"endpoint" minLength:"1" maxLength:"512" doc:"https://host[:port] (http:// only with insecure); Docker Hub is https://registry-1.docker.io"`
	Settings         map[string]string `json:"settings,omitempty" doc:"acr: region, instanceId (required: every cr 2018-12-01 call names the instance), apiEndpoint; tcr: region, registryId (enterprise; absent: personal CCR), apiEndpoint; ecr: region, registryId, apiEndpoint, stsEndpoint"`
	CredentialID     *uint64           `json:"credentialId,omitempty" doc:"A credential of this scope: registry (distribution, harbor), alibaba (acr), tencent (tcr), aws (ecr); absent: anonymous"`
	PullCredentialID *uint64           `json:"pullCredentialId,omitempty" doc:"A registry credential to log in with where the API keys mint no login (personal TCR)"`
	CABundle         string            `json:"caBundle,omitempty" maxLength:"65536" doc:"PEM certificates to trust besides the system's"`
	Insecure         bool              `json:"insecure,omitempty" doc:"Skip certificate checks, or allow a plain http:// endpoint"`
}

// RegistryCreateBody creates a registry.
type RegistryCreateBody struct {
	Name string `json:"name" minLength:"1" maxLength:"63" doc:"DNS label, unique in the scope"`
	Type string `json:"type" enum:"distribution,harbor,acr,tcr,ecr"`
	RegistryBody
}

// NameParam names a registry.
type NameParam struct {
	operation.ScopeParam
	Registry string `path:"registry" maxLength:"63" doc:"Registry name"`
}

// ListInput lists registries.
type ListInput struct {
	operation.ScopeParam
	operation.ListParams
	Name string `query:"name" maxLength:"63" doc:"Keep registries whose name contains this"`
}

// ValidateParam says whether a write checks the registry first. A string,
// not a bool: huma sets a field's default whenever its value is the zero
// value, so a bool defaulting to true could never be false.
type ValidateParam struct {
	Validate string `query:"validate" enum:"true,false" default:"true" doc:"Log in and read before storing (default); false stores an unreachable registry too"`
}

// check says whether to check the registry.
func (v ValidateParam) check() bool { return v.Validate != "false" }

// CreateInput creates a registry.
type CreateInput struct {
	operation.ScopeParam
	ValidateParam
	Body RegistryCreateBody
}

// UpdateInput replaces a registry's settings.
type UpdateInput struct {
	NameParam
	ValidateParam
	Body RegistryBody
}

// Output is one registry.
type Output struct{ Body Registry }

// ListOutput is a page of registries.
type ListOutput struct{ Body operation.List[Registry] }

// TestOutput is a successful connection test.
type TestOutput struct {
	Body struct {
		OK      bool   `json:"ok"`
		Message string `json:"message"`
	}
}

type handlers struct {
	Deps
	opener   *registry.Opener
	statuses statuses
}

// Register adds the registry endpoints to api, global and per project.
func Register(api huma.API, d Deps) {
	h := &handlers{Deps: d, opener: &registry.Opener{Credentials: d.Credentials}}

	list := operation.New(http.MethodGet, "/registries", "list-registries", "List image registries", tags, perm(auth.VerbList))
	list.Errors = append(list.Errors, http.StatusBadRequest, http.StatusNotFound)
	operation.RegisterScoped(api, list, h.list)

	create := operation.New(http.MethodPost, "/registries", "create-registry", "Add an image registry, checked against it first", tags, perm(auth.VerbCreate))
	create.Description = "Logs in to the registry and reads from it before storing anything (unless validate=false): an " +
		"unreachable registry (body.endpoint), an untrusted certificate (body.caBundle), refused credentials or missing " +
		"permission (body.credentialId) are a 422 whose message starts with the reason. Referring to a credential needs " +
		"use of credentials in the scope."
	create.DefaultStatus = http.StatusCreated
	create.Errors = append(create.Errors, http.StatusNotFound, http.StatusConflict)
	operation.RegisterScoped(api, create, h.create)

	get := operation.New(http.MethodGet, "/registries/{registry}", "get-registry", "Get an image registry", tags, perm(auth.VerbGet))
	get.Errors = append(get.Errors, http.StatusNotFound)
	operation.RegisterScoped(api, get, h.get)

	update := operation.New(http.MethodPut, "/registries/{registry}", "update-registry", "Replace an image registry's settings, checked as on create", tags, perm(auth.VerbUpdate))
	update.Errors = append(update.Errors, http.StatusNotFound)
	operation.RegisterScoped(api, update, h.update)

	del := operation.New(http.MethodDelete, "/registries/{registry}", "delete-registry",
		"Delete an image registry with its pull secrets (removed from the clusters) and webhooks", tags, perm(auth.VerbDelete))
	del.DefaultStatus = http.StatusNoContent
	del.Errors = append(del.Errors, http.StatusNotFound)
	operation.RegisterScoped(api, del, h.delete)

	test := operation.New(http.MethodPost, "/registries/{registry}/test", "test-registry",
		"Test the connection: 200, or 424 saying Unreachable, UntrustedCertificate, Unauthorized or Forbidden", tags, perm(auth.VerbGet))
	test.Errors = append(test.Errors, http.StatusNotFound, http.StatusFailedDependency)
	operation.RegisterScoped(api, test, h.test)
	h.registerStatus(api)

	h.registerBrowse(api)
	h.registerCopies(api)
	h.registerPullSecrets(api)
	h.registerWebhooks(api)
}

func (h *handlers) list(ctx context.Context, in *ListInput) (*ListOutput, error) {
	scope := in.RecordScope()
	if err := operation.ProjectOf(ctx, h.Store, scope); err != nil {
		return nil, err
	}
	regs, next, err := h.Store.Registries().List(ctx, scope, store.ListOptions{Limit: in.Limit, Continue: in.Continue, Search: in.Name})
	if errors.Is(err, store.ErrInvalidContinue) {
		return nil, operation.InvalidContinue()
	}
	if err != nil {
		return nil, err
	}
	out := &ListOutput{Body: operation.List[Registry]{Items: []Registry{}, Continue: next}}
	for i := range regs {
		out.Body.Items = append(out.Body.Items, view(&regs[i]))
	}
	return out, nil
}

// find returns the registry the path names, or a 404.
func (h *handlers) find(ctx context.Context, in NameParam) (*store.Registry, error) {
	reg, err := h.Store.Registries().Get(ctx, in.RecordScope(), in.Registry)
	if errors.Is(err, store.ErrNotFound) {
		return nil, huma.Error404NotFound(fmt.Sprintf("no registry %q here", in.Registry))
	}
	return reg, err
}

// checkBody validates b for type typ in scope: its settings, and that
// its credentials are of this scope, of a type the registry logs in with,
// and usable by the caller.
func (h *handlers) checkBody(ctx context.Context, scope store.Scope, typ string, b *RegistryBody) []error {
	var details []error
	for _, k := range slices.Sorted(maps.Keys(b.Settings)) {
		if !slices.Contains(settingKeys[typ], k) {
			details = append(details, &huma.ErrorDetail{Location: "body.settings." + k, Message: fmt.Sprintf("not a setting of a %s registry (%s)", typ, strings.Join(settingKeys[typ], ", "))})
		}
	}
	for _, ref := range []struct {
		id    *uint64
		field string
		types []string
	}{{b.CredentialID, "credentialId", credentialTypes[typ]}, {b.PullCredentialID, "pullCredentialId", []string{creds.TypeRegistry}}} {
		if ref.id == nil {
			continue
		}
		rec, err := h.Credentials.Records.Get(ctx, scope, *ref.id)
		switch {
		case errors.Is(err, store.ErrNotFound):
			details = append(details, &huma.ErrorDetail{Location: "body." + ref.field, Message: fmt.Sprintf("no credential %d in this scope", *ref.id)})
			continue
		case err != nil:
			return []error{err}
		case !slices.Contains(ref.types, rec.Type):
			details = append(details, &huma.ErrorDetail{Location: "body." + ref.field, Message: fmt.Sprintf("a %s credential; a %s registry takes %s", rec.Type, typ, strings.Join(ref.types, " or "))})
		}
	}
	return details
}

// mayUseCredentials refuses a caller who may not use credentials of scope.
func (h *handlers) mayUseCredentials(ctx context.Context, scope store.Scope, b *RegistryBody) error {
	if b.CredentialID == nil && b.PullCredentialID == nil {
		return nil
	}
	err := h.Authorizer.Authorize(ctx, auth.PrincipalFrom(ctx), auth.Permission{Verb: auth.VerbUse, Resource: auth.ResourceCredentials},
		auth.Scope{Cluster: scope.Cluster, Project: scope.Project})
	var forbidden *auth.ForbiddenError
	if errors.As(err, &forbidden) {
		return huma.Error403Forbidden(forbidden.Error())
	}
	return err
}

// validate opens reg and checks the connection.
func (h *handlers) validate(ctx context.Context, reg *store.Registry) error {
	a, err := h.opener.Open(ctx, reg)
	if err == nil {
		err = a.Check(ctx)
	}
	return registryProblem(ctx, err, "body.")
}

func (h *handlers) create(ctx context.Context, in *CreateInput) (*Output, error) {
	b := in.Body
	scope := in.RecordScope()
	var details []error
	for _, p := range validation.IsDNS1123Label(b.Name) {
		details = append(details, &huma.ErrorDetail{Location: "body.name", Message: p, Value: b.Name})
	}
	if err := operation.ProjectOf(ctx, h.Store, scope); err != nil {
		return nil, err
	}
	details = append(details, h.checkBody(ctx, scope, b.Type, &b.RegistryBody)...)
	if len(details) > 0 {
		return nil, operation.ValidationFailed(details)
	}
	if err := h.mayUseCredentials(ctx, scope, &b.RegistryBody); err != nil {
		return nil, err
	}
	reg := &store.Registry{Scope: scope, Name: b.Name, Type: b.Type, Endpoint: strings.TrimSuffix(b.Endpoint, "/"), Settings: b.Settings,
		CredentialID: b.CredentialID, PullCredentialID: b.PullCredentialID, CABundle: b.CABundle, Insecure: b.Insecure,
		CreatedBy: auth.PrincipalFrom(ctx).Username}
	if _, err := registry.New(registry.Config{Type: reg.Type, Endpoint: reg.Endpoint, Settings: reg.Settings, CABundle: reg.CABundle, Insecure: reg.Insecure,
		Credential: placeholder(b.CredentialID, b.Type), PullCredential: placeholder(b.PullCredentialID, creds.TypeRegistry)}); err != nil {
		return nil, registryProblem(ctx, err, "body.")
	}
	if in.check() {
		if err := h.validate(ctx, reg); err != nil {
			return nil, err
		}
	}
	err := h.Store.Registries().Create(ctx, reg)
	var missing *store.MissingReferenceError
	switch {
	case errors.As(err, &missing):
		return nil, operation.ValidationFailed([]error{&huma.ErrorDetail{Location: "body." + missing.Field, Message: missing.Error()}})
	case errors.Is(err, store.ErrConflict):
		return nil, huma.Error409Conflict(fmt.Sprintf("a registry named %q exists here", b.Name))
	case err != nil:
		return nil, err
	}
	return &Output{Body: view(reg)}, nil
}

// placeholder stands for a credential when only the settings' shape is
// checked (no secret is opened for that).
func placeholder(id *uint64, registryType string) *creds.Credential {
	if id == nil {
		return nil
	}
	t := map[string]string{registry.TypeACR: creds.TypeAlibaba, registry.TypeTCR: creds.TypeTencent, registry.TypeECR: creds.TypeAWS}[registryType]
	if t == "" {
		t = creds.TypeRegistry
	}
	return &creds.Credential{ID: *id, Type: t, Fields: map[string]string{}}
}

func (h *handlers) get(ctx context.Context, in *NameParam) (*Output, error) {
	reg, err := h.find(ctx, *in)
	if err != nil {
		return nil, err
	}
	return &Output{Body: view(reg)}, nil
}

func (h *handlers) update(ctx context.Context, in *UpdateInput) (*Output, error) {
	reg, err := h.find(ctx, in.NameParam)
	if err != nil {
		return nil, err
	}
	b := in.Body
	scope := in.RecordScope()
	if details := h.checkBody(ctx, scope, reg.Type, &b); len(details) > 0 {
		return nil, operation.ValidationFailed(details)
	}
	if err := h.mayUseCredentials(ctx, scope, &b); err != nil {
		return nil, err
	}
	reg.Endpoint, reg.Settings, reg.CredentialID, reg.PullCredentialID = strings.TrimSuffix(b.Endpoint, "/"), b.Settings, b.CredentialID, b.PullCredentialID
	reg.CABundle, reg.Insecure = b.CABundle, b.Insecure
	if _, err := registry.New(registry.Config{Type: reg.Type, Endpoint: reg.Endpoint, Settings: reg.Settings, CABundle: reg.CABundle, Insecure: reg.Insecure,
		Credential: placeholder(b.CredentialID, reg.Type), PullCredential: placeholder(b.PullCredentialID, creds.TypeRegistry)}); err != nil {
		return nil, registryProblem(ctx, err, "body.")
	}
	if in.check() {
		if err := h.validate(ctx, reg); err != nil {
			return nil, err
		}
	}
	err = h.Store.Registries().Update(ctx, reg)
	var missing *store.MissingReferenceError
	switch {
	case errors.As(err, &missing):
		return nil, operation.ValidationFailed([]error{&huma.ErrorDetail{Location: "body." + missing.Field, Message: missing.Error()}})
	case err != nil:
		return nil, err
	}
	h.Keeper.RegistryChanged(ctx, reg.ID)
	h.statuses.forget(statusKey{in.RecordScope(), in.Registry})
	return &Output{Body: view(reg)}, nil
}

func (h *handlers) delete(ctx context.Context, in *NameParam) (*struct{}, error) {
	reg, err := h.find(ctx, *in)
	if err != nil {
		return nil, err
	}
	targets, err := h.Store.PullSecrets().ForRegistry(ctx, reg.ID)
	if err != nil {
		return nil, err
	}
	if err := h.Store.Registries().Delete(ctx, reg); err != nil {
		return nil, err
	}
	for _, c := range clustersOf(targets) {
		h.Keeper.Changed(c)
	}
	h.statuses.forget(statusKey{in.RecordScope(), in.Registry})
	return nil, nil
}

func clustersOf(targets []store.PullSecretTarget) []string {
	var out []string
	for _, t := range targets {
		if !slices.Contains(out, t.Cluster) {
			out = append(out, t.Cluster)
		}
	}
	return out
}

func (h *handlers) test(ctx context.Context, in *NameParam) (*TestOutput, error) {
	reg, err := h.find(ctx, *in)
	if err != nil {
		return nil, err
	}
	msg, problem := h.check(ctx, reg)
	if _, isStatus := problem.(huma.StatusError); problem == nil || isStatus {
		h.statuses.put(statusKey{in.RecordScope(), in.Registry}, statusEntry{checkedAt: time.Now().UTC(), message: msg, problem: problem})
	}
	if problem != nil {
		return nil, problem
	}
	out := &TestOutput{}
	out.Body.OK, out.Body.Message = true, msg
	return out, nil
}
