package chartrepo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	repo "helm.sh/helm/v4/pkg/repo/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// Size limits of what a repository may send.
const (
	maxIndexBytes = 64 << 20
	maxChartBytes = 32 << 20
)

// fetched is what a fetch of an index found.
type fetched struct {
	// notModified: the server said the cached index is current (304).
	notModified bool
	etag        string
	modified    string
	digest      string
	// index is nil when notModified.
	index *Index
}

// indexURL is where a classic repository keeps its index.
func indexURL(repoURL string) string { return strings.TrimSuffix(repoURL, "/") + "/index.yaml" }

// fetchHTTP reads a classic repository's index.yaml, conditionally on
// the cached validators: a 304 costs this one request.
func (c *client) fetchHTTP(ctx context.Context, r *store.ChartRepository) (*fetched, error) {
	u := indexURL(r.URL)
	what := "read " + redact(u)
	req, err := c.request(ctx, u)
	if err != nil {
		return nil, err
	}
	if r.ETag != "" {
		req.Header.Set("If-None-Match", r.ETag)
	}
	if r.LastModified != "" {
		req.Header.Set("If-Modified-Since", r.LastModified)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, classify(what, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified:
		return &fetched{notModified: true, etag: r.ETag, modified: r.LastModified}, nil
	case resp.StatusCode == http.StatusNotFound:
		return nil, newError(ErrNotFound, "url", "%s: not found (404): no chart repository at this URL", what)
	case resp.StatusCode != http.StatusOK:
		return nil, statusError(what, resp.StatusCode)
	}
	body, err := readAll(resp.Body, maxIndexBytes)
	if err != nil {
		return nil, classify(what, err)
	}
	sum := sha256.Sum256(body)
	f := &fetched{etag: resp.Header.Get("ETag"), modified: resp.Header.Get("Last-Modified"), digest: "sha256:" + hex.EncodeToString(sum[:])}
	if f.digest == r.Digest {
		// The same index under new validators, or a server that sends
		// none: nothing to parse.
		return f, nil
	}
	if f.index, err = parseIndexYAML(body); err != nil {
		return nil, newError(ErrInvalid, "url", "%s: not a Helm repository index: %v", what, err)
	}
	return f, nil
}

// errTooLarge is what readAll answers for a body over its limit.
var errTooLarge = errors.New("the answer is too large")

// readAll reads at most limit bytes of body.
func readAll(body io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(body, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w (over %d MiB)", errTooLarge, limit>>20)
	}
	return b, nil
}

// request is a GET of u, with the repository's credentials when u is on
// the repository's own host (as Helm does by default: an index may point
// to archives elsewhere, which must not see them).
func (c *client) request(ctx context.Context, u string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, newError(ErrInvalid, "url", "%s: %v", redact(u), rootCause(err))
	}
	if c.username != "" || c.password != "" {
		if base, err := url.Parse(c.repo.URL); err == nil && base.Host == req.URL.Host {
			req.SetBasicAuth(c.username, c.password)
		}
	}
	req.Header.Set("User-Agent", "wheelhouse")
	return req, nil
}

// downloadHTTP fetches the archive of v and checks it against the
// index's digest when there is one.
func (c *client) downloadHTTP(ctx context.Context, chartName string, v ChartVersion) ([]byte, error) {
	if len(v.URLs) == 0 {
		return nil, newError(ErrInvalid, "", "chart %s %s: the index gives no URL to download it from", chartName, v.Version)
	}
	u, err := repo.ResolveReferenceURL(c.repo.URL, v.URLs[0])
	if err != nil {
		return nil, newError(ErrInvalid, "", "chart %s %s: the index's URL cannot be read: %v", chartName, v.Version, err)
	}
	what := "download " + redact(u)
	if p, err := url.Parse(u); err != nil || (p.Scheme != "https" && p.Scheme != "http") {
		return nil, newError(ErrInvalid, "", "%s: not an http(s) URL", what)
	}
	req, err := c.request(ctx, u)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, classify(what, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil, newError(ErrNotFound, "", "%s: the index lists chart %s %s but its archive is not there (404)", what, chartName, v.Version)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, statusError(what, resp.StatusCode)
	}
	body, err := readAll(resp.Body, maxChartBytes)
	if err != nil {
		return nil, classify(what, err)
	}
	if want := strings.TrimPrefix(v.Digest, "sha256:"); want != "" {
		sum := sha256.Sum256(body)
		if got := hex.EncodeToString(sum[:]); !strings.EqualFold(got, want) {
			return nil, newError(ErrInvalid, "", "%s: the archive's digest is sha256:%s, the index says sha256:%s", what, got, want)
		}
	}
	return body, nil
}
