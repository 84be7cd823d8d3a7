package clusters

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/wheelhouse-dev/wheelhouse/internal/provider"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// ImportRequest imports an existing cluster.
type ImportRequest struct {
	Name        string
	DisplayName string
	Labels      map[string]string
	// Kubeconfig is checked by provider.ParseKubeconfig.
	Kubeconfig    []byte
	AllowInsecure bool
	CreatedBy     string
}

// Import checks the kubeconfig, contacts the API server with it, and only
// then stores the cluster and its sealed kubeconfig (in one transaction)
// and connects it. Every failure leaves nothing stored: a bad request gives
// a *provider.FieldError, an API server that cannot be used a
// *provider.ProbeError, a taken name store.ErrConflict.
func (s *Service) Import(ctx context.Context, req ImportRequest) (*store.Cluster, error) {
	if err := checkName(req.Name); err != nil {
		return nil, err
	}
	if err := s.nameFree(ctx, req.Name); err != nil {
		return nil, err
	}
	kc, err := s.parseKubeconfig(ctx, req.Kubeconfig, req.AllowInsecure)
	if err != nil {
		return nil, err
	}
	version, err := s.probe(ctx, kc)
	if err != nil {
		return nil, err
	}
	c := &store.Cluster{
		Name: req.Name, DisplayName: req.DisplayName, Labels: req.Labels, Provider: ProviderImport,
		State: store.ClusterProvisioned, Server: kc.Server, CreatedBy: req.CreatedBy,
		Message: "Imported; Kubernetes " + version,
		Events: []store.ClusterEvent{{Type: store.EventNormal, Reason: "Imported", Count: 1, Time: time.Now().UTC(),
			Message: fmt.Sprintf("Imported by %s; Kubernetes %s at %s", req.CreatedBy, version, kc.Server)}},
	}
	err = s.store.Transaction(ctx, func(tx *store.Store) error {
		if err := tx.Clusters().Create(ctx, c); err != nil {
			return err
		}
		return tx.Credentials(s.keyring).Put(ctx, store.ClusterOwner(c.ID), kubeconfigCredential, kc.Raw)
	})
	if err != nil {
		return nil, fmt.Errorf("store cluster %q: %w", req.Name, err)
	}
	if _, err := s.manager.Connect(ctx, c.Name, kc.Rest); err != nil {
		return nil, fmt.Errorf("connect %q: %w", c.Name, err)
	}
	s.logger.Info("Imported cluster", "cluster", c.Name, "server", c.Server, "version", version)
	return c, nil
}

// UpdateRequest changes a cluster's record; nil fields stay as they are.
type UpdateRequest struct {
	DisplayName *string
	// Labels replaces the labels when not nil.
	Labels map[string]string
	// Kubeconfig rotates the credentials of an imported cluster: it is
	// checked and probed like an import before it replaces the old one.
	Kubeconfig    []byte
	AllowInsecure bool
}

// Update applies req to the named cluster.
func (s *Service) Update(ctx context.Context, name string, req UpdateRequest) (*store.Cluster, error) {
	c, err := s.store.Clusters().GetByName(ctx, name)
	if err != nil {
		return nil, err
	}
	var kc *provider.Kubeconfig
	if req.Kubeconfig != nil {
		if c.Provider != ProviderImport {
			return nil, &provider.FieldError{Field: "kubeconfig", Message: fmt.Sprintf("the %s provider manages this cluster's credentials", c.Provider)}
		}
		if kc, err = s.parseKubeconfig(ctx, req.Kubeconfig, req.AllowInsecure); err != nil {
			return nil, err
		}
		if _, err := s.probe(ctx, kc); err != nil {
			return nil, err
		}
		c.Server = kc.Server
	}
	if req.DisplayName != nil {
		c.DisplayName = *req.DisplayName
	}
	if req.Labels != nil {
		c.Labels = req.Labels
	}
	err = s.store.Transaction(ctx, func(tx *store.Store) error {
		if err := tx.Clusters().Update(ctx, c); err != nil {
			return err
		}
		if kc == nil {
			return nil
		}
		return tx.Credentials(s.keyring).Put(ctx, store.ClusterOwner(c.ID), kubeconfigCredential, kc.Raw)
	})
	if err != nil {
		return nil, fmt.Errorf("update cluster %q: %w", name, err)
	}
	if kc != nil {
		if _, err := s.manager.Connect(ctx, c.Name, kc.Rest); err != nil {
			return nil, fmt.Errorf("reconnect %q: %w", c.Name, err)
		}
		s.logger.Info("Rotated cluster credentials", "cluster", c.Name)
		s.recordEvent(ctx, c.ID, c.Name, store.ClusterEvent{Type: store.EventNormal, Reason: "CredentialsRotated",
			Message: "New credentials for " + c.Server, Time: time.Now().UTC()})
	}
	return c, nil
}

// parseKubeconfig checks a kubeconfig given to import or rotate (see
// provider.ParseKubeconfig) and refuses one whose server is this
// Wheelhouse server itself, by any name or address it answers at.
func (s *Service) parseKubeconfig(ctx context.Context, raw []byte, allowInsecure bool) (*provider.Kubeconfig, error) {
	kc, err := provider.ParseKubeconfig(raw, allowInsecure)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(kc.Server)
	if err != nil {
		return nil, &provider.FieldError{Field: "kubeconfig", Message: fmt.Sprintf("server %q is not a URL", kc.Server)}
	}
	if s.self.Reaches(ctx, u) {
		return nil, &provider.FieldError{Field: "kubeconfig", Message: fmt.Sprintf(
			"server %q is this Wheelhouse server: a cluster cannot be imported through Wheelhouse itself; use the cluster's own API server and credentials", kc.Server)}
	}
	return kc, nil
}
