package addons

import (
	"context"
	"errors"

	"github.com/danielgtaylor/huma/v2"
	chart "helm.sh/helm/v4/pkg/chart/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// Repositories are the chart repositories as the catalog sees them. Errors
// that are the caller's (a repository, chart or version that does not
// exist; a repository that cannot be reached) come back as huma status
// errors naming the field under loc.
type Repositories interface {
	// Catalog lists the latest version of each chart of the repositories
	// scope sees (a project sees its own and the global ones), or of repo
	// alone; problems name repositories whose index could not be read.
	Catalog(ctx context.Context, scope store.Scope, repo string) (charts []CatalogChart, problems []string, err error)
	// Load loads ref's chart (its latest version when ref.Version is
	// empty) with every version of it, newest first.
	Load(ctx context.Context, scope store.Scope, ref ChartRef, loc string) (*chart.Chart, []ChartVersion, error)
}

// repositoryProblem passes a repository's status errors through and turns
// anything else into a 500 recorded with the request.
func repositoryProblem(ctx context.Context, err error) error {
	var se huma.StatusError
	if errors.As(err, &se) || errors.Is(err, context.Canceled) {
		return err
	}
	operation.Request(ctx).Err = err
	return huma.Error500InternalServerError("reading the chart repository failed")
}
