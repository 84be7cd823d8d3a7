package chartrepo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/Masterminds/semver/v3"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	helmregistry "helm.sh/helm/v4/pkg/registry"

	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// ociRepo is an oci:// repository as go-containerregistry reaches it: one
// authenticated transport per operation, so the registry is pinged once
// however many repositories are listed.
type ociRepo struct {
	reg    name.Registry
	path   string
	puller *remote.Puller
}

// oci opens the repository's registry for an operation.
func (c *client) oci(ctx context.Context) (*ociRepo, error) {
	u, err := url.Parse(c.repo.URL)
	if err != nil {
		return nil, newError(ErrInvalid, "url", "the URL cannot be read")
	}
	opts := []name.Option{name.StrictValidation}
	if c.repo.Insecure {
		opts = append(opts, name.Insecure)
	}
	reg, err := name.NewRegistry(u.Host, opts...)
	if err != nil {
		return nil, newError(ErrInvalid, "url", "registry %q: %v", u.Host, err)
	}
	var auth authn.Authenticator = authn.Anonymous
	if c.username != "" || c.password != "" {
		auth = &authn.Basic{Username: c.username, Password: c.password}
	}
	rt, err := transport.NewWithContext(ctx, reg, auth, c.transport, []string{"registry:catalog:*"})
	if err != nil {
		return nil, classify("reach "+redact(c.repo.URL), err)
	}
	puller, err := remote.NewPuller(remote.WithTransport(rt), remote.WithAuth(auth))
	if err != nil {
		return nil, err
	}
	return &ociRepo{reg: reg, path: strings.Trim(u.Path, "/"), puller: puller}, nil
}

// chartRepos are the registry's repositories that hold the charts: each
// path/<chart> of the catalog, or, where the registry has no catalog (or
// refuses it), the path itself as one chart's repository.
func (o *ociRepo) chartRepos(ctx context.Context) ([]string, error) {
	all, err := o.puller.Catalog(ctx, o.reg)
	if err != nil {
		var te *transport.Error
		if errors.As(err, &te) && (te.StatusCode == http.StatusNotFound || te.StatusCode == http.StatusUnauthorized ||
			te.StatusCode == http.StatusForbidden || te.StatusCode == http.StatusMethodNotAllowed) {
			return []string{o.path}, nil
		}
		return nil, classify("list the repositories of "+o.reg.RegistryStr(), err)
	}
	var out []string
	for _, r := range all {
		rest, ok := strings.CutPrefix(r, o.path+"/")
		if r == o.path || (ok && rest != "" && !strings.Contains(rest, "/")) {
			out = append(out, r)
		}
	}
	slices.Sort(out)
	return out, nil
}

// fetchOCI lists the tags of every chart repository under the path. When
// they are what the cache last saw (same digest over every repository's
// tags), that is all it does: one ping, the catalog and one tag list per
// chart. Otherwise it reads the manifest and config (Chart.yaml) of each
// version the cache does not have.
func (c *client) fetchOCI(ctx context.Context, r *store.ChartRepository, cached *Index) (*fetched, error) {
	o, err := c.oci(ctx)
	if err != nil {
		return nil, err
	}
	repos, err := o.chartRepos(ctx)
	if err != nil {
		return nil, err
	}
	tags := make(map[string][]string, len(repos))
	h := sha256.New()
	for _, rp := range repos {
		ref := o.reg.Repo(rp)
		list, err := o.puller.List(ctx, ref)
		if err != nil {
			var te *transport.Error
			if errors.As(err, &te) && te.StatusCode == http.StatusNotFound && len(repos) == 1 {
				return nil, newError(ErrNotFound, "url", "list %s: no chart repository at this URL", redact(r.URL))
			}
			return nil, classify("list the tags of "+ref.String(), err)
		}
		slices.Sort(list)
		tags[rp] = list
		for _, t := range list {
			fmt.Fprintf(h, "%s:%s\n", rp, t)
		}
	}
	f := &fetched{digest: "sha256:" + hex.EncodeToString(h.Sum(nil))}
	if f.digest == r.Digest {
		return f, nil
	}
	f.index = &Index{Charts: map[string][]ChartVersion{}}
	for _, rp := range repos {
		chartName := rp[strings.LastIndex(rp, "/")+1:]
		for _, tag := range tags[rp] {
			// Helm writes a version's "+" as "_" in tags.
			version := strings.ReplaceAll(tag, "_", "+")
			if _, err := semver.StrictNewVersion(version); err != nil {
				continue
			}
			u := "oci://" + o.reg.RegistryStr() + "/" + rp + ":" + tag
			if v, ok := cached.find(chartName, version); ok && slices.Equal(v.URLs, []string{u}) {
				f.index.Charts[chartName] = append(f.index.Charts[chartName], v)
				continue
			}
			v, ok, err := o.describe(ctx, o.reg.Repo(rp).Tag(tag))
			if err != nil {
				return nil, err
			}
			if ok {
				v.URLs = []string{u}
				f.index.Charts[chartName] = append(f.index.Charts[chartName], v)
			}
		}
		sortVersions(f.index.Charts[chartName])
	}
	return f, nil
}

