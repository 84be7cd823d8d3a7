package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// ClusterRepo reads and writes member cluster records. Get it from
// (*Store).Clusters.
type ClusterRepo struct{ s *Store }

// Clusters returns the cluster repository.
func (s *Store) Clusters() *ClusterRepo { return &ClusterRepo{s: s} }

// Create inserts c and sets its ID. A taken name gives ErrConflict.
func (r *ClusterRepo) Create(ctx context.Context, c *Cluster) error {
	c.ID = 0
	return dbError(fmt.Sprintf("create cluster %q", c.Name), r.s.withCtx(ctx).Create(c).Error)
}

// GetByName returns the named cluster.
func (r *ClusterRepo) GetByName(ctx context.Context, name string) (*Cluster, error) {
	var c Cluster
	if err := r.s.withCtx(ctx).Where("name = ?", name).Take(&c).Error; err != nil {
		return nil, dbError(fmt.Sprintf("get cluster %q", name), err)
	}
	return &c, nil
}

// List returns clusters in id order, a page at a time; opts.Search keeps
// clusters whose name or display name contains it.
func (r *ClusterRepo) List(ctx context.Context, opts ListOptions) (items []Cluster, next string, err error) {
	q := r.s.withCtx(ctx).Model(&Cluster{})
	if opts.Search != "" {
		p := containsPattern(opts.Search)
		q = q.Where("LOWER(name) LIKE ? ESCAPE '!' OR LOWER(display_name) LIKE ? ESCAPE '!'", p, p)
	}
	items, next, err = page(q, opts, false, func(c *Cluster) uint64 { return c.ID })
	if err != nil {
		return nil, "", listError("list clusters", err)
	}
	return items, next, nil
}

// All returns every cluster (the server connects them all at start).
func (r *ClusterRepo) All(ctx context.Context) ([]Cluster, error) {
	var out []Cluster
	if err := r.s.withCtx(ctx).Order("id").Find(&out).Error; err != nil {
		return nil, dbError("list clusters", err)
	}
	return out, nil
}

// Update saves every field of c except ID and CreatedAt.
func (r *ClusterRepo) Update(ctx context.Context, c *Cluster) error {
	res := r.s.withCtx(ctx).Model(c).Select("*").Omit("id", "created_at", "progress").Updates(c)
	if res.Error != nil {
		return dbError(fmt.Sprintf("update cluster %q", c.Name), res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("update cluster %q: %w", c.Name, ErrNotFound)
	}
	return nil
}

// Delete removes the cluster with its credentials, projects, role bindings
// and configuration history in one transaction.
func (r *ClusterRepo) Delete(ctx context.Context, id uint64) error {
	return r.s.withCtx(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("owner = ?", ClusterOwner(id)).Delete(&Credential{}).Error; err != nil {
			return dbError(fmt.Sprintf("delete credentials of cluster %d", id), err)
		}
		var c Cluster
		if err := tx.Where("id = ?", id).Take(&c).Error; err == nil {
			if err := tx.Where("cluster = ?", c.Name).Delete(&RoleBinding{}).Error; err != nil {
				return dbError("delete role bindings of cluster", err)
			}
			if err := tx.Where("cluster = ?", c.Name).Delete(&Project{}).Error; err != nil {
				return dbError("delete projects of cluster", err)
			}
			// A cluster imported again under the same name starts with no
			// configuration history of its predecessor.
			if err := tx.Where("cluster = ?", c.Name).Delete(&ConfigVersion{}).Error; err != nil {
				return dbError("delete configuration history of cluster", err)
			}
		}
		res := tx.Where("id = ?", id).Delete(&Cluster{})
		if res.Error != nil {
			return dbError(fmt.Sprintf("delete cluster %d", id), res.Error)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("delete cluster %d: %w", id, ErrNotFound)
		}
		return nil
	})
}

// RecordEvent adds ev to the events of the cluster with the given id,
// keeping the newest keep. An event equal to the latest one in type,
// reason and message only counts again. Callers that may record events
// of one cluster at once must serialize their calls: two transactions
// could each read the list before the other wrote it.
func (r *ClusterRepo) RecordEvent(ctx context.Context, id uint64, ev ClusterEvent, keep int) error {
	return r.s.Transaction(ctx, func(tx *Store) error {
		var c Cluster
		if err := tx.withCtx(ctx).Select("id", "name", "progress").Where("id = ?", id).Take(&c).Error; err != nil {
			return dbError(fmt.Sprintf("record event of cluster %d", id), err)
		}
		if n := len(c.Events); n > 0 && c.Events[n-1].Type == ev.Type && c.Events[n-1].Reason == ev.Reason && c.Events[n-1].Message == ev.Message {
			last := &c.Events[n-1]
			last.Count = max(last.Count, 1) + 1
			last.LastTime = ev.Time
		} else {
			ev.Count = 1
			c.Events = append(c.Events, ev)
		}
		if len(c.Events) > keep {
			c.Events = c.Events[len(c.Events)-keep:]
		}
		if err := tx.withCtx(ctx).Model(&c).Select("progress").Updates(&c).Error; err != nil {
			return dbError(fmt.Sprintf("record event of cluster %q", c.Name), err)
		}
		return nil
	})
}
