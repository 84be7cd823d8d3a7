package chartrepo

import (
	"context"
	"sync"

	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// maxErrorLen bounds the stored last error (the column's size).
const maxErrorLen = 1024

// Refresh reads the index of the repository name of scope and stores it
// when it changed. changed says whether it did; a refresh that finds
// nothing new only records when it ran. A failed refresh records why
// (LastError) and keeps the cached index.
func (s *Service) Refresh(ctx context.Context, scope store.Scope, name string) (changed bool, err error) {
	r, err := s.find(ctx, scope, name)
	if err != nil {
		return false, err
	}
	return s.refresh(ctx, r)
}

// lock serializes refreshes of the repository id: a second one waits and
// then costs a 304.
func (s *Service) lock(id uint64) func() {
	s.mu.Lock()
	l, ok := s.locks[id]
	if !ok {
		l = &sync.Mutex{}
		s.locks[id] = l
	}
	s.mu.Unlock()
	l.Lock()
	return l.Unlock
}

func (s *Service) refresh(ctx context.Context, listed *store.ChartRepository) (bool, error) {
	defer s.lock(listed.ID)()
	// Read again under the lock: a refresh that held it stored new
	// validators.
	r, err := s.find(ctx, listed.Scope, listed.Name)
	if err != nil {
		return false, err
	}
	var cached *Index
	if r.Type == store.ChartRepoOCI && r.Digest != "" {
		// Versions the cache has are not read again.
		if cached, err = s.index(ctx, r); err != nil {
			return false, err
		}
	}
	f, err := s.fetch(ctx, r, cached)
	repos := s.cfg.Store.ChartRepositories()
	if err != nil {
		if ctx.Err() == nil {
			r.LastError = truncate(err.Error(), maxErrorLen)
			if serr := repos.SetError(ctx, r); serr != nil {
				s.cfg.Logger.Warn("Recording a failed chart repository refresh failed", "repository", r.Name, "scope", r.Scope.String(), "error", serr)
			}
		}
		return false, err
	}
	now := s.cfg.Now().UTC()
	r.RefreshedAt, r.LastError = &now, ""
	r.ETag, r.LastModified = f.etag, f.modified
	if f.index == nil {
		return false, repos.Touch(ctx, r)
	}
	data, err := f.index.encode()
	if err != nil {
		return false, err
	}
	r.Digest, r.IndexData, r.ChangedAt = f.digest, data, &now
	if err := repos.SaveIndex(ctx, r); err != nil {
		return false, err
	}
	s.mu.Lock()
	s.indexes[r.ID] = cachedIndex{digest: f.digest, index: f.index}
	s.mu.Unlock()
	return true, nil
}

// fetch reads r's index with its cached validators (cached: what the
// cache holds of an OCI repository). The result's index is nil when
// nothing changed.
func (s *Service) fetch(ctx context.Context, r *store.ChartRepository, cached *Index) (*fetched, error) {
	c, err := s.client(ctx, r)
	if err != nil {
		return nil, err
	}
	if r.Type == store.ChartRepoOCI {
		return c.fetchOCI(ctx, r, cached)
	}
	return c.fetchHTTP(ctx, r)
}

// Read reads the index of repo, which need not be stored yet, into its
// cache fields (validators, digest, index, times), so that a repository
// is stored with its index in one write, or not at all when it cannot be
// read.
func (s *Service) Read(ctx context.Context, repo *store.ChartRepository) error {
	fresh := *repo
	fresh.ETag, fresh.LastModified, fresh.Digest = "", "", ""
	f, err := s.fetch(ctx, &fresh, nil)
	if err != nil {
		return err
	}
	if f.index == nil {
		return newError(ErrInvalid, "url", "read %s: the server answered 304 Not Modified to a request without validators", redact(indexURL(repo.URL)))
	}
	data, err := f.index.encode()
	if err != nil {
		return err
	}
	now := s.cfg.Now().UTC()
	repo.ETag, repo.LastModified, repo.Digest, repo.IndexData = f.etag, f.modified, f.digest, data
	repo.RefreshedAt, repo.ChangedAt, repo.LastError = &now, &now, ""
	return nil
}

// ClearCache empties repo's cache fields: what a repository whose URL or
// credential changed holds no longer describes it.
func ClearCache(repo *store.ChartRepository) {
	repo.ETag, repo.LastModified, repo.Digest, repo.IndexData = "", "", "", ""
	repo.RefreshedAt, repo.ChangedAt, repo.LastError = nil, nil, ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}
