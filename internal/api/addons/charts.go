package addons

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	chart "helm.sh/helm/v4/pkg/chart/v2"

	"github.com/wheelhouse-dev/wheelhouse/charts/addons"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// ChartRef names a chart version: in the built-in catalog (no
// repository) or in a chart repository of the scope (a project's, or a
// global one).
type ChartRef struct {
	Repository string `json:"repository,omitempty" maxLength:"63" doc:"Chart repository name; absent: the built-in catalog"`
	Name       string `json:"name" minLength:"1" maxLength:"253"`
	Version    string `json:"version,omitempty" maxLength:"128" doc:"Chart version; absent: the latest"`
}

// CatalogChart is a chart of the catalog, at its latest version.
type CatalogChart struct {
	Repository  string   `json:"repository,omitempty" doc:"Absent for the built-in catalog"`
	Name        string   `json:"name"`
	Version     string   `json:"version"`
	AppVersion  string   `json:"appVersion,omitempty"`
	Description string   `json:"description,omitempty"`
	Icon        string   `json:"icon,omitempty"`
	Keywords    []string `json:"keywords,omitempty"`
	Deprecated  bool     `json:"deprecated,omitempty"`
}

// CatalogVersion is one version of a chart.
type CatalogVersion struct {
	Version    string     `json:"version"`
	AppVersion string     `json:"appVersion,omitempty"`
	Created    *time.Time `json:"created,omitempty"`
	Deprecated bool       `json:"deprecated,omitempty"`
}

// ChartDetail is one version of a chart with what a user reads before
// installing it.
type ChartDetail struct {
	CatalogChart
	Home         string           `json:"home,omitempty"`
	Sources      []string         `json:"sources,omitempty"`
	Versions     []CatalogVersion `json:"versions" nullable:"false" doc:"Every version, newest first"`
	Readme       string           `json:"readme,omitempty" doc:"The chart's README.md"`
	Values       string           `json:"values" doc:"The chart's values.yaml as written, comments included"`
	ValuesSchema map[string]any   `json:"valuesSchema,omitempty" doc:"The chart's values.schema.json (JSON Schema), for a form"`
}

// CatalogInput lists the catalog.
type CatalogInput struct {
	operation.ScopeParam
	Repository string `query:"repository" maxLength:"63" doc:"Only this chart repository's charts; 'builtin' for the built-in catalog"`
	Name       string `query:"name" maxLength:"253" doc:"Keep charts whose name, description or keywords contain this"`
}

// CatalogOutput is the catalog.
type CatalogOutput struct {
	Body struct {
		Items []CatalogChart `json:"items" nullable:"false"`
		// Problems name repositories whose charts could not be read.
		Problems []string `json:"problems,omitempty"`
	}
}

// ChartInput names a chart of the catalog.
type ChartInput struct {
	operation.ScopeParam
	Chart      string `path:"chart" maxLength:"253" doc:"Chart name"`
	Repository string `query:"repository" maxLength:"63" doc:"Chart repository; absent: the built-in catalog"`
	Version    string `query:"version" maxLength:"128" doc:"Version; absent: the latest"`
}

// ChartOutput is one version of a chart.
type ChartOutput struct{ Body ChartDetail }

func (h *handlers) registerCharts(api huma.API) {
	readPerm := auth.Permission{Verb: auth.VerbList, Resource: auth.ResourceReleases}
	list := operation.New(http.MethodGet, "/addon-charts", "list-addon-charts",
		"List the add-on catalog: the built-in charts and those of the scope's chart repositories", chartTags, readPerm)
	list.Description = "Built-in charts (Jenkins, metrics-server, ingress-nginx) are compiled into the server and need no network. " +
		"The project route also lists the global repositories' charts."
	list.Errors = append(list.Errors, http.StatusNotFound)
	operation.RegisterScoped(api, list, h.listCharts)

	get := operation.New(http.MethodGet, "/addon-charts/{chart}", "get-addon-chart",
		"Read a chart version: README, default values, values schema and every version", chartTags,
		auth.Permission{Verb: auth.VerbGet, Resource: auth.ResourceReleases})
	get.Errors = append(get.Errors, http.StatusNotFound, http.StatusFailedDependency)
	operation.RegisterScoped(api, get, h.getChart)
}

