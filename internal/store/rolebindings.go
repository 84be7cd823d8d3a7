package store

import (
	"context"
	"fmt"

	"gorm.io/gorm/clause"
)

// RoleBindingRepo reads and writes role bindings. Get it from
// (*Store).RoleBindings.
type RoleBindingRepo struct{ s *Store }

// RoleBindings returns the role binding repository.
func (s *Store) RoleBindings() *RoleBindingRepo { return &RoleBindingRepo{s: s} }

// Put gives b.UserID the role b.Role in b's scope, replacing a role it had
// there.
func (r *RoleBindingRepo) Put(ctx context.Context, b *RoleBinding) error {
	b.ID = 0
	err := r.s.withCtx(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "user_id"}, {Name: "cluster"}, {Name: "project"}},
		DoUpdates: clause.AssignmentColumns([]string{"role", "created_by"}),
	}).Create(b).Error
	return dbError(fmt.Sprintf("bind user %d in %s/%s", b.UserID, b.Cluster, b.Project), err)
}

// Delete removes the user's role in the scope (project empty: the
// cluster); a missing binding gives ErrNotFound.
func (r *RoleBindingRepo) Delete(ctx context.Context, userID uint64, cluster, project string) error {
	res := r.s.withCtx(ctx).Where("user_id = ? AND cluster = ? AND project = ?", userID, cluster, project).Delete(&RoleBinding{})
	if res.Error != nil {
		return dbError("delete role binding", res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("delete role binding: %w", ErrNotFound)
	}
	return nil
}

// ForScope lists the bindings of one scope (project empty: the cluster's
// own bindings), oldest first.
func (r *RoleBindingRepo) ForScope(ctx context.Context, cluster, project string) ([]RoleBinding, error) {
	var out []RoleBinding
	err := r.s.withCtx(ctx).Where("cluster = ? AND project = ?", cluster, project).Order("id").Find(&out).Error
	return out, dbError("list role bindings", err)
}

// ForUserInCluster lists the user's bindings in cluster: on the cluster
// itself and on its projects.
func (r *RoleBindingRepo) ForUserInCluster(ctx context.Context, userID uint64, cluster string) ([]RoleBinding, error) {
	var out []RoleBinding
	err := r.s.withCtx(ctx).Where("user_id = ? AND cluster = ?", userID, cluster).Find(&out).Error
	return out, dbError("list role bindings of user", err)
}
