package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"
)

// credentialSecretName is the name of a credential record's sealed fields
// under its owner.
const credentialSecretName = "fields"

// ErrInUse is wrapped by the error for deleting a record others refer to.
var ErrInUse = errors.New("in use")

// CredentialRecordRepo reads and writes the credentials users manage,
// sealing their secret fields with the keyring. Get it from
// (*Store).CredentialRecords.
type CredentialRecordRepo struct {
	s     *Store
	creds *CredentialRepo
}

// CredentialRecords returns the credential record repository.
func (s *Store) CredentialRecords(c *CredentialRepo) *CredentialRecordRepo {
	return &CredentialRecordRepo{s: s, creds: c}
}

// Create inserts rec with its secret fields (a JSON document) sealed, in
// one transaction; a name taken in the scope gives ErrConflict.
func (r *CredentialRecordRepo) Create(ctx context.Context, rec *CredentialRecord, secret []byte) error {
	rec.ID = 0
	return r.s.Transaction(ctx, func(tx *Store) error {
		if err := tx.withCtx(ctx).Create(rec).Error; err != nil {
			return dbError(fmt.Sprintf("create credential %s in %s", rec.Name, rec.Scope), err)
		}
		return tx.Credentials(r.creds.keyring).Put(ctx, CredentialRecordOwner(rec.ID), credentialSecretName, secret)
	})
}

// Get returns the credential id of scope.
func (r *CredentialRecordRepo) Get(ctx context.Context, scope Scope, id uint64) (*CredentialRecord, error) {
	var rec CredentialRecord
	err := r.s.withCtx(ctx).Where("id = ? AND cluster = ? AND project = ?", id, scope.Cluster, scope.Project).Take(&rec).Error
	if err != nil {
		return nil, dbError(fmt.Sprintf("get credential %d in %s", id, scope), err)
	}
	return &rec, nil
}

// ByID returns the credential id, whatever its scope (for the server's
// own use: the pull-secret keeper).
func (r *CredentialRecordRepo) ByID(ctx context.Context, id uint64) (*CredentialRecord, error) {
	var rec CredentialRecord
	if err := r.s.withCtx(ctx).Where("id = ?", id).Take(&rec).Error; err != nil {
		return nil, dbError(fmt.Sprintf("get credential %d", id), err)
	}
	return &rec, nil
}

// Secret returns the credential's sealed fields, opened.
func (r *CredentialRecordRepo) Secret(ctx context.Context, id uint64) ([]byte, error) {
	return r.creds.Get(ctx, CredentialRecordOwner(id), credentialSecretName)
}

// List returns the credentials of scope, a page at a time; opts.Search
// keeps those whose name contains it.
func (r *CredentialRecordRepo) List(ctx context.Context, scope Scope, opts ListOptions) ([]CredentialRecord, string, error) {
	q := r.s.withCtx(ctx).Model(&CredentialRecord{}).Where("cluster = ? AND project = ?", scope.Cluster, scope.Project)
	if opts.Search != "" {
		q = q.Where("LOWER(name) LIKE ? ESCAPE '!'", containsPattern(opts.Search))
	}
	items, next, err := page(q, opts, false, func(c *CredentialRecord) uint64 { return c.ID })
	if err != nil {
		return nil, "", listError("list credentials", err)
	}
	return items, next, nil
}

// Update saves rec's description and public fields and, when secret is
// not nil, replaces its sealed fields, in one transaction. changed names
// the secret fields secret sets anew; their change times become now.
func (r *CredentialRecordRepo) Update(ctx context.Context, rec *CredentialRecord, secret []byte, changed []string) error {
	return r.s.Transaction(ctx, func(tx *Store) error {
		now := now()
		fc := maps.Clone(rec.FieldsChanged)
		if fc == nil {
			fc = map[string]time.Time{}
		}
		for _, f := range changed {
			fc[f] = now
		}
		rec.FieldsChanged = fc
		res := tx.withCtx(ctx).Model(rec).Select("description", "public", "fields_changed", "updated_at").Updates(rec)
		if res.Error != nil {
			return dbError(fmt.Sprintf("update credential %d", rec.ID), res.Error)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("update credential %d: %w", rec.ID, ErrNotFound)
		}
		if secret == nil {
			return nil
		}
		return tx.Credentials(r.creds.keyring).Put(ctx, CredentialRecordOwner(rec.ID), credentialSecretName, secret)
	})
}

// Usage kinds: what refers to a credential.
const (
	UsageRegistry        = "registry"
	UsageChartRepository = "chartRepository"
)

// Usage is a record that refers to a credential.
type Usage struct {
	// Kind is "registry" or "chartRepository".
	Kind  string `json:"kind"`
	ID    uint64 `json:"id"`
	Name  string `json:"name"`
	Scope Scope  `json:"-"`
	// Field is the reference: credentialId or pullCredentialId.
	Field string `json:"field"`
}

// Usages lists what refers to the credential id.
func (r *CredentialRecordRepo) Usages(ctx context.Context, id uint64) ([]Usage, error) {
	var regs []Registry
	if err := r.s.withCtx(ctx).Where("credential_id = ? OR pull_credential_id = ?", id, id).Order("id").Find(&regs).Error; err != nil {
		return nil, dbError(fmt.Sprintf("list usages of credential %d", id), err)
	}
	out := []Usage{}
	for _, g := range regs {
		if g.CredentialID != nil && *g.CredentialID == id {
			out = append(out, Usage{Kind: UsageRegistry, ID: g.ID, Name: g.Name, Scope: g.Scope, Field: "credentialId"})
		}
		if g.PullCredentialID != nil && *g.PullCredentialID == id {
			out = append(out, Usage{Kind: UsageRegistry, ID: g.ID, Name: g.Name, Scope: g.Scope, Field: "pullCredentialId"})
		}
	}
	var charts []ChartRepository
	if err := r.s.withCtx(ctx).Where("credential_id = ?", id).Order("id").Find(&charts).Error; err != nil {
		return nil, dbError(fmt.Sprintf("list usages of credential %d", id), err)
	}
	for _, c := range charts {
		out = append(out, Usage{Kind: UsageChartRepository, ID: c.ID, Name: c.Name, Scope: c.Scope, Field: "credentialId"})
	}
	return out, nil
}

// Delete removes the credential and its sealed fields, unless something
// refers to it: then the error wraps ErrInUse and the usages are returned.
// The check and the delete are one transaction, so nothing can start
// referring to the credential between them.
func (r *CredentialRecordRepo) Delete(ctx context.Context, scope Scope, id uint64) ([]Usage, error) {
	var usages []Usage
	err := r.s.Transaction(ctx, func(tx *Store) error {
		var rec CredentialRecord
		// Lock the row where the database can, so a registry or chart
		// repository created meanwhile waits for the delete and then fails
		// its reference check.
		if err := tx.lockForUpdate(ctx).Where("id = ? AND cluster = ? AND project = ?", id, scope.Cluster, scope.Project).Take(&rec).Error; err != nil {
			return dbError(fmt.Sprintf("delete credential %d", id), err)
		}
		u, err := tx.CredentialRecords(r.creds).Usages(ctx, id)
		if err != nil {
			return err
		}
		if len(u) > 0 {
			usages = u
			return fmt.Errorf("delete credential %d: %w", id, ErrInUse)
		}
		if err := tx.withCtx(ctx).Where("id = ?", id).Delete(&CredentialRecord{}).Error; err != nil {
			return dbError(fmt.Sprintf("delete credential %d", id), err)
		}
		return tx.Credentials(r.creds.keyring).DeleteOwner(ctx, CredentialRecordOwner(id))
	})
	return usages, err
}
