package chartrepo

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/Masterminds/semver/v3"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	repo "helm.sh/helm/v4/pkg/repo/v1"
)

// ChartVersion is one version of a chart as the repository's index lists
// it.
type ChartVersion struct {
	Version     string    `json:"version"`
	AppVersion  string    `json:"appVersion,omitempty"`
	Description string    `json:"description,omitempty"`
	Icon        string    `json:"icon,omitempty"`
	Keywords    []string  `json:"keywords,omitempty"`
	Home        string    `json:"home,omitempty"`
	KubeVersion string    `json:"kubeVersion,omitempty"`
	Created     time.Time `json:"created,omitzero"`
	// Digest is the SHA-256 of the archive (hex, as index.yaml gives it),
	// or for OCI the manifest's digest (sha256:...); empty when the index
	// gives none.
	Digest     string `json:"digest,omitempty"`
	Deprecated bool   `json:"deprecated,omitempty"`
	// URLs are where the archive is downloaded from, as the index gives
	// them (relative ones resolve against the repository's URL); for OCI,
	// oci://host/path/chart:version.
	URLs []string `json:"urls,omitempty"`
}

// Chart is a chart of a repository, described by its latest version.
type Chart struct {
	Name string `json:"name"`
	// Version is the latest version: the highest that is not a
	// prerelease, or the highest of all when every one is.
	Version     string   `json:"version"`
	AppVersion  string   `json:"appVersion,omitempty"`
	Description string   `json:"description,omitempty"`
	Icon        string   `json:"icon,omitempty"`
	Keywords    []string `json:"keywords,omitempty"`
	Deprecated  bool     `json:"deprecated,omitempty"`
	// Versions is how many versions the repository has.
	Versions int `json:"versions"`
}

// Index is a repository's charts as the cache keeps them: each chart's
// versions, newest first.
type Index struct {
	Charts map[string][]ChartVersion `json:"charts"`
}

// encode is the JSON the store keeps.
func (ix *Index) encode() (string, error) {
	b, err := json.Marshal(ix)
	if err != nil {
		return "", fmt.Errorf("encode the chart index: %w", err)
	}
	return string(b), nil
}

func decodeIndex(data string) (*Index, error) {
	ix := &Index{}
	if data == "" {
		return &Index{Charts: map[string][]ChartVersion{}}, nil
	}
	if err := json.Unmarshal([]byte(data), ix); err != nil {
		return nil, fmt.Errorf("decode the cached chart index: %w", err)
	}
	if ix.Charts == nil {
		ix.Charts = map[string][]ChartVersion{}
	}
	return ix, nil
}

// parseIndexYAML reads an index.yaml with Helm's own loader (its
// validation and its order: newest first). Helm loads indexes from files
// only, so the body goes through a temporary file.
func parseIndexYAML(body []byte) (*Index, error) {
	f, err := os.CreateTemp("", "wheelhouse-index-*.yaml")
	if err != nil {
		return nil, fmt.Errorf("read the index: %w", err)
	}
	defer os.Remove(f.Name())
	_, err = f.Write(body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("read the index: %w", err)
	}
	hi, err := repo.LoadIndexFile(f.Name())
	if err != nil {
		return nil, err
	}
	ix := &Index{Charts: make(map[string][]ChartVersion, len(hi.Entries))}
	for name, versions := range hi.Entries {
		out := make([]ChartVersion, 0, len(versions))
		for _, v := range versions {
			if v == nil || v.Metadata == nil || v.Removed {
				continue
			}
			cv := versionOf(v.Metadata)
			cv.Created, cv.Digest, cv.URLs = v.Created, v.Digest, v.URLs
			out = append(out, cv)
		}
		if len(out) > 0 {
			ix.Charts[name] = out
		}
	}
	return ix, nil
}

// versionOf is what a chart's metadata says of a version.
func versionOf(md *chart.Metadata) ChartVersion {
	return ChartVersion{Version: md.Version, AppVersion: md.AppVersion, Description: md.Description, Icon: md.Icon,
		Keywords: md.Keywords, Home: md.Home, KubeVersion: md.KubeVersion, Deprecated: md.Deprecated}
}

// sortVersions orders versions newest first, as Helm does: by semantic
// version, unparsable ones last.
func sortVersions(vs []ChartVersion) {
	slices.SortStableFunc(vs, func(a, b ChartVersion) int {
		va, ea := semver.NewVersion(a.Version)
		vb, eb := semver.NewVersion(b.Version)
		switch {
		case ea != nil && eb != nil:
			return strings.Compare(a.Version, b.Version)
		case ea != nil:
			return 1
		case eb != nil:
			return -1
		}
		return vb.Compare(va)
	})
}

// latest is the newest version that is not a prerelease, or the newest.
func latest(vs []ChartVersion) ChartVersion {
	for _, v := range vs {
		if sv, err := semver.NewVersion(v.Version); err == nil && sv.Prerelease() == "" {
			return v
		}
	}
	return vs[0]
}

// charts lists the index's charts by name.
func (ix *Index) charts() []Chart {
	out := make([]Chart, 0, len(ix.Charts))
	for name, vs := range ix.Charts {
		if len(vs) == 0 {
			continue
		}
		l := latest(vs)
		out = append(out, Chart{Name: name, Version: l.Version, AppVersion: l.AppVersion, Description: l.Description, Icon: l.Icon,
			Keywords: l.Keywords, Deprecated: l.Deprecated, Versions: len(vs)})
	}
	slices.SortFunc(out, func(a, b Chart) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// find returns chart's version (the latest when version is empty).
func (ix *Index) find(chartName, version string) (ChartVersion, bool) {
	if ix == nil {
		return ChartVersion{}, false
	}
	vs := ix.Charts[chartName]
	if len(vs) == 0 {
		return ChartVersion{}, false
	}
	if version == "" {
		return latest(vs), true
	}
	for _, v := range vs {
		if v.Version == version {
			return v, true
		}
	}
	return ChartVersion{}, false
}
