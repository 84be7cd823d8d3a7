package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"

	"gorm.io/gorm"

	"github.com/wheelhouse-dev/wheelhouse/internal/secrets"
)

// configVersionAADDomain separates the associated data of sealed config
// versions from any other use of the keyring.
const configVersionAADDomain = "wheelhouse/config-version/v1\x00"

// recordAttempts bounds how often Record retries after another writer took
// the version number it computed.
const recordAttempts = 5

// ConfigObject names the object whose versions a ConfigVersionRepo reads.
type ConfigObject struct {
	Cluster   string
	Namespace string
	// Kind is ConfigKindConfigMap or ConfigKindSecret.
	Kind string
	Name string
}

// String names the object in messages: "secrets prod/web/db".
func (o ConfigObject) String() string {
	return o.Kind + " " + o.Cluster + "/" + o.Namespace + "/" + o.Name
}

// ConfigVersionRepo keeps the version history of ConfigMaps and Secrets.
// Secret payloads are sealed with the keyring, bound to the object and the
// version number, so a sealed payload copied to another row does not open.
// Get it from (*Store).ConfigVersions.
type ConfigVersionRepo struct {
	s       *Store
	keyring *secrets.Keyring
}

// ConfigVersions returns the config version repository, sealing and opening
// Secret payloads with keyring.
func (s *Store) ConfigVersions(keyring *secrets.Keyring) *ConfigVersionRepo {
	return &ConfigVersionRepo{s: s, keyring: keyring}
}

// configVersionAAD binds a sealed payload to its object and version,
// length-prefixed so no two tuples share an encoding.
func configVersionAAD(o ConfigObject, version int) []byte {
	b := []byte(configVersionAADDomain)
	for _, part := range []string{o.Cluster, o.Namespace, o.Kind, o.Name, strconv.Itoa(version)} {
		b = binary.BigEndian.AppendUint32(b, uint32(len(part)))
		b = append(b, part...)
	}
	return b
}

func (v *ConfigVersion) object() ConfigObject {
	return ConfigObject{Cluster: v.Cluster, Namespace: v.Namespace, Kind: v.Kind, Name: v.Name}
}

func (o ConfigObject) where(db *gorm.DB) *gorm.DB {
	return db.Where("cluster = ? AND namespace = ? AND kind = ? AND name = ?", o.Cluster, o.Namespace, o.Kind, o.Name)
}

func checkConfigKind(kind string) error {
	if kind != ConfigKindConfigMap && kind != ConfigKindSecret {
		return fmt.Errorf("unknown config kind %q", kind)
	}
	return nil
}

// Record stores v as the object's next version, with payload as its
// content (sealed first when v is a Secret's), and sets v.ID, v.Version and
// v.CreatedAt. Version numbers are the previous highest plus one; when a
// concurrent writer takes the same number first, Record tries again.
// payload is not kept or changed.
func (r *ConfigVersionRepo) Record(ctx context.Context, v *ConfigVersion, payload []byte) error {
	obj := v.object()
	what := "record version of " + obj.String()
	if err := checkConfigKind(v.Kind); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if v.Kind == ConfigKindSecret && r.keyring == nil {
		return fmt.Errorf("%s: no keyring to seal it with", what)
	}
	var err error
	for range recordAttempts {
		err = r.s.Transaction(ctx, func(tx *Store) error {
			var last int
			if err := obj.where(tx.withCtx(ctx).Model(&ConfigVersion{})).Select("COALESCE(MAX(version), 0)").Scan(&last).Error; err != nil {
				return dbError(what, err)
			}
			row := *v
			row.ID, row.Version, row.KeyID, row.Payload = 0, last+1, "", payload
			if row.Kind == ConfigKindSecret {
				keyID, sealed, err := r.keyring.Seal(payload, configVersionAAD(obj, row.Version))
				if err != nil {
					return fmt.Errorf("%s: %w", what, err)
				}
				row.KeyID, row.Payload = keyID, sealed
			}
			if err := tx.withCtx(ctx).Create(&row).Error; err != nil {
				return dbError(what, err)
			}
			row.Payload = nil
			*v = row
			return nil
		})
		if !errors.Is(err, ErrConflict) {
			return err
		}
	}
	return err
}

