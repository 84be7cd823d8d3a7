package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
)

// ChartRepoRepo reads and writes Helm chart repositories. Get it from
// (*Store).ChartRepositories.
type ChartRepoRepo struct{ s *Store }

// ChartRepositories returns the chart repository repository.
func (s *Store) ChartRepositories() *ChartRepoRepo { return &ChartRepoRepo{s: s} }

// Columns Update writes: the settings, and with them the cached index
// when asked (a new URL or credential makes the old cache meaningless).
var (
	chartRepoSettingColumns = []string{"url", "credential_id", "ca_bundle", "insecure", "refresh_seconds", "updated_at"}
	chartRepoCacheColumns   = []string{"etag", "last_modified", "digest", "refreshed_at", "changed_at", "last_error"}
)

// Create inserts repo, with its cached index if it was read first, after
// checking that its credential exists in its scope (a
// *MissingReferenceError if not); a taken name gives ErrConflict.
func (r *ChartRepoRepo) Create(ctx context.Context, repo *ChartRepository) error {
	repo.ID = 0
	return r.s.Transaction(ctx, func(tx *Store) error {
		if err := tx.checkCredential(ctx, repo.Scope, repo.CredentialID, "credentialId"); err != nil {
			return err
		}
		if err := tx.withCtx(ctx).Create(repo).Error; err != nil {
			return dbError(fmt.Sprintf("create chart repository %s in %s", repo.Name, repo.Scope), err)
		}
		return tx.putIndex(ctx, repo)
	})
}

// putIndex writes repo.IndexData as the repository's cached index.
func (s *Store) putIndex(ctx context.Context, repo *ChartRepository) error {
	row := &ChartRepositoryIndex{RepositoryID: repo.ID, Data: repo.IndexData}
	err := s.withCtx(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "repository_id"}}, DoUpdates: clause.AssignmentColumns([]string{"data"})}).
		Create(row).Error
	return dbError(fmt.Sprintf("save the index of chart repository %s", repo.Name), err)
}

// Update saves repo's settings, and its cache fields too when withCache
// (IndexData as given: the caller read it anew, or cleared it with the
// validators), after checking its credential as Create does. Id, scope,
// name, type and creation stay.
func (r *ChartRepoRepo) Update(ctx context.Context, repo *ChartRepository, withCache bool) error {
	cols := chartRepoSettingColumns
	if withCache {
		cols = append(append([]string{}, cols...), chartRepoCacheColumns...)
	}
	return r.s.Transaction(ctx, func(tx *Store) error {
		if err := tx.checkCredential(ctx, repo.Scope, repo.CredentialID, "credentialId"); err != nil {
			return err
		}
		res := tx.withCtx(ctx).Model(repo).Select(cols).Updates(repo)
		if res.Error != nil {
			return dbError(fmt.Sprintf("update chart repository %s", repo.Name), res.Error)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("update chart repository %s: %w", repo.Name, ErrNotFound)
		}
		if !withCache {
			return nil
		}
		return tx.putIndex(ctx, repo)
	})
}

// SaveIndex records a refresh that found a new index: validators, digest,
// the index, and when.
func (r *ChartRepoRepo) SaveIndex(ctx context.Context, repo *ChartRepository) error {
	return r.s.Transaction(ctx, func(tx *Store) error {
		if err := tx.ChartRepositories().saveState(ctx, repo, chartRepoCacheColumns...); err != nil {
			return err
		}
		return tx.putIndex(ctx, repo)
	})
}

// Touch records a refresh that found nothing new: its validators (a
// server may send new ones for the same index), RefreshedAt and a cleared
// LastError. The cached index is not rewritten.
func (r *ChartRepoRepo) Touch(ctx context.Context, repo *ChartRepository) error {
	return r.saveState(ctx, repo, "etag", "last_modified", "refreshed_at", "last_error")
}

// SetError records a refresh that failed: LastError alone, so the cached
// index and when it was read stay.
func (r *ChartRepoRepo) SetError(ctx context.Context, repo *ChartRepository) error {
	return r.saveState(ctx, repo, "last_error")
}

