package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"gorm.io/gorm/clause"

	"github.com/wheelhouse-dev/wheelhouse/internal/secrets"
)

// credentialAADDomain separates credential associated data from any other
// use of the keyring.
const credentialAADDomain = "wheelhouse/credential/v1\x00"

// reencryptBatch is how many rows Reencrypt reads at a time.
const reencryptBatch = 100

// CredentialRepo stores secrets encrypted with a keyring. Get it from
// (*Store).Credentials.
type CredentialRepo struct {
	s       *Store
	keyring *secrets.Keyring
}

// Credentials returns the credential repository, sealing and opening with
// keyring.
func (s *Store) Credentials(keyring *secrets.Keyring) *CredentialRepo {
	return &CredentialRepo{s: s, keyring: keyring}
}

// credentialAAD binds a ciphertext to its (owner, name), length-prefixed so
// no two pairs share an encoding: a ciphertext copied to another row does
// not open there.
func credentialAAD(owner, name string) []byte {
	b := make([]byte, 0, len(credentialAADDomain)+8+len(owner)+len(name))
	b = append(b, credentialAADDomain...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(owner)))
	b = append(b, owner...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(name)))
	b = append(b, name...)
	return b
}

func (r *CredentialRepo) check(owner, name string) error {
	if r.keyring == nil {
		return errors.New("credentials: no keyring")
	}
	if owner == "" || name == "" {
		return errors.New("credentials: owner and name must not be empty")
	}
	return nil
}

// Put stores plaintext as the credential (owner, name), replacing any
// previous value, sealed with the keyring's primary key.
func (r *CredentialRepo) Put(ctx context.Context, owner, name string, plaintext []byte) error {
	what := fmt.Sprintf("put credential %s %s", owner, name)
	if err := r.check(owner, name); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	keyID, ct, err := r.keyring.Seal(plaintext, credentialAAD(owner, name))
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	c := Credential{Owner: owner, Name: name, KeyID: keyID, Ciphertext: ct}
	err = r.s.withCtx(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "owner"}, {Name: "name"}},
		DoUpdates: clause.AssignmentColumns([]string{"key_id", "ciphertext", "updated_at"}),
	}).Create(&c).Error
	return dbError(what, err)
}

// Get returns the plaintext of the credential (owner, name).
func (r *CredentialRepo) Get(ctx context.Context, owner, name string) ([]byte, error) {
	what := fmt.Sprintf("get credential %s %s", owner, name)
	if err := r.check(owner, name); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	var c Credential
	if err := r.s.withCtx(ctx).Where("owner = ? AND name = ?", owner, name).Take(&c).Error; err != nil {
		return nil, dbError(what, err)
	}
	plain, err := r.keyring.Open(c.KeyID, c.Ciphertext, credentialAAD(owner, name))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return plain, nil
}

// Has reports whether the credential (owner, name) is set, without
// decrypting it.
func (r *CredentialRepo) Has(ctx context.Context, owner, name string) (bool, error) {
	var n int64
	if err := r.s.withCtx(ctx).Model(&Credential{}).Where("owner = ? AND name = ?", owner, name).Count(&n).Error; err != nil {
		return false, dbError(fmt.Sprintf("check credential %s %s", owner, name), err)
	}
	return n > 0, nil
}

// Delete removes the credential (owner, name); a missing one gives
// ErrNotFound.
func (r *CredentialRepo) Delete(ctx context.Context, owner, name string) error {
	res := r.s.withCtx(ctx).Where("owner = ? AND name = ?", owner, name).Delete(&Credential{})
	if res.Error != nil {
		return dbError(fmt.Sprintf("delete credential %s %s", owner, name), res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("delete credential %s %s: %w", owner, name, ErrNotFound)
	}
	return nil
}

// DeleteOwner removes every credential of owner (none is not an error).
func (r *CredentialRepo) DeleteOwner(ctx context.Context, owner string) error {
	err := r.s.withCtx(ctx).Where("owner = ?", owner).Delete(&Credential{}).Error
	return dbError(fmt.Sprintf("delete credentials of %s", owner), err)
}

// Reencrypt re-seals with the primary key every credential sealed with
// another key, and returns how many it re-sealed. Rows sealed with a key
// the keyring lacks, or that fail to open, are left as they are and
// reported together in the error (by owner and name, never content); the
// other rows are still re-sealed. A row changed concurrently is skipped:
// whoever changed it sealed it with the primary key.
func (r *CredentialRepo) Reencrypt(ctx context.Context) (n int, err error) {
	if r.keyring == nil {
		return 0, errors.New("reencrypt credentials: no keyring")
	}
	primary := r.keyring.PrimaryID()
	var failed []error
	var after uint64
	for {
		var rows []Credential
		err := r.s.withCtx(ctx).Where("key_id <> ? AND id > ?", primary, after).Order("id").Limit(reencryptBatch).Find(&rows).Error
		if err != nil {
			return n, dbError("reencrypt credentials", err)
		}
		if len(rows) == 0 {
			break
		}
		for _, c := range rows {
			after = c.ID
			done, err := r.reseal(ctx, c)
			if err != nil {
				if ctx.Err() != nil {
					return n, fmt.Errorf("reencrypt credentials: %w", ctx.Err())
				}
				failed = append(failed, err)
				continue
			}
			if done {
				n++
			}
		}
	}
	if len(failed) > 0 {
		return n, fmt.Errorf("reencrypt credentials: %d left sealed with an old key: %w", len(failed), errors.Join(failed...))
	}
	return n, nil
}

func (r *CredentialRepo) reseal(ctx context.Context, c Credential) (bool, error) {
	aad := credentialAAD(c.Owner, c.Name)
	plain, err := r.keyring.Open(c.KeyID, c.Ciphertext, aad)
	if err != nil {
		return false, fmt.Errorf("credential %s %s: %w", c.Owner, c.Name, err)
	}
	keyID, ct, err := r.keyring.Seal(plain, aad)
	clear(plain)
	if err != nil {
		return false, fmt.Errorf("credential %s %s: %w", c.Owner, c.Name, err)
	}
	res := r.s.withCtx(ctx).Model(&Credential{}).
		Where("id = ? AND key_id = ?", c.ID, c.KeyID).
		Updates(map[string]any{"key_id": keyID, "ciphertext": ct})
	if res.Error != nil {
		return false, dbError(fmt.Sprintf("credential %s %s", c.Owner, c.Name), res.Error)
	}
	return res.RowsAffected > 0, nil
}
