package store

import (
	"context"
	"fmt"

	"gorm.io/gorm/clause"
)

// PullSecretRepo reads and writes pull-secret targets and their status.
// Get it from (*Store).PullSecrets.
type PullSecretRepo struct{ s *Store }

// PullSecrets returns the pull-secret repository.
func (s *Store) PullSecrets() *PullSecretRepo { return &PullSecretRepo{s: s} }

// Create inserts t.
func (r *PullSecretRepo) Create(ctx context.Context, t *PullSecretTarget) error {
	t.ID = 0
	return dbError("create pull secret target", r.s.withCtx(ctx).Create(t).Error)
}

// Get returns target id of registry.
func (r *PullSecretRepo) Get(ctx context.Context, registryID, id uint64) (*PullSecretTarget, error) {
	var t PullSecretTarget
	if err := r.s.withCtx(ctx).Where("id = ? AND registry_id = ?", id, registryID).Take(&t).Error; err != nil {
		return nil, dbError(fmt.Sprintf("get pull secret target %d", id), err)
	}
	return &t, nil
}

// ForRegistry lists the targets of a registry, oldest first.
func (r *PullSecretRepo) ForRegistry(ctx context.Context, registryID uint64) ([]PullSecretTarget, error) {
	var out []PullSecretTarget
	err := r.s.withCtx(ctx).Where("registry_id = ?", registryID).Order("id").Find(&out).Error
	return out, dbError("list pull secret targets", err)
}

// ForCluster lists the targets in a cluster, oldest first.
func (r *PullSecretRepo) ForCluster(ctx context.Context, cluster string) ([]PullSecretTarget, error) {
	var out []PullSecretTarget
	err := r.s.withCtx(ctx).Where("cluster = ?", cluster).Order("id").Find(&out).Error
	return out, dbError("list pull secret targets of cluster", err)
}

// Delete removes target id of registry and its statuses.
func (r *PullSecretRepo) Delete(ctx context.Context, registryID, id uint64) error {
	return r.s.Transaction(ctx, func(tx *Store) error {
		res := tx.withCtx(ctx).Where("id = ? AND registry_id = ?", id, registryID).Delete(&PullSecretTarget{})
		if res.Error != nil {
			return dbError("delete pull secret target", res.Error)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("delete pull secret target %d: %w", id, ErrNotFound)
		}
		return dbError("delete pull secret statuses", tx.withCtx(ctx).Where("target_id = ?", id).Delete(&PullSecretStatus{}).Error)
	})
}

// Statuses returns the statuses of the given targets, by target.
func (r *PullSecretRepo) Statuses(ctx context.Context, targetIDs []uint64) (map[uint64][]PullSecretStatus, error) {
	out := map[uint64][]PullSecretStatus{}
	if len(targetIDs) == 0 {
		return out, nil
	}
	var rows []PullSecretStatus
	if err := r.s.withCtx(ctx).Where("target_id IN ?", targetIDs).Order("namespace").Find(&rows).Error; err != nil {
		return nil, dbError("list pull secret statuses", err)
	}
	for _, s := range rows {
		out[s.TargetID] = append(out[s.TargetID], s)
	}
	return out, nil
}

// PutStatus records st (by target and namespace), replacing the previous
// one.
func (r *PullSecretRepo) PutStatus(ctx context.Context, st *PullSecretStatus) error {
	st.ID = 0
	st.WrittenAt, st.ExpiresAt = dbTimePtr(st.WrittenAt), dbTimePtr(st.ExpiresAt)
	err := r.s.withCtx(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "target_id"}, {Name: "namespace"}},
		DoUpdates: clause.AssignmentColumns([]string{"written_at", "expires_at", "error", "updated_at"}),
	}).Create(st).Error
	return dbError("put pull secret status", err)
}

// DeleteStatus forgets the status of target in namespace (the namespace
// left the target).
func (r *PullSecretRepo) DeleteStatus(ctx context.Context, targetID uint64, namespace string) error {
	err := r.s.withCtx(ctx).Where("target_id = ? AND namespace = ?", targetID, namespace).Delete(&PullSecretStatus{}).Error
	return dbError("delete pull secret status", err)
}
