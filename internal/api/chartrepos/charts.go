package chartrepos

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/chartrepo"
)

// Chart is a chart of a repository, described by its latest version.
type Chart struct {
	Name        string   `json:"name"`
	Version     string   `json:"version" doc:"The latest version (the highest that is not a prerelease, when there is one)"`
	AppVersion  string   `json:"appVersion,omitempty"`
	Description string   `json:"description,omitempty"`
	Icon        string   `json:"icon,omitempty"`
	Keywords    []string `json:"keywords,omitempty"`
	Deprecated  bool     `json:"deprecated,omitempty"`
	Versions    int      `json:"versions" doc:"How many versions the repository has"`
}

// ChartVersion is one version of a chart.
type ChartVersion struct {
	Version     string     `json:"version"`
	AppVersion  string     `json:"appVersion,omitempty"`
	Description string     `json:"description,omitempty"`
	Icon        string     `json:"icon,omitempty"`
	Keywords    []string   `json:"keywords,omitempty"`
	Home        string     `json:"home,omitempty"`
	KubeVersion string     `json:"kubeVersion,omitempty"`
	Created     *time.Time `json:"created,omitempty"`
	Digest      string     `json:"digest,omitempty" doc:"SHA-256 of the archive (classic), or the manifest digest (OCI)"`
	Deprecated  bool       `json:"deprecated,omitempty"`
}

// ChartsInput lists a repository's charts.
type ChartsInput struct {
	NameParam
	operation.ListParams
	Name string `query:"name" maxLength:"253" doc:"Keep charts whose name contains this"`
}

// ChartsOutput is a page of charts.
type ChartsOutput struct{ Body operation.List[Chart] }

// VersionsInput names a chart of a repository.
type VersionsInput struct {
	NameParam
	Chart string `path:"chart" maxLength:"253" doc:"Chart name"`
}

// VersionsOutput lists a chart's versions, newest first.
type VersionsOutput struct {
	Body struct {
		Items []ChartVersion `json:"items" nullable:"false"`
	}
}

func (h *handlers) registerCharts(api huma.API) {
	charts := operation.New(http.MethodGet, "/chart-repositories/{repository}/charts", "list-repository-charts",
		"List the charts of a Helm chart repository, from its cached index", tags, perm(auth.VerbGet))
	charts.Errors = append(charts.Errors, http.StatusBadRequest, http.StatusNotFound)
	operation.RegisterScoped(api, charts, h.charts)

	versions := operation.New(http.MethodGet, "/chart-repositories/{repository}/charts/{chart}/versions", "list-chart-versions",
		"List the versions of a chart, newest first, from the repository's cached index", tags, perm(auth.VerbGet))
	versions.Errors = append(versions.Errors, http.StatusNotFound)
	operation.RegisterScoped(api, versions, h.versions)
}

// chartsContinuePrefix versions the continue token, which holds the name
// after which the next page starts.
const chartsContinuePrefix = "c1:"

func (h *handlers) charts(ctx context.Context, in *ChartsInput) (*ChartsOutput, error) {
	if _, err := h.find(ctx, in.NameParam); err != nil {
		return nil, err
	}
	after := ""
	if in.Continue != "" {
		raw, err := base64.RawURLEncoding.DecodeString(in.Continue)
		name, ok := strings.CutPrefix(string(raw), chartsContinuePrefix)
		if err != nil || !ok || name == "" {
			return nil, operation.InvalidContinue()
		}
		after = name
	}
	all, err := h.Repos.Charts(ctx, in.RecordScope(), in.Repository)
	if err != nil {
		return nil, repoProblem(ctx, err, "repository.")
	}
	limit := in.Limit
	if limit <= 0 {
		limit = 100
	}
	out := &ChartsOutput{Body: operation.List[Chart]{Items: []Chart{}}}
	filter := strings.ToLower(in.Name)
	// all is sorted by name, so a page starts after the last one's name.
	for _, c := range all {
		if c.Name <= after || !strings.Contains(strings.ToLower(c.Name), filter) {
			continue
		}
		if len(out.Body.Items) == limit {
			last := out.Body.Items[limit-1].Name
			out.Body.Continue = base64.RawURLEncoding.EncodeToString([]byte(chartsContinuePrefix + last))
			break
		}
		out.Body.Items = append(out.Body.Items, Chart{Name: c.Name, Version: c.Version, AppVersion: c.AppVersion, Description: c.Description,
			Icon: c.Icon, Keywords: c.Keywords, Deprecated: c.Deprecated, Versions: c.Versions})
	}
	return out, nil
}

func (h *handlers) versions(ctx context.Context, in *VersionsInput) (*VersionsOutput, error) {
	if _, err := h.find(ctx, in.NameParam); err != nil {
		return nil, err
	}
	vs, err := h.Repos.Versions(ctx, in.RecordScope(), in.Repository, in.Chart)
	if err != nil {
		return nil, repoProblem(ctx, err, "repository.")
	}
	out := &VersionsOutput{}
	out.Body.Items = make([]ChartVersion, 0, len(vs))
	for _, v := range vs {
		out.Body.Items = append(out.Body.Items, versionView(v))
	}
	return out, nil
}

func versionView(v chartrepo.ChartVersion) ChartVersion {
	cv := ChartVersion{Version: v.Version, AppVersion: v.AppVersion, Description: v.Description, Icon: v.Icon, Keywords: v.Keywords,
		Home: v.Home, KubeVersion: v.KubeVersion, Digest: v.Digest, Deprecated: v.Deprecated}
	if !v.Created.IsZero() {
		created := v.Created
		cv.Created = &created
	}
	return cv
}
