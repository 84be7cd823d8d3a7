package chartrepo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"

	"github.com/wheelhouse-dev/wheelhouse/internal/credentials"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// DefaultInterval is how often a repository without its own interval is
// refreshed.
const DefaultInterval = time.Hour

// Config configures a Service.
type Config struct {
	Store       *store.Store
	Credentials *credentials.Service
	Logger      *slog.Logger
	// Interval is the refresh interval of repositories without their own;
	// default DefaultInterval.
	Interval time.Duration
	// Tick is how often Run looks for repositories that are due; default
	// a minute.
	Tick time.Duration
	// Wrap, when set, wraps the transport of every request to a
	// repository (tests and benchmarks count requests with it).
	Wrap func(http.RoundTripper) http.RoundTripper
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Service refreshes chart repositories, answers from their cached indexes
// and loads their charts.
type Service struct {
	cfg Config

	mu sync.Mutex
	// indexes are decoded cached indexes by repository id, each with the
	// digest it was decoded at.
	indexes map[uint64]cachedIndex
	// transports are reused between operations on one repository (its
	// connections stay open), keyed by its settings.
	transports map[uint64]cachedTransport
	// locks serialize refreshes of one repository.
	locks map[uint64]*sync.Mutex
}

type cachedIndex struct {
	digest string
	index  *Index
}

type cachedTransport struct {
	key string
	rt  http.RoundTripper
}

// New returns a service with cfg's defaults filled.
func New(cfg Config) *Service {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.Tick <= 0 {
		cfg.Tick = time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{cfg: cfg, indexes: map[uint64]cachedIndex{}, transports: map[uint64]cachedTransport{}, locks: map[uint64]*sync.Mutex{}}
}

// Interval is the refresh interval of a repository without its own.
func (s *Service) Interval() time.Duration { return s.cfg.Interval }

// client is one operation's view of a repository: its settings, opened
// credential and transport.
type client struct {
	repo               *store.ChartRepository
	username, password string
	transport          http.RoundTripper
	http               *http.Client
}

// client opens repo's credential and transport.
func (s *Service) client(ctx context.Context, repo *store.ChartRepository) (*client, error) {
	if errs := Check(repo); len(errs) > 0 {
		return nil, errs[0]
	}
	c := &client{repo: repo}
	if repo.CredentialID != nil {
		cred, err := s.cfg.Credentials.Resolve(ctx, *repo.CredentialID)
		switch {
		case errors.Is(err, credentials.ErrNoCredential):
			return nil, newError(ErrUnauthorized, "credentialId", "credential %d is gone", *repo.CredentialID)
		case err != nil:
			return nil, err
		case cred.Type != credentials.TypeRegistry:
			return nil, newError(ErrInvalid, "credentialId", "credential %d is a %s credential; a chart repository takes a registry credential (username, password)",
				*repo.CredentialID, cred.Type)
		}
		c.username, c.password = cred.Get("username"), cred.Get("password")
	}
	rt, err := s.transport(repo)
	if err != nil {
		return nil, err
	}
	c.transport = rt
	c.http = &http.Client{Transport: rt, Timeout: 5 * time.Minute}
	return c, nil
}

// transport returns the repository's transport, reused while its
// settings stay the same.
func (s *Service) transport(repo *store.ChartRepository) (http.RoundTripper, error) {
	key := fmt.Sprintf("%s\x00%t\x00%s", repo.URL, repo.Insecure, repo.CABundle)
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.transports[repo.ID]; ok && repo.ID != 0 && t.key == key {
		return t.rt, nil
	}
	// A repository being checked before it is stored has no id: nothing
	// will reuse its connections, so none are kept.
	rt, err := newTransport(repo, repo.ID != 0, s.cfg.Wrap)
	if err != nil {
		return nil, err
	}
	if repo.ID != 0 {
		if old, ok := s.transports[repo.ID]; ok {
			closeIdle(old.rt)
		}
		s.transports[repo.ID] = cachedTransport{key: key, rt: rt}
	}
	return rt, nil
}

func closeIdle(rt http.RoundTripper) {
	for {
		switch t := rt.(type) {
		case *httpsOnly:
			rt = t.next
			continue
		case interface{ CloseIdleConnections() }:
			t.CloseIdleConnections()
		}
		return
	}
}

// Forget drops what the service holds for the repository id (call it
// when the repository is deleted).
func (s *Service) Forget(id uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.transports[id]; ok {
		closeIdle(t.rt)
	}
	delete(s.transports, id)
	delete(s.indexes, id)
	delete(s.locks, id)
}

// find returns the repository name of scope, or an *Error wrapping
// ErrNotFound.
func (s *Service) find(ctx context.Context, scope store.Scope, name string) (*store.ChartRepository, error) {
	repo, err := s.cfg.Store.ChartRepositories().Get(ctx, scope, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, newError(ErrNotFound, "", "no chart repository %q in %s", name, scope)
	}
	return repo, err
}

// index returns the decoded cached index of repo, decoding it again only
// when its digest moved.
func (s *Service) index(ctx context.Context, repo *store.ChartRepository) (*Index, error) {
	s.mu.Lock()
	c, ok := s.indexes[repo.ID]
	s.mu.Unlock()
	if ok && c.digest == repo.Digest {
		return c.index, nil
	}
	data, digest, err := s.cfg.Store.ChartRepositories().IndexOf(ctx, repo.ID)
	if err != nil {
		return nil, err
	}
	ix, err := decodeIndex(data)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.indexes[repo.ID] = cachedIndex{digest: digest, index: ix}
	s.mu.Unlock()
	return ix, nil
}

// Charts lists the charts of the repository repo of scope from its cached
// index (no network), by name; empty before its first refresh.
func (s *Service) Charts(ctx context.Context, scope store.Scope, repo string) ([]Chart, error) {
	r, err := s.find(ctx, scope, repo)
	if err != nil {
		return nil, err
	}
	ix, err := s.index(ctx, r)
	if err != nil {
		return nil, err
	}
	return ix.charts(), nil
}

// Versions lists the versions of chart in the repository repo of scope,
// newest first, from its cached index (no network).
func (s *Service) Versions(ctx context.Context, scope store.Scope, repo, chartName string) ([]ChartVersion, error) {
	r, err := s.find(ctx, scope, repo)
	if err != nil {
		return nil, err
	}
	ix, err := s.index(ctx, r)
	if err != nil {
		return nil, err
	}
	vs, ok := ix.Charts[chartName]
	if !ok {
		return nil, newError(ErrNotFound, "", "chart repository %s has no chart %q", repo, chartName)
	}
	return append([]ChartVersion(nil), vs...), nil
}

// Load downloads version of chart from the repository repo of scope
// (the latest when version is empty), checks it against the digest the
// index gives, and loads it with Helm's loader.
func (s *Service) Load(ctx context.Context, scope store.Scope, repo, chartName, version string) (*chart.Chart, error) {
	r, err := s.find(ctx, scope, repo)
	if err != nil {
		return nil, err
	}
	ix, err := s.index(ctx, r)
	if err != nil {
		return nil, err
	}
	if _, ok := ix.Charts[chartName]; !ok {
		return nil, newError(ErrNotFound, "", "chart repository %s has no chart %q", repo, chartName)
	}
	v, ok := ix.find(chartName, version)
	if !ok {
		return nil, newError(ErrNotFound, "", "chart %s of repository %s has no version %q", chartName, repo, version)
	}
	c, err := s.client(ctx, r)
	if err != nil {
		return nil, err
	}
	var archive []byte
	if r.Type == store.ChartRepoOCI {
		archive, err = c.downloadOCI(ctx, chartName, v)
	} else {
		archive, err = c.downloadHTTP(ctx, chartName, v)
	}
	if err != nil {
		return nil, err
	}
	ch, err := loader.LoadArchive(bytes.NewReader(archive))
	if err != nil {
		return nil, newError(ErrInvalid, "", "chart %s %s of repository %s does not load: %v", chartName, v.Version, repo, err)
	}
	if ch.Metadata == nil || ch.Metadata.Version != v.Version {
		return nil, newError(ErrInvalid, "", "chart %s of repository %s: the archive listed as %s holds another version", chartName, repo, v.Version)
	}
	return ch, nil
}
