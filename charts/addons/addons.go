// Package addons is the built-in catalog: the Helm charts written by this
// project under charts/addons, compiled into the binary so that they can be
// installed without a network. List names them; Load returns one as a Helm
// chart ready to install.
package addons

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"helm.sh/helm/v4/pkg/chart/loader/archive"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
)

// charts holds one directory per chart; "all:" keeps files such as
// templates/_helpers.tpl.
//
//go:embed all:ingress-nginx all:jenkins all:metrics-server
var charts embed.FS

// ErrNotFound is returned by Load for a name that is not in the catalog.
var ErrNotFound = errors.New("no such built-in chart")

// Entry describes one built-in chart.
type Entry struct {
	Name        string
	Version     string
	AppVersion  string
	Description string
	Icon        string
	Keywords    []string
}

// List returns the built-in charts, sorted by name.
func List() ([]Entry, error) {
	dirs, err := fs.ReadDir(charts, ".")
	if err != nil {
		return nil, fmt.Errorf("read built-in charts: %w", err)
	}
	var out []Entry
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		c, err := Load(d.Name())
		if err != nil {
			return nil, err
		}
		m := c.Metadata
		out = append(out, Entry{
			Name: m.Name, Version: m.Version, AppVersion: m.AppVersion,
			Description: m.Description, Icon: m.Icon, Keywords: m.Keywords,
		})
	}
	slices.SortFunc(out, func(a, b Entry) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Load returns the built-in chart name, freshly loaded (callers may change
// it), or an error wrapping ErrNotFound.
func Load(name string) (*chart.Chart, error) {
	if name == "" || strings.ContainsAny(name, `/\.`) {
		return nil, fmt.Errorf("built-in chart %q: %w", name, ErrNotFound)
	}
	if _, err := fs.Stat(charts, name); err != nil {
		return nil, fmt.Errorf("built-in chart %q: %w", name, ErrNotFound)
	}
	var files []*archive.BufferedFile
	err := fs.WalkDir(charts, name, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := charts.ReadFile(p)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, name+"/")
		files = append(files, &archive.BufferedFile{Name: path.Clean(rel), Data: data})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read built-in chart %q: %w", name, err)
	}
	c, err := loader.LoadFiles(files)
	if err != nil {
		return nil, fmt.Errorf("load built-in chart %q: %w", name, err)
	}
	return c, nil
}