func (r *ChartRepoRepo) saveState(ctx context.Context, repo *ChartRepository, cols ...string) error {
	// UpdateColumns: the settings' updated_at is not the refresh's.
	res := r.s.withCtx(ctx).Model(repo).Select(cols).UpdateColumns(repo)
	if res.Error != nil {
		return dbError(fmt.Sprintf("save the index of chart repository %s", repo.Name), res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("save the index of chart repository %s: %w", repo.Name, ErrNotFound)
	}
	return nil
}

// Get returns the chart repository name of scope, without its index.
func (r *ChartRepoRepo) Get(ctx context.Context, scope Scope, name string) (*ChartRepository, error) {
	var repo ChartRepository
	err := r.s.withCtx(ctx).Where("cluster = ? AND project = ? AND name = ?", scope.Cluster, scope.Project, name).Take(&repo).Error
	if err != nil {
		return nil, dbError(fmt.Sprintf("get chart repository %s in %s", name, scope), err)
	}
	return &repo, nil
}

// IndexOf returns the cached index of the repository id and the digest it
// has, read together; "" when none was read yet.
func (r *ChartRepoRepo) IndexOf(ctx context.Context, id uint64) (index, digest string, err error) {
	var data, dig sql.NullString
	row := r.s.withCtx(ctx).Table("chart_repositories AS r").Select("i.data", "r.digest").
		Joins("LEFT JOIN chart_repository_indexes i ON i.repository_id = r.id").Where("r.id = ?", id).Row()
	if err := row.Scan(&data, &dig); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return "", "", fmt.Errorf("get the index of chart repository %d: %w", id, ErrNotFound)
		}
		return "", "", dbError(fmt.Sprintf("get the index of chart repository %d", id), err)
	}
	return data.String, dig.String, nil
}

// All returns every chart repository of every scope, without indexes,
// for the scheduler.
func (r *ChartRepoRepo) All(ctx context.Context) ([]ChartRepository, error) {
	var out []ChartRepository
	err := r.s.withCtx(ctx).Order("id").Find(&out).Error
	return out, dbError("list all chart repositories", err)
}

// List returns the chart repositories of scope, a page at a time, without
// indexes; opts.Search keeps those whose name contains it.
func (r *ChartRepoRepo) List(ctx context.Context, scope Scope, opts ListOptions) ([]ChartRepository, string, error) {
	q := r.s.withCtx(ctx).Model(&ChartRepository{}).Where("cluster = ? AND project = ?", scope.Cluster, scope.Project)
	if opts.Search != "" {
		q = q.Where("LOWER(name) LIKE ? ESCAPE '!'", containsPattern(opts.Search))
	}
	items, next, err := page(q, opts, false, func(g *ChartRepository) uint64 { return g.ID })
	if err != nil {
		return nil, "", listError("list chart repositories", err)
	}
	return items, next, nil
}

// Delete removes the chart repository and its cached index.
func (r *ChartRepoRepo) Delete(ctx context.Context, repo *ChartRepository) error {
	return r.s.Transaction(ctx, func(tx *Store) error {
		db := tx.withCtx(ctx)
		if err := db.Where("repository_id = ?", repo.ID).Delete(&ChartRepositoryIndex{}).Error; err != nil {
			return dbError(fmt.Sprintf("delete the index of chart repository %s", repo.Name), err)
		}
		res := db.Where("id = ?", repo.ID).Delete(&ChartRepository{})
		if res.Error != nil {
			return dbError(fmt.Sprintf("delete chart repository %s", repo.Name), res.Error)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("delete chart repository %s: %w", repo.Name, ErrNotFound)
		}
		return nil
	})
}

// RefreshInterval is how often the repository is refreshed: its own
// RefreshSeconds, or def when it has none.
func (c *ChartRepository) RefreshInterval(def time.Duration) time.Duration {
	if c.RefreshSeconds > 0 {
		return time.Duration(c.RefreshSeconds) * time.Second
	}
	return def
}
