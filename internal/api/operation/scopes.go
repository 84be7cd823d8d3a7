package operation

import (
	"context"
	"errors"
	"fmt"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// RecordScope is where a platform record that belongs to no cluster
// object lives (a credential, a registry): the whole platform, managed by
// admins at /api/v1/..., or one project, at
// /api/v1/clusters/{cluster}/projects/{project}/.... An area registers
// each such operation in both places with RegisterScoped; the server's
// middleware authorizes by the path's parameters as for every route.
type RecordScope struct {
	// Prefix is the scope's path prefix.
	Prefix string
	// IDPrefix goes before the operation id ("project-").
	IDPrefix string
	params   []*huma.Param
}

// RecordScopes are the global scope and the project scope.
var RecordScopes = []RecordScope{
	{Prefix: "/api/v1"},
	{Prefix: "/api/v1/clusters/{cluster}/projects/{project}", IDPrefix: "project-", params: []*huma.Param{
		{Name: "cluster", In: "path", Required: true, Description: "Cluster of the project", Schema: &huma.Schema{Type: "string", MaxLength: ptr(63)}},
		{Name: "project", In: "path", Required: true, Description: "Project the records belong to", Schema: &huma.Schema{Type: "string", MaxLength: ptr(63)}},
	}},
}

func ptr[T any](v T) *T { return &v }

// ScopeParam, embedded in an input, resolves the scope from the path:
// empty cluster and project for the global routes.
type ScopeParam struct {
	scope store.Scope
}

// Resolve implements huma.Resolver.
func (s *ScopeParam) Resolve(ctx huma.Context) []error {
	s.scope = store.Scope{Cluster: ctx.Param("cluster"), Project: ctx.Param("project")}
	return nil
}

// RecordScope is the scope the request's path names.
func (s *ScopeParam) RecordScope() store.Scope { return s.scope }

// RegisterScoped registers op (its path relative to the scope's prefix,
// its id without the scope's prefix) with handler in every record scope.
func RegisterScoped[I, O any](api huma.API, op huma.Operation, handler func(context.Context, *I) (*O, error)) {
	for _, s := range RecordScopes {
		o := op
		o.Path = s.Prefix + op.Path
		o.OperationID = s.IDPrefix + op.OperationID
		o.Parameters = append(append([]*huma.Param{}, s.params...), op.Parameters...)
		if s.IDPrefix != "" {
			o.Summary += " (project)"
		}
		huma.Register(api, o, handler)
	}
}

// ProjectOf checks that the project of a project scope exists: nil for the
// global scope and an existing project, a 404 naming it otherwise.
func ProjectOf(ctx context.Context, st *store.Store, scope store.Scope) error {
	if scope.IsGlobal() {
		return nil
	}
	_, err := st.Projects().Get(ctx, scope.Cluster, scope.Project)
	if errors.Is(err, store.ErrNotFound) {
		return huma.Error404NotFound(fmt.Sprintf("cluster %q has no project %q", scope.Cluster, scope.Project))
	}
	return err
}