// List returns the object's versions, newest first, a page at a time,
// without their payloads.
func (r *ConfigVersionRepo) List(ctx context.Context, obj ConfigObject, opts ListOptions) ([]ConfigVersion, string, error) {
	q := obj.where(r.s.withCtx(ctx).Model(&ConfigVersion{})).Omit("payload")
	items, next, err := page(q, opts, true, func(v *ConfigVersion) uint64 { return v.ID })
	if err != nil {
		return nil, "", listError("list versions of "+obj.String(), err)
	}
	return items, next, nil
}

// Get returns version n of the object and its payload, opened when it is a
// Secret's. A missing version gives ErrNotFound.
func (r *ConfigVersionRepo) Get(ctx context.Context, obj ConfigObject, n int) (*ConfigVersion, []byte, error) {
	what := fmt.Sprintf("get version %d of %s", n, obj)
	var v ConfigVersion
	if err := obj.where(r.s.withCtx(ctx)).Where("version = ?", n).Take(&v).Error; err != nil {
		return nil, nil, dbError(what, err)
	}
	payload := v.Payload
	v.Payload = nil
	if v.Kind != ConfigKindSecret {
		return &v, payload, nil
	}
	if r.keyring == nil {
		return nil, nil, fmt.Errorf("%s: no keyring to open it with", what)
	}
	plain, err := r.keyring.Open(v.KeyID, payload, configVersionAAD(obj, v.Version))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", what, err)
	}
	return &v, plain, nil
}

// Latest returns the object's newest version number, 0 when it has none.
func (r *ConfigVersionRepo) Latest(ctx context.Context, obj ConfigObject) (int, error) {
	var last int
	err := obj.where(r.s.withCtx(ctx).Model(&ConfigVersion{})).Select("COALESCE(MAX(version), 0)").Scan(&last).Error
	return last, dbError("latest version of "+obj.String(), err)
}

// Reencrypt re-seals with the primary key every Secret version sealed with
// another key, and returns how many it re-sealed. Versions sealed with a
// key the keyring lacks, or that fail to open, are left as they are and
// reported together in the error (by object and version, never content).
func (r *ConfigVersionRepo) Reencrypt(ctx context.Context) (n int, err error) {
	if r.keyring == nil {
		return 0, errors.New("reencrypt config versions: no keyring")
	}
	primary := r.keyring.PrimaryID()
	var failed []error
	var after uint64
	for {
		var rows []ConfigVersion
		err := r.s.withCtx(ctx).Where("kind = ? AND key_id <> ? AND id > ?", ConfigKindSecret, primary, after).
			Order("id").Limit(reencryptBatch).Find(&rows).Error
		if err != nil {
			return n, dbError("reencrypt config versions", err)
		}
		if len(rows) == 0 {
			break
		}
		for i := range rows {
			v := &rows[i]
			after = v.ID
			if err := r.reseal(ctx, v); err != nil {
				if ctx.Err() != nil {
					return n, fmt.Errorf("reencrypt config versions: %w", ctx.Err())
				}
				failed = append(failed, err)
				continue
			}
			n++
		}
	}
	if len(failed) > 0 {
		return n, fmt.Errorf("reencrypt config versions: %d left sealed with an old key: %w", len(failed), errors.Join(failed...))
	}
	return n, nil
}

func (r *ConfigVersionRepo) reseal(ctx context.Context, v *ConfigVersion) error {
	what := fmt.Sprintf("version %d of %s", v.Version, v.object())
	aad := configVersionAAD(v.object(), v.Version)
	plain, err := r.keyring.Open(v.KeyID, v.Payload, aad)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	keyID, sealed, err := r.keyring.Seal(plain, aad)
	clear(plain)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	err = r.s.withCtx(ctx).Model(&ConfigVersion{}).Where("id = ? AND key_id = ?", v.ID, v.KeyID).
		Updates(map[string]any{"key_id": keyID, "payload": sealed}).Error
	return dbError(what, err)
}
