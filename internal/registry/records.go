package registry

import (
	"context"
	"fmt"

	"github.com/wheelhouse-dev/wheelhouse/internal/credentials"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// Opener builds adapters for stored registry records, opening their
// credentials.
type Opener struct {
	Credentials *credentials.Service
}

// Open returns the adapter of rec.
func (o *Opener) Open(ctx context.Context, rec *store.Registry) (Adapter, error) {
	cfg := Config{Type: rec.Type, Endpoint: rec.Endpoint, Settings: rec.Settings, CABundle: rec.CABundle, Insecure: rec.Insecure}
	var err error
	if rec.CredentialID != nil {
		if cfg.Credential, err = o.Credentials.Resolve(ctx, *rec.CredentialID); err != nil {
			return nil, fmt.Errorf("open the credential of registry %s: %w", rec.Name, err)
		}
	}
	if rec.PullCredentialID != nil {
		if cfg.PullCredential, err = o.Credentials.Resolve(ctx, *rec.PullCredentialID); err != nil {
			return nil, fmt.Errorf("open the pull credential of registry %s: %w", rec.Name, err)
		}
	}
	return New(cfg)
}
