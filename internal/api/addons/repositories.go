package addons

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	chart "helm.sh/helm/v4/pkg/chart/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/chartrepo"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// Repositories are the chart repositories as the catalog sees them: those
// of the scope, and for a project also the global ones, a project's own
// taking precedence for a name both have.
type Repositories struct {
	Store *store.Store
	Repos *chartrepo.Service
}

// scopes are where a repository named in scope is looked for, in order.
func scopes(scope store.Scope) []store.Scope {
	if scope.IsGlobal() {
		return []store.Scope{scope}
	}
	return []store.Scope{scope, {}}
}

// Catalog lists the latest version of each chart of the repositories
// scope sees, or of repo alone; problems name the repositories whose
// cached index could not be read.
func (r *Repositories) Catalog(ctx context.Context, scope store.Scope, repo string) ([]CatalogChart, []string, error) {
	var names []string
	if repo != "" {
		names = []string{repo}
	} else {
		seen := map[string]bool{}
		for _, sc := range scopes(scope) {
			list, _, err := r.Store.ChartRepositories().List(ctx, sc, store.ListOptions{Limit: 1000})
			if err != nil {
				return nil, nil, err
			}
			for _, cr := range list {
				if !seen[cr.Name] {
					seen[cr.Name] = true
					names = append(names, cr.Name)
				}
			}
		}
	}
	var out []CatalogChart
	var problems []string
	for _, name := range names {
		charts, err := r.charts(ctx, scope, name)
		if err != nil {
			if repo != "" {
				return nil, nil, repositoryError(err, "query.repository")
			}
			problems = append(problems, fmt.Sprintf("%s: %v", name, err))
			continue
		}
		for _, c := range charts {
			out = append(out, CatalogChart{Repository: name, Name: c.Name, Version: c.Version, AppVersion: c.AppVersion,
				Description: c.Description, Icon: c.Icon, Keywords: c.Keywords, Deprecated: c.Deprecated})
		}
	}
	return out, problems, nil
}

// charts reads a repository's charts from the first scope that has it.
func (r *Repositories) charts(ctx context.Context, scope store.Scope, repo string) ([]chartrepo.Chart, error) {
	var err error
	for _, sc := range scopes(scope) {
		var charts []chartrepo.Chart
		if charts, err = r.Repos.Charts(ctx, sc, repo); !errors.Is(err, chartrepo.ErrNotFound) || !r.missing(ctx, sc, repo) {
			return charts, err
		}
	}
	return nil, err
}

// missing reports whether scope has no repository of that name (as
// opposed to a repository that lacks a chart or version).
func (r *Repositories) missing(ctx context.Context, scope store.Scope, repo string) bool {
	_, err := r.Store.ChartRepositories().Get(ctx, scope, repo)
	return errors.Is(err, store.ErrNotFound)
}

// Load loads ref's chart from the first scope that has the repository,
// with the chart's versions, newest first.
func (r *Repositories) Load(ctx context.Context, scope store.Scope, ref ChartRef, loc chartFields) (*chart.Chart, []CatalogVersion, error) {
	for _, sc := range scopes(scope) {
		if r.missing(ctx, sc, ref.Repository) {
			continue
		}
		vs, err := r.Repos.Versions(ctx, sc, ref.Repository, ref.Name)
		if err != nil {
			return nil, nil, repositoryError(err, loc.name)
		}
		c, err := r.Repos.Load(ctx, sc, ref.Repository, ref.Name, ref.Version)
		if err != nil {
			field := loc.version
			if ref.Version == "" {
				field = loc.name
			}
			return nil, nil, repositoryError(err, field)
		}
		versions := make([]CatalogVersion, 0, len(vs))
		for _, v := range vs {
			cv := CatalogVersion{Version: v.Version, AppVersion: v.AppVersion, Deprecated: v.Deprecated}
			if !v.Created.IsZero() {
				created := v.Created
				cv.Created = &created
			}
			versions = append(versions, cv)
		}
		return c, versions, nil
	}
	return nil, nil, huma.Error404NotFound(fmt.Sprintf("no chart repository %q here", ref.Repository),
		&huma.ErrorDetail{Location: loc.repository, Value: ref.Repository, Message: "no such chart repository"})
}

// repositoryError is the problem for what a repository call returned: a
// missing chart or version is a 404 naming loc; a repository that cannot
// be reached, refuses the credential or serves a bad archive a 424 naming
// the repository's setting at fault.
func repositoryError(err error, loc string) error {
	var re *chartrepo.Error
	if !errors.As(err, &re) {
		return err
	}
	switch {
	case errors.Is(err, chartrepo.ErrNotFound):
		return huma.Error404NotFound(re.Message, &huma.ErrorDetail{Location: loc, Message: re.Message})
	default:
		field := "repository.url"
		if re.Field != "" {
			field = "repository." + re.Field
		}
		return huma.NewError(http.StatusFailedDependency, "the chart repository cannot be used: "+re.Message,
			&huma.ErrorDetail{Location: field, Message: re.Message})
	}
}

// repositoryProblem passes status errors through and turns anything else
// into a 500 recorded with the request.
func repositoryProblem(ctx context.Context, err error) error {
	var se huma.StatusError
	if errors.As(err, &se) || errors.Is(err, context.Canceled) {
		return err
	}
	operation.Request(ctx).Err = err
	return huma.Error500InternalServerError("reading the chart repository failed")
}
