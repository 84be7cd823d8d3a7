package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// ProjectRepo reads and writes projects. Get it from (*Store).Projects.
type ProjectRepo struct{ s *Store }

// Projects returns the project repository.
func (s *Store) Projects() *ProjectRepo { return &ProjectRepo{s: s} }

// Create inserts p; a taken (cluster, name) gives ErrConflict.
func (r *ProjectRepo) Create(ctx context.Context, p *Project) error {
	p.ID = 0
	return dbError(fmt.Sprintf("create project %s/%s", p.Cluster, p.Name), r.s.withCtx(ctx).Create(p).Error)
}

// Get returns the project name of cluster.
func (r *ProjectRepo) Get(ctx context.Context, cluster, name string) (*Project, error) {
	var p Project
	if err := r.s.withCtx(ctx).Where("cluster = ? AND name = ?", cluster, name).Take(&p).Error; err != nil {
		return nil, dbError(fmt.Sprintf("get project %s/%s", cluster, name), err)
	}
	return &p, nil
}

// List returns the projects of cluster, a page at a time.
func (r *ProjectRepo) List(ctx context.Context, cluster string, opts ListOptions) ([]Project, string, error) {
	q := r.s.withCtx(ctx).Model(&Project{}).Where("cluster = ?", cluster)
	items, next, err := page(q, opts, false, func(p *Project) uint64 { return p.ID })
	if err != nil {
		return nil, "", listError("list projects", err)
	}
	return items, next, nil
}

// Update saves every field of p except ID and CreatedAt.
func (r *ProjectRepo) Update(ctx context.Context, p *Project) error {
	res := r.s.withCtx(ctx).Model(p).Select("*").Omit("id", "created_at").Updates(p)
	if res.Error != nil {
		return dbError(fmt.Sprintf("update project %s/%s", p.Cluster, p.Name), res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("update project %s/%s: %w", p.Cluster, p.Name, ErrNotFound)
	}
	return nil
}

// Delete removes the project and its role bindings in one transaction.
func (r *ProjectRepo) Delete(ctx context.Context, p *Project) error {
	return r.s.withCtx(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("cluster = ? AND project = ?", p.Cluster, p.Name).Delete(&RoleBinding{}).Error; err != nil {
			return dbError("delete project role bindings", err)
		}
		res := tx.Where("id = ?", p.ID).Delete(&Project{})
		if res.Error != nil {
			return dbError(fmt.Sprintf("delete project %s/%s", p.Cluster, p.Name), res.Error)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("delete project %s/%s: %w", p.Cluster, p.Name, ErrNotFound)
		}
		return nil
	})
}
