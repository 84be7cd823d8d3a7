// Package chartrepos serves the Helm chart repositories add-ons are
// installed from, global (admins') or a project's (its owners'; members
// and viewers browse them): classic HTTP(S) repositories and OCI
// registries, with an optional registry credential and TLS settings, read
// before they are stored; refreshed on demand and on a schedule; and the
// charts and versions of their cached index.
package chartrepos

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/chartrepo"
	creds "github.com/wheelhouse-dev/wheelhouse/internal/credentials"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// Deps are what the chart repository endpoints need.
type Deps struct {
	operation.Kit
	Store       *store.Store
	Credentials *creds.Service
	Repos       *chartrepo.Service
}

var tags = []string{"Chart repositories"}

func perm(verb string) auth.Permission {
	return auth.Permission{Verb: verb, Resource: auth.ResourceChartRepositories}
}

// Repository is a chart repository as responses show it.
type Repository struct {
	Name            string    `json:"name"`
	Type            string    `json:"type" enum:"http,oci"`
	URL             string    `json:"url"`
	CredentialID    *uint64   `json:"credentialId,omitempty"`
	CABundle        string    `json:"caBundle,omitempty"`
	Insecure        bool      `json:"insecure,omitempty"`
	RefreshSeconds  int64     `json:"refreshSeconds,omitempty" doc:"The repository's own refresh interval; absent: the default"`
	RefreshInterval string    `json:"refreshInterval" doc:"How often it is refreshed (its own interval or the default)"`
	Cluster         string    `json:"cluster,omitempty"`
	Project         string    `json:"project,omitempty"`
	Status          Status    `json:"status"`
	CreatedBy       string    `json:"createdBy,omitempty"`
	CreatedAt       time.Time `json:"createdAt"`
	UpdatedAt       time.Time `json:"updatedAt"`
}

// Status is what the repository's refreshes found.
type Status struct {
	RefreshedAt *time.Time `json:"refreshedAt,omitempty" doc:"When a refresh last succeeded; absent: never"`
	ChangedAt   *time.Time `json:"changedAt,omitempty" doc:"When a refresh last found a changed index"`
	Digest      string     `json:"digest,omitempty" doc:"Digest of the cached index"`
	LastError   string     `json:"lastError,omitempty" doc:"Why the last refresh failed; absent when it succeeded"`
}

