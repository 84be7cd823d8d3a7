package chartrepo

import (
	"context"
	"time"

	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// retryAfterFailure bounds how long a repository whose refresh failed
// waits for the next attempt.
const retryAfterFailure = 5 * time.Minute

// Run refreshes every repository when its interval is due, until ctx
// ends. A repository is due its interval after its last attempt (after
// its last success, at start); one that failed is tried again after at
// most five minutes. Failures are recorded on the repository (LastError),
// and logged; they never stop the loop.
func (s *Service) Run(ctx context.Context) error {
	attempts := map[uint64]attempt{}
	t := time.NewTicker(s.cfg.Tick)
	defer t.Stop()
	for {
		s.refreshDue(ctx, attempts)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// attempt is the scheduler's memory of a repository's last refresh.
type attempt struct {
	at     time.Time
	failed bool
}

// refreshDue refreshes the repositories that are due, one at a time (a
// refresh is mostly waiting on the network, and the server has other work).
func (s *Service) refreshDue(ctx context.Context, attempts map[uint64]attempt) {
	repos, err := s.cfg.Store.ChartRepositories().All(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.cfg.Logger.Warn("Listing chart repositories to refresh failed", "error", err)
		}
		return
	}
	seen := make(map[uint64]bool, len(repos))
	for i := range repos {
		r := &repos[i]
		seen[r.ID] = true
		if !s.due(r, attempts[r.ID]) {
			continue
		}
		changed, err := s.refresh(ctx, r)
		if ctx.Err() != nil {
			return
		}
		attempts[r.ID] = attempt{at: s.cfg.Now(), failed: err != nil}
		if err != nil {
			s.cfg.Logger.Warn("Chart repository refresh failed", "repository", r.Name, "scope", r.Scope.String(), "error", err)
		} else if changed {
			s.cfg.Logger.Info("Chart repository changed", "repository", r.Name, "scope", r.Scope.String())
		}
	}
	for id := range attempts {
		if !seen[id] {
			delete(attempts, id)
		}
	}
}

// due says whether r is due a refresh, given the scheduler's last attempt.
func (s *Service) due(r *store.ChartRepository, last attempt) bool {
	interval := r.RefreshInterval(s.cfg.Interval)
	from := last.at
	if from.IsZero() {
		if r.RefreshedAt == nil {
			return true
		}
		from = *r.RefreshedAt
	}
	if last.failed {
		interval = min(interval, retryAfterFailure)
	}
	return !s.cfg.Now().Before(from.Add(interval))
}