// describe reads what a tag's manifest and config say of the chart;
// false for an artifact that is not a Helm chart.
func (o *ociRepo) describe(ctx context.Context, ref name.Tag) (ChartVersion, bool, error) {
	what := "read " + ref.String()
	desc, err := o.puller.Get(ctx, ref)
	if err != nil {
		return ChartVersion{}, false, classify(what, err)
	}
	var m v1.Manifest
	if err := json.Unmarshal(desc.Manifest, &m); err != nil || string(m.Config.MediaType) != helmregistry.ConfigMediaType {
		return ChartVersion{}, false, nil
	}
	layer, err := o.puller.Layer(ctx, ref.Context().Digest(m.Config.Digest.String()))
	if err != nil {
		return ChartVersion{}, false, classify(what, err)
	}
	rc, err := layer.Compressed()
	if err != nil {
		return ChartVersion{}, false, classify(what, err)
	}
	defer rc.Close()
	raw, err := readAll(rc, 1<<20)
	if err != nil {
		return ChartVersion{}, false, classify(what, err)
	}
	var md chart.Metadata
	if err := json.Unmarshal(raw, &md); err != nil {
		return ChartVersion{}, false, newError(ErrInvalid, "", "%s: the chart's config is not Chart.yaml as JSON: %v", what, err)
	}
	v := versionOf(&md)
	v.Digest = desc.Digest.String()
	if t, err := time.Parse(time.RFC3339, m.Annotations["org.opencontainers.image.created"]); err == nil {
		v.Created = t
	}
	return v, true, nil
}

// downloadOCI pulls the chart layer of v, by the digest the cache has
// (so what is loaded is what was listed), verified as it is read.
func (c *client) downloadOCI(ctx context.Context, chartName string, v ChartVersion) ([]byte, error) {
	if len(v.URLs) == 0 {
		return nil, newError(ErrInvalid, "", "chart %s %s: no reference to pull", chartName, v.Version)
	}
	o, err := c.oci(ctx)
	if err != nil {
		return nil, err
	}
	refStr := strings.TrimPrefix(v.URLs[0], "oci://")
	opts := []name.Option{name.StrictValidation}
	if c.repo.Insecure {
		opts = append(opts, name.Insecure)
	}
	tag, err := name.NewTag(refStr, opts...)
	if err != nil {
		return nil, newError(ErrInvalid, "", "chart %s %s: reference %q: %v", chartName, v.Version, refStr, err)
	}
	var ref name.Reference = tag
	if v.Digest != "" {
		ref = tag.Context().Digest(v.Digest)
	}
	what := "pull " + ref.String()
	desc, err := o.puller.Get(ctx, ref)
	if err != nil {
		var te *transport.Error
		if errors.As(err, &te) && te.StatusCode == http.StatusNotFound {
			return nil, newError(ErrNotFound, "", "%s: not in the registry any more (refresh the repository)", what)
		}
		return nil, classify(what, err)
	}
	var m v1.Manifest
	if err := json.Unmarshal(desc.Manifest, &m); err != nil {
		return nil, newError(ErrInvalid, "", "%s: not a chart manifest: %v", what, err)
	}
	for _, l := range m.Layers {
		if string(l.MediaType) != helmregistry.ChartLayerMediaType && string(l.MediaType) != helmregistry.LegacyChartLayerMediaType {
			continue
		}
		layer, err := o.puller.Layer(ctx, tag.Context().Digest(l.Digest.String()))
		if err != nil {
			return nil, classify(what, err)
		}
		rc, err := layer.Compressed()
		if err != nil {
			return nil, classify(what, err)
		}
		defer rc.Close()
		body, err := readAll(rc, maxChartBytes)
		if err != nil {
			return nil, classify(what, err)
		}
		return body, nil
	}
	return nil, newError(ErrInvalid, "", "%s: the manifest has no Helm chart layer", what)
}
