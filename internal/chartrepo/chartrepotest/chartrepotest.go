// Package chartrepotest serves real chart repositories for tests and
// benchmarks: a classic one over HTTP (index.yaml with an ETag, archives
// packaged with Helm from the built-in catalog's charts, optional basic
// authentication, a count of the requests it answered), and pushes charts
// to an OCI registry with Helm's own registry client.
package chartrepotest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"strings"
	"sync"
	"sync/atomic"

	chart "helm.sh/helm/v4/pkg/chart/v2"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
	helmregistry "helm.sh/helm/v4/pkg/registry"
	repo "helm.sh/helm/v4/pkg/repo/v1"
	"sigs.k8s.io/yaml"

	"github.com/wheelhouse-dev/wheelhouse/charts/addons"
	"github.com/wheelhouse-dev/wheelhouse/internal/registry/registrytest"
)

// Package packages the built-in chart name at version with Helm and
// returns the archive.
func Package(name, version string) ([]byte, error) {
	c, err := addons.Load(name)
	if err != nil {
		return nil, err
	}
	return packageChart(c, version)
}

func packageChart(c *chart.Chart, version string) ([]byte, error) {
	md := *c.Metadata
	md.Version = version
	c.Metadata = &md
	dir, err := os.MkdirTemp("", "chartrepotest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	file, err := chartutil.Save(c, dir)
	if err != nil {
		return nil, fmt.Errorf("package %s %s: %w", md.Name, version, err)
	}
	return os.ReadFile(file)
}

// Server is a classic chart repository over HTTP.
type Server struct {
	// URL is the repository's URL (index.yaml beneath it).
	URL string
	srv *httptest.Server

	// Username and Password, when set, are required as basic auth.
	Username, Password string

	requests atomic.Int64
	mu       sync.Mutex
	index    *repo.IndexFile
	archives map[string][]byte
	indexRaw []byte
	etag     string
	// tamper, for a chart file name, serves other bytes than the index's
	// digest says.
	tamper map[string]bool
}

// NewServer starts an empty repository; Close stops it.
func NewServer() *Server {
	s := &Server{index: repo.NewIndexFile(), archives: map[string][]byte{}, tamper: map[string]bool{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL + "/repo"
	s.render()
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Requests is how many requests the server answered.
func (s *Server) Requests() int { return int(s.requests.Load()) }

// Add packages the built-in chart name at version and lists it in the
// index with its digest; the index's URL for it is relative
// (charts/<file>) unless absolute is set.
func (s *Server) Add(name, version string, absolute bool) error {
	archive, err := Package(name, version)
	if err != nil {
		return err
	}
	c, err := addons.Load(name)
	if err != nil {
		return err
	}
	md := *c.Metadata
	md.Version = version
	file := fmt.Sprintf("%s-%s.tgz", name, version)
	sum := sha256.Sum256(archive)
	base := ""
	if absolute {
		base = s.URL + "/charts"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if base == "" {
		err = s.index.MustAdd(&md, "charts/"+file, "", hex.EncodeToString(sum[:]))
	} else {
		err = s.index.MustAdd(&md, file, base, hex.EncodeToString(sum[:]))
	}
	if err != nil {
		return err
	}
	s.archives[file] = archive
	s.render()
	return nil
}

// AddSynthetic lists charts × versions more entries in the index, with
// metadata and digests but no archives behind them: an index of a public
// repository's size, for browsing and refresh benchmarks.
func (s *Server) AddSynthetic(charts, versions int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range charts {
		for v := range versions {
			md := &chart.Metadata{APIVersion: chart.APIVersionV2, Name: fmt.Sprintf("synthetic-%03d", c), Version: fmt.Sprintf("1.%d.0", v),
				AppVersion: fmt.Sprintf("2.%d", v), Description: "A chart listed in the index only, to make it as large as a public one",
				Keywords: []string{"synthetic", "benchmark"}, Home: "https://example.com/charts"}
			sum := sha256.Sum256([]byte(md.Name + md.Version))
			if err := s.index.MustAdd(md, fmt.Sprintf("charts/%s-%s.tgz", md.Name, md.Version), "", hex.EncodeToString(sum[:])); err != nil {
				return err
			}
		}
	}
	s.render()
	return nil
}

// IndexSize is the size of the index.yaml the server sends.
func (s *Server) IndexSize() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.indexRaw)
}

// Tamper makes the server send other bytes for the archive of name at
// version than the index's digest says.
func (s *Server) Tamper(name, version string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tamper[fmt.Sprintf("%s-%s.tgz", name, version)] = true
}

// render serializes the index and its ETag; s.mu is held.
func (s *Server) render() {
	s.index.SortEntries()
	raw, err := yaml.Marshal(s.index)
	if err != nil {
		panic(err)
	}
	sum := sha256.Sum256(raw)
	s.indexRaw, s.etag = raw, `"`+hex.EncodeToString(sum[:8])+`"`
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	if s.Username != "" {
		if u, p, ok := r.BasicAuth(); !ok || u != s.Username || p != s.Password {
			w.Header().Set("WWW-Authenticate", `Basic realm="charts"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch p := strings.TrimPrefix(r.URL.Path, "/repo/"); {
	case p == "index.yaml":
		w.Header().Set("ETag", s.etag)
		if r.Header.Get("If-None-Match") == s.etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/x-yaml")
		_, _ = w.Write(s.indexRaw)
	case strings.HasPrefix(p, "charts/"):
		file := path.Base(p)
		a, ok := s.archives[file]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if s.tamper[file] {
			a = append([]byte{}, a...)
			a[len(a)/2] ^= 0xff
		}
		w.Header().Set("Content-Type", "application/gzip")
		_, _ = w.Write(a)
	default:
		http.NotFound(w, r)
	}
}

// PushOCI pushes the built-in chart name at version to
// reg/path/name as user/password with Helm's registry client, as `helm
// push` does: over TLS trusting reg's CA when it has one, else plain HTTP.
func PushOCI(reg *registrytest.Registry, repoPath, user, password, name, version string) error {
	archive, err := Package(name, version)
	if err != nil {
		return err
	}
	opts := []helmregistry.ClientOption{helmregistry.ClientOptWriter(devNull{})}
	if reg.CAPEM != nil {
		opts = append(opts, helmregistry.ClientOptHTTPClient(&http.Client{Transport: reg.Transport()}))
	} else {
		opts = append(opts, helmregistry.ClientOptPlainHTTP())
	}
	if user != "" {
		opts = append(opts, helmregistry.ClientOptBasicAuth(user, password))
	}
	client, err := helmregistry.NewClient(opts...)
	if err != nil {
		return err
	}
	ref := fmt.Sprintf("%s/%s/%s:%s", reg.Host, strings.Trim(repoPath, "/"), name, version)
	if _, err := client.Push(archive, ref); err != nil {
		return fmt.Errorf("push %s: %w", ref, err)
	}
	return nil
}

type devNull struct{}

func (devNull) Write(p []byte) (int, error) { return len(p), nil }
