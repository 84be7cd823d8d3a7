package credentials

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"sync"
	"time"

	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// Credential is a credential with its fields opened, for the server's own
// use (reaching a registry); it never goes into a response.
type Credential struct {
	ID     uint64
	Type   string
	Fields map[string]string
}

// Get returns the value of a field, "" when unset.
func (c *Credential) Get(name string) string { return c.Fields[name] }

// Service manages credential records. Rotation listeners (the pull-secret
// keeper) hear of every change of a credential's fields.
type Service struct {
	Store   *store.Store
	Records *store.CredentialRecordRepo

	mu        sync.Mutex
	listeners []func(ctx context.Context, id uint64)
}

// New returns a service over st, sealing with creds.
func New(st *store.Store, creds *store.CredentialRepo) *Service {
	return &Service{Store: st, Records: st.CredentialRecords(creds)}
}

// OnRotate registers f to hear of every change of a credential's fields.
func (s *Service) OnRotate(f func(ctx context.Context, id uint64)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listeners = append(s.listeners, f)
}

// Create stores a new credential of rec's scope, name and type with fields
// (checked by the caller with Check).
func (s *Service) Create(ctx context.Context, rec *store.CredentialRecord, fields map[string]string) error {
	public, secret := Split(rec.Type, fields)
	raw, err := json.Marshal(secret)
	if err != nil {
		return fmt.Errorf("encode credential fields: %w", err)
	}
	rec.Public = public
	now := time.Now().UTC()
	rec.FieldsChanged = map[string]time.Time{}
	for name := range secret {
		rec.FieldsChanged[name] = now
	}
	return s.Records.Create(ctx, rec, raw)
}

// Update merges fields into the credential: a given field replaces its
// value, an empty one clears it, an absent one is kept. Listeners hear of
// it when a secret field changed.
func (s *Service) Update(ctx context.Context, rec *store.CredentialRecord, fields map[string]string) error {
	public, secret := Split(rec.Type, fields)
	merged := maps.Clone(rec.Public)
	if merged == nil {
		merged = map[string]string{}
	}
	for k, v := range public {
		if v == "" {
			delete(merged, k)
		} else {
			merged[k] = v
		}
	}
	rec.Public = merged
	var raw []byte
	var changed []string
	if len(secret) > 0 {
		old, err := s.open(ctx, rec.ID)
		if err != nil {
			return err
		}
		for k, v := range secret {
			changed = append(changed, k)
			if v == "" {
				delete(old, k)
				delete(rec.FieldsChanged, k)
			} else {
				old[k] = v
			}
		}
		if raw, err = json.Marshal(old); err != nil {
			return fmt.Errorf("encode credential fields: %w", err)
		}
	}
	if err := s.Records.Update(ctx, rec, raw, changed); err != nil {
		return err
	}
	for k, v := range secret {
		if v == "" {
			delete(rec.FieldsChanged, k)
		}
	}
	if len(changed) > 0 {
		s.notify(ctx, rec.ID)
	}
	return nil
}

func (s *Service) notify(ctx context.Context, id uint64) {
	s.mu.Lock()
	ls := append([]func(context.Context, uint64){}, s.listeners...)
	s.mu.Unlock()
	for _, f := range ls {
		f(ctx, id)
	}
}

func (s *Service) open(ctx context.Context, id uint64) (map[string]string, error) {
	raw, err := s.Records.Secret(ctx, id)
	if err != nil {
		return nil, err
	}
	defer clear(raw)
	fields := map[string]string{}
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, fmt.Errorf("decode fields of credential %d: %w", id, err)
	}
	return fields, nil
}

// ErrNoCredential is returned by Resolve for a credential that is gone.
var ErrNoCredential = errors.New("credential not found")

// Resolve opens the credential id for use.
func (s *Service) Resolve(ctx context.Context, id uint64) (*Credential, error) {
	rec, err := s.Records.ByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("credential %d: %w", id, ErrNoCredential)
	}
	if err != nil {
		return nil, err
	}
	fields, err := s.open(ctx, id)
	if err != nil {
		return nil, err
	}
	maps.Copy(fields, rec.Public)
	return &Credential{ID: id, Type: rec.Type, Fields: fields}, nil
}
