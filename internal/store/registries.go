package store

import (
	"context"
	"fmt"
)

// RegistryRepo reads and writes image registries. Get it from
// (*Store).Registries.
type RegistryRepo struct{ s *Store }

// Registries returns the registry repository.
func (s *Store) Registries() *RegistryRepo { return &RegistryRepo{s: s} }

// checkCredentials makes sure the credentials reg refers to exist in its
// scope (see checkCredential).
func (s *Store) checkCredentials(ctx context.Context, reg *Registry) error {
	if err := s.checkCredential(ctx, reg.Scope, reg.CredentialID, "credentialId"); err != nil {
		return err
	}
	return s.checkCredential(ctx, reg.Scope, reg.PullCredentialID, "pullCredentialId")
}

// checkCredential makes sure the credential id (none when nil) exists in
// scope, locking it until the transaction ends so that a concurrent
// delete of it waits and then sees the reference. field names the
// reference in the error.
func (s *Store) checkCredential(ctx context.Context, scope Scope, id *uint64, field string) error {
	if id == nil {
		return nil
	}
	// The row is read, not counted: PostgreSQL refuses FOR UPDATE with an
	// aggregate.
	var ids []uint64
	err := s.lockForUpdate(ctx).Model(&CredentialRecord{}).
		Where("id = ? AND cluster = ? AND project = ?", *id, scope.Cluster, scope.Project).Pluck("id", &ids).Error
	if err != nil {
		return dbError("check credential", err)
	}
	if len(ids) == 0 {
		return &MissingReferenceError{Field: field, ID: *id}
	}
	return nil
}

// MissingReferenceError says a record refers to a credential that does not
// exist in its scope.
type MissingReferenceError struct {
	Field string
	ID    uint64
}

func (e *MissingReferenceError) Error() string {
	return fmt.Sprintf("%s: no credential %d in this scope", e.Field, e.ID)
}

// Unwrap makes errors.Is(err, ErrNotFound) true.
func (e *MissingReferenceError) Unwrap() error { return ErrNotFound }

// Create inserts reg after checking that its credentials exist in its
// scope (a *MissingReferenceError if not); a taken name gives ErrConflict.
func (r *RegistryRepo) Create(ctx context.Context, reg *Registry) error {
	reg.ID = 0
	return r.s.Transaction(ctx, func(tx *Store) error {
		if err := tx.checkCredentials(ctx, reg); err != nil {
			return err
		}
		return dbError(fmt.Sprintf("create registry %s in %s", reg.Name, reg.Scope), tx.withCtx(ctx).Create(reg).Error)
	})
}

// Update saves every field of reg but its id, scope, name, type and
// creation, checking its credentials as Create does.
func (r *RegistryRepo) Update(ctx context.Context, reg *Registry) error {
	return r.s.Transaction(ctx, func(tx *Store) error {
		if err := tx.checkCredentials(ctx, reg); err != nil {
			return err
		}
		res := tx.withCtx(ctx).Model(reg).Select("endpoint", "settings", "credential_id", "pull_credential_id", "ca_bundle", "insecure", "updated_at").Updates(reg)
		if res.Error != nil {
			return dbError(fmt.Sprintf("update registry %s", reg.Name), res.Error)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("update registry %s: %w", reg.Name, ErrNotFound)
		}
		return nil
	})
}

// Get returns the registry name of scope.
func (r *RegistryRepo) Get(ctx context.Context, scope Scope, name string) (*Registry, error) {
	var reg Registry
	err := r.s.withCtx(ctx).Where("cluster = ? AND project = ? AND name = ?", scope.Cluster, scope.Project, name).Take(&reg).Error
	if err != nil {
		return nil, dbError(fmt.Sprintf("get registry %s in %s", name, scope), err)
	}
	return &reg, nil
}

// ByID returns the registry id, whatever its scope.
func (r *RegistryRepo) ByID(ctx context.Context, id uint64) (*Registry, error) {
	var reg Registry
	if err := r.s.withCtx(ctx).Where("id = ?", id).Take(&reg).Error; err != nil {
		return nil, dbError(fmt.Sprintf("get registry %d", id), err)
	}
	return &reg, nil
}

// UsingCredential lists the registries that refer to the credential id.
func (r *RegistryRepo) UsingCredential(ctx context.Context, id uint64) ([]Registry, error) {
	var out []Registry
	err := r.s.withCtx(ctx).Where("credential_id = ? OR pull_credential_id = ?", id, id).Order("id").Find(&out).Error
	return out, dbError("list registries using a credential", err)
}

// List returns the registries of scope, a page at a time; opts.Search
// keeps those whose name contains it.
func (r *RegistryRepo) List(ctx context.Context, scope Scope, opts ListOptions) ([]Registry, string, error) {
	q := r.s.withCtx(ctx).Model(&Registry{}).Where("cluster = ? AND project = ?", scope.Cluster, scope.Project)
	if opts.Search != "" {
		q = q.Where("LOWER(name) LIKE ? ESCAPE '!'", containsPattern(opts.Search))
	}
	items, next, err := page(q, opts, false, func(g *Registry) uint64 { return g.ID })
	if err != nil {
		return nil, "", listError("list registries", err)
	}
	return items, next, nil
}

// Delete removes the registry with its pull-secret targets (and their
// statuses), webhooks and their deliveries, in one transaction. The
// targets' Secrets in clusters are the keeper's to remove.
func (r *RegistryRepo) Delete(ctx context.Context, reg *Registry) error {
	return r.s.Transaction(ctx, func(tx *Store) error {
		db := tx.withCtx(ctx)
		targets := db.Model(&PullSecretTarget{}).Select("id").Where("registry_id = ?", reg.ID)
		if err := db.Where("target_id IN (?)", targets).Delete(&PullSecretStatus{}).Error; err != nil {
			return dbError("delete pull secret statuses", err)
		}
		if err := db.Where("registry_id = ?", reg.ID).Delete(&PullSecretTarget{}).Error; err != nil {
			return dbError("delete pull secret targets", err)
		}
		hooks := db.Model(&RegistryWebhook{}).Select("id").Where("registry_id = ?", reg.ID)
		if err := db.Where("webhook_id IN (?)", hooks).Delete(&WebhookDelivery{}).Error; err != nil {
			return dbError("delete webhook deliveries", err)
		}
		if err := db.Where("registry_id = ?", reg.ID).Delete(&RegistryWebhook{}).Error; err != nil {
			return dbError("delete webhooks", err)
		}
		res := db.Where("id = ?", reg.ID).Delete(&Registry{})
		if res.Error != nil {
			return dbError(fmt.Sprintf("delete registry %s", reg.Name), res.Error)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("delete registry %s: %w", reg.Name, ErrNotFound)
		}
		return nil
	})
}