func (h *handlers) view(r *store.ChartRepository) Repository {
	return Repository{Name: r.Name, Type: r.Type, URL: r.URL, CredentialID: r.CredentialID, CABundle: r.CABundle, Insecure: r.Insecure,
		RefreshSeconds: r.RefreshSeconds, RefreshInterval: r.RefreshInterval(h.Repos.Interval()).String(), Cluster: r.Cluster, Project: r.Project,
		Status:    Status{RefreshedAt: r.RefreshedAt, ChangedAt: r.ChangedAt, Digest: r.Digest, LastError: r.LastError},
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

// RepositoryBody are a chart repository's settings.
type RepositoryBody struct {
	URL            string  `json:"url" minLength:"1" maxLength:"512" doc:"http: https://host[:port][/path] with index.yaml beneath it (http:// only with insecure); oci: oci://host[:port]/path, the charts being path/<chart> (or the repository of one chart)"`
	CredentialID   *uint64 `json:"credentialId,omitempty" doc:"A registry credential (username, password) of this scope, sent as basic authentication; absent: anonymous"`
	CABundle       string  `json:"caBundle,omitempty" maxLength:"65536" doc:"PEM certificates to trust besides the system's"`
	Insecure       bool    `json:"insecure,omitempty" doc:"Skip certificate checks, or allow plain HTTP"`
	RefreshSeconds int64   `json:"refreshSeconds,omitempty" minimum:"0" maximum:"604800" doc:"Refresh interval in seconds, at least 60; 0 or absent: the default (an hour)"`
}

// RepositoryCreateBody creates a chart repository.
type RepositoryCreateBody struct {
	Name string `json:"name" minLength:"1" maxLength:"63" doc:"DNS label, unique in the scope"`
	Type string `json:"type" enum:"http,oci" doc:"http: a classic repository (index.yaml); oci: charts in an OCI registry"`
	RepositoryBody
}

// NameParam names a chart repository.
type NameParam struct {
	operation.ScopeParam
	Repository string `path:"repository" maxLength:"63" doc:"Chart repository name"`
}

// ListInput lists chart repositories.
type ListInput struct {
	operation.ScopeParam
	operation.ListParams
	Name string `query:"name" maxLength:"63" doc:"Keep repositories whose name contains this"`
}

// ValidateParam says whether a write reads the repository first. A
// string: huma sets a field's default whenever its value is the zero
// value, so a bool defaulting to true could never be false.
type ValidateParam struct {
	Validate string `query:"validate" enum:"true,false" default:"true" doc:"Read the repository's index before storing (default); false stores an unreachable repository too (the scheduler reads it later)"`
}

func (v ValidateParam) check() bool { return v.Validate != "false" }

// CreateInput creates a chart repository.
type CreateInput struct {
	operation.ScopeParam
	ValidateParam
	Body RepositoryCreateBody
}

// UpdateInput replaces a chart repository's settings.
type UpdateInput struct {
	NameParam
	ValidateParam
	Body RepositoryBody
}

// Output is one chart repository.
type Output struct{ Body Repository }

// ListOutput is a page of chart repositories.
type ListOutput struct{ Body operation.List[Repository] }

// RefreshOutput is a refresh's outcome.
type RefreshOutput struct {
	Body struct {
		Changed    bool       `json:"changed" doc:"Whether the index changed"`
		Repository Repository `json:"repository"`
	}
}

type handlers struct{ Deps }

// Register adds the chart repository endpoints to api, global and per
// project.
func Register(api huma.API, d Deps) {
	h := &handlers{Deps: d}

	list := operation.New(http.MethodGet, "/chart-repositories", "list-chart-repositories", "List Helm chart repositories", tags, perm(auth.VerbList))
	list.Errors = append(list.Errors, http.StatusBadRequest, http.StatusNotFound)
	operation.RegisterScoped(api, list, h.list)

	create := operation.New(http.MethodPost, "/chart-repositories", "create-chart-repository", "Add a Helm chart repository, read first", tags, perm(auth.VerbCreate))
	create.Description = "Reads the repository's index before storing anything (unless validate=false), and stores it with " +
		"the index: an unreachable repository or one with no index (body.url), an untrusted certificate (body.caBundle), " +
		"refused credentials (body.credentialId) are a 422 whose message starts with the reason. Referring to a credential " +
		"needs use of credentials in the scope."
	create.DefaultStatus = http.StatusCreated
	create.Errors = append(create.Errors, http.StatusNotFound, http.StatusConflict)
	operation.RegisterScoped(api, create, h.create)

	get := operation.New(http.MethodGet, "/chart-repositories/{repository}", "get-chart-repository", "Get a Helm chart repository and its refresh status", tags, perm(auth.VerbGet))
	get.Errors = append(get.Errors, http.StatusNotFound)
	operation.RegisterScoped(api, get, h.get)

	update := operation.New(http.MethodPut, "/chart-repositories/{repository}", "update-chart-repository",
		"Replace a Helm chart repository's settings, read as on create", tags, perm(auth.VerbUpdate))
	update.Errors = append(update.Errors, http.StatusNotFound)
	operation.RegisterScoped(api, update, h.update)

	del := operation.New(http.MethodDelete, "/chart-repositories/{repository}", "delete-chart-repository", "Delete a Helm chart repository", tags, perm(auth.VerbDelete))
	del.DefaultStatus = http.StatusNoContent
	del.Errors = append(del.Errors, http.StatusNotFound)
	operation.RegisterScoped(api, del, h.delete)

	refresh := operation.New(http.MethodPost, "/chart-repositories/{repository}/refresh", "refresh-chart-repository",
		"Refresh a Helm chart repository's index now: 200 saying whether it changed, or 424 saying why it cannot be read", tags, perm(auth.VerbUpdate))
	refresh.Errors = append(refresh.Errors, http.StatusNotFound, http.StatusFailedDependency)
	operation.RegisterScoped(api, refresh, h.refresh)

	h.registerCharts(api)
}

func (h *handlers) list(ctx context.Context, in *ListInput) (*ListOutput, error) {
	scope := in.RecordScope()
	if err := operation.ProjectOf(ctx, h.Store, scope); err != nil {
		return nil, err
	}
	repos, next, err := h.Store.ChartRepositories().List(ctx, scope, store.ListOptions{Limit: in.Limit, Continue: in.Continue, Search: in.Name})
	if errors.Is(err, store.ErrInvalidContinue) {
		return nil, operation.InvalidContinue()
	}
	if err != nil {
		return nil, err
	}
	out := &ListOutput{Body: operation.List[Repository]{Items: []Repository{}, Continue: next}}
	for i := range repos {
		out.Body.Items = append(out.Body.Items, h.view(&repos[i]))
	}
	return out, nil
}

// find returns the chart repository the path names, or a 404.
func (h *handlers) find(ctx context.Context, in NameParam) (*store.ChartRepository, error) {
	if err := operation.ProjectOf(ctx, h.Store, in.RecordScope()); err != nil {
		return nil, err
	}
	r, err := h.Store.ChartRepositories().Get(ctx, in.RecordScope(), in.Repository)
	if errors.Is(err, store.ErrNotFound) {
		return nil, huma.Error404NotFound(fmt.Sprintf("no chart repository %q here", in.Repository))
	}
	return r, err
}

// checkBody validates r's settings and its credential: of r's scope, a
// registry credential (username and password).
func (h *handlers) checkBody(ctx context.Context, r *store.ChartRepository) ([]error, error) {
	var details []error
	for _, e := range chartrepo.Check(r) {
		details = append(details, &huma.ErrorDetail{Location: "body." + e.Field, Message: e.Message})
	}
	if r.CredentialID == nil {
		return details, nil
	}
	rec, err := h.Credentials.Records.Get(ctx, r.Scope, *r.CredentialID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		details = append(details, &huma.ErrorDetail{Location: "body.credentialId", Message: fmt.Sprintf("no credential %d in this scope", *r.CredentialID)})
	case err != nil:
		return nil, err
	case rec.Type != creds.TypeRegistry:
		details = append(details, &huma.ErrorDetail{Location: "body.credentialId",
			Message: fmt.Sprintf("a %s credential; a chart repository takes a registry credential (username, password)", rec.Type)})
	}
	return details, nil
}

// mayUseCredential refuses a caller who may not use credentials of scope.
func (h *handlers) mayUseCredential(ctx context.Context, scope store.Scope, id *uint64) error {
	if id == nil {
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

// storeError answers a failed write of r.
func storeError(err error, name string) error {
	var missing *store.MissingReferenceError
	switch {
	case errors.As(err, &missing):
		return operation.ValidationFailed([]error{&huma.ErrorDetail{Location: "body." + missing.Field, Message: missing.Error()}})
	case errors.Is(err, store.ErrConflict):
		return huma.Error409Conflict(fmt.Sprintf("a chart repository named %q exists here", name))
	}
	return err
}

func (h *handlers) create(ctx context.Context, in *CreateInput) (*Output, error) {
	b := in.Body
	scope := in.RecordScope()
	if err := operation.ProjectOf(ctx, h.Store, scope); err != nil {
		return nil, err
	}
	r := &store.ChartRepository{Scope: scope, Name: b.Name, Type: b.Type, URL: strings.TrimSuffix(b.URL, "/"), CredentialID: b.CredentialID,
		CABundle: b.CABundle, Insecure: b.Insecure, RefreshSeconds: b.RefreshSeconds, CreatedBy: auth.PrincipalFrom(ctx).Username}
	var details []error
	for _, p := range validation.IsDNS1123Label(b.Name) {
		details = append(details, &huma.ErrorDetail{Location: "body.name", Message: p, Value: b.Name})
	}
	more, err := h.checkBody(ctx, r)
	if err != nil {
		return nil, err
	}
	if details = append(details, more...); len(details) > 0 {
		return nil, operation.ValidationFailed(details)
	}
	if err := h.mayUseCredential(ctx, scope, r.CredentialID); err != nil {
		return nil, err
	}
	// A taken name is refused before the repository is read.
	if _, err := h.Store.ChartRepositories().Get(ctx, scope, b.Name); err == nil {
		return nil, storeError(store.ErrConflict, b.Name)
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if in.check() {
		if err := h.Repos.Read(ctx, r); err != nil {
			return nil, repoProblem(ctx, err, "body.")
		}
	}
	if err := h.Store.ChartRepositories().Create(ctx, r); err != nil {
		return nil, storeError(err, b.Name)
	}
	return &Output{Body: h.view(r)}, nil
}

func (h *handlers) get(ctx context.Context, in *NameParam) (*Output, error) {
	r, err := h.find(ctx, *in)
	if err != nil {
		return nil, err
	}
	return &Output{Body: h.view(r)}, nil
}

func (h *handlers) update(ctx context.Context, in *UpdateInput) (*Output, error) {
	r, err := h.find(ctx, in.NameParam)
	if err != nil {
		return nil, err
	}
	b := in.Body
	before := *r
	r.URL, r.CredentialID, r.CABundle, r.Insecure, r.RefreshSeconds = strings.TrimSuffix(b.URL, "/"), b.CredentialID, b.CABundle, b.Insecure, b.RefreshSeconds
	details, err := h.checkBody(ctx, r)
	if err != nil {
		return nil, err
	}
	if len(details) > 0 {
		return nil, operation.ValidationFailed(details)
	}
	if err := h.mayUseCredential(ctx, r.Scope, r.CredentialID); err != nil {
		return nil, err
	}
	moved := r.URL != before.URL || !sameID(r.CredentialID, before.CredentialID) || r.CABundle != before.CABundle || r.Insecure != before.Insecure
	withCache := true
	switch {
	case in.check():
		// Read anew, whatever changed: the record is stored with what
		// its settings read now.
		if err := h.Repos.Read(ctx, r); err != nil {
			return nil, repoProblem(ctx, err, "body.")
		}
	case moved:
		chartrepo.ClearCache(r)
	default:
		// Only the interval changed: the cached index stays.
		withCache = false
	}
	if err := h.Store.ChartRepositories().Update(ctx, r, withCache); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, huma.Error404NotFound(fmt.Sprintf("no chart repository %q here", in.Repository))
		}
		return nil, storeError(err, r.Name)
	}
	return &Output{Body: h.view(r)}, nil
}

func sameID(a, b *uint64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func (h *handlers) delete(ctx context.Context, in *NameParam) (*struct{}, error) {
	r, err := h.find(ctx, *in)
	if err != nil {
		return nil, err
	}
	if err := h.Store.ChartRepositories().Delete(ctx, r); err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	h.Repos.Forget(r.ID)
	return nil, nil
}

func (h *handlers) refresh(ctx context.Context, in *NameParam) (*RefreshOutput, error) {
	if _, err := h.find(ctx, *in); err != nil {
		return nil, err
	}
	changed, err := h.Repos.Refresh(ctx, in.RecordScope(), in.Repository)
	if err != nil {
		return nil, repoProblem(ctx, err, "repository.")
	}
	r, err := h.find(ctx, *in)
	if err != nil {
		return nil, err
	}
	out := &RefreshOutput{}
	out.Body.Changed, out.Body.Repository = changed, h.view(r)
	return out, nil
}