func (h *handlers) listCharts(ctx context.Context, in *CatalogInput) (*CatalogOutput, error) {
	scope := in.RecordScope()
	if err := operation.ProjectOf(ctx, h.Store, scope); err != nil {
		return nil, err
	}
	out := &CatalogOutput{}
	out.Body.Items = []CatalogChart{}
	if in.Repository == "" || in.Repository == builtin {
		entries, err := addons.List()
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			out.Body.Items = append(out.Body.Items, CatalogChart{Name: e.Name, Version: e.Version, AppVersion: e.AppVersion,
				Description: e.Description, Icon: e.Icon, Keywords: e.Keywords})
		}
	}
	if in.Repository != builtin && h.Repositories != nil {
		charts, problems, err := h.Repositories.Catalog(ctx, scope, in.Repository)
		if err != nil {
			return nil, repositoryProblem(ctx, err)
		}
		out.Body.Items = append(out.Body.Items, charts...)
		out.Body.Problems = problems
	} else if in.Repository != "" && in.Repository != builtin {
		return nil, huma.Error404NotFound(fmt.Sprintf("no chart repository %q here", in.Repository))
	}
	if in.Name != "" {
		kept := out.Body.Items[:0]
		for _, c := range out.Body.Items {
			if matches(c, in.Name) {
				kept = append(kept, c)
			}
		}
		out.Body.Items = kept
	}
	return out, nil
}

// chartFields are where a request names a chart's repository, name and
// version, for the problems that point at them.
type chartFields struct{ repository, name, version string }

var (
	// bodyChart: an install's or upgrade's body.chart.
	bodyChart = chartFields{"body.chart.repository", "body.chart.name", "body.chart.version"}
	// pathChart: GET .../addon-charts/{chart}?repository=&version=.
	pathChart = chartFields{"query.repository", "path.chart", "query.version"}
)

// builtin names the built-in catalog in ?repository=.
const builtin = "builtin"

func matches(c CatalogChart, s string) bool {
	s = strings.ToLower(s)
	if strings.Contains(strings.ToLower(c.Name), s) || strings.Contains(strings.ToLower(c.Description), s) {
		return true
	}
	for _, k := range c.Keywords {
		if strings.Contains(strings.ToLower(k), s) {
			return true
		}
	}
	return false
}

func (h *handlers) getChart(ctx context.Context, in *ChartInput) (*ChartOutput, error) {
	scope := in.RecordScope()
	if err := operation.ProjectOf(ctx, h.Store, scope); err != nil {
		return nil, err
	}
	ref := ChartRef{Repository: in.Repository, Name: in.Chart, Version: in.Version}
	if ref.Repository == builtin {
		ref.Repository = ""
	}
	c, versions, err := h.loadChart(ctx, scope, ref, pathChart)
	if err != nil {
		return nil, err
	}
	d := ChartDetail{Versions: versions}
	m := c.Metadata
	d.CatalogChart = CatalogChart{Repository: ref.Repository, Name: m.Name, Version: m.Version, AppVersion: m.AppVersion,
		Description: m.Description, Icon: m.Icon, Keywords: m.Keywords, Deprecated: m.Deprecated}
	d.Home, d.Sources = m.Home, m.Sources
	for _, f := range c.Files {
		if strings.EqualFold(f.Name, "README.md") {
			d.Readme = string(f.Data)
		}
	}
	for _, f := range c.Raw {
		if f.Name == "values.yaml" {
			d.Values = string(f.Data)
		}
	}
	if len(c.Schema) > 0 {
		if err := json.Unmarshal(c.Schema, &d.ValuesSchema); err != nil {
			return nil, huma.NewError(http.StatusFailedDependency, fmt.Sprintf("chart %s %s has a values.schema.json that is not JSON: %v", m.Name, m.Version, err))
		}
	}
	return &ChartOutput{Body: d}, nil
}

// loadChart loads the chart ref names, with its versions, newest first. A
// chart or version that does not exist is a 404, a repository that cannot
// be reached a 424, each naming the field of the request that said it.
func (h *handlers) loadChart(ctx context.Context, scope store.Scope, ref ChartRef, loc chartFields) (*chart.Chart, []CatalogVersion, error) {
	if ref.Repository == "" {
		c, err := addons.Load(ref.Name)
		if errors.Is(err, addons.ErrNotFound) {
			return nil, nil, huma.Error404NotFound(fmt.Sprintf("the built-in catalog has no chart %q", ref.Name),
				&huma.ErrorDetail{Location: loc.name, Value: ref.Name, Message: "no such built-in chart"})
		}
		if err != nil {
			return nil, nil, err
		}
		if ref.Version != "" && ref.Version != c.Metadata.Version {
			return nil, nil, huma.Error404NotFound(fmt.Sprintf("the built-in chart %q has version %s only", ref.Name, c.Metadata.Version),
				&huma.ErrorDetail{Location: loc.version, Value: ref.Version, Message: "no such version"})
		}
		return c, []CatalogVersion{{Version: c.Metadata.Version, AppVersion: c.Metadata.AppVersion}}, nil
	}
	if h.Repositories == nil {
		return nil, nil, huma.Error404NotFound(fmt.Sprintf("no chart repository %q here", ref.Repository))
	}
	c, versions, err := h.Repositories.Load(ctx, scope, ref, loc)
	if err != nil {
		return nil, nil, repositoryProblem(ctx, err)
	}
	return c, versions, nil
}
