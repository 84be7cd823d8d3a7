package clusters

import (
	"context"
	"errors"
	"fmt"
	"time"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/wheelhouse-dev/wheelhouse/internal/provider"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// CreateRequest creates a cluster through a provider.
type CreateRequest struct {
	Name        string
	DisplayName string
	Labels      map[string]string
	Provider    string
	// Spec holds the provider's settings (sandbox: "nodes").
	Spec      map[string]string
	CreatedBy string
}

// Create validates req, stores the cluster in state Provisioning and
// starts provisioning in the background; follow it with Get.
func (s *Service) Create(ctx context.Context, req CreateRequest) (*store.Cluster, error) {
	if err := checkName(req.Name); err != nil {
		return nil, err
	}
	p, ok := s.providers[req.Provider]
	if !ok {
		return nil, &provider.FieldError{Field: "provider", Message: fmt.Sprintf("unknown provider %q", req.Provider)}
	}
	if err := p.Validate(req.Spec); err != nil {
		return nil, err
	}
	if err := s.nameFree(ctx, req.Name); err != nil {
		return nil, err
	}
	c := &store.Cluster{
		Name: req.Name, DisplayName: req.DisplayName, Labels: req.Labels, Provider: req.Provider, Spec: req.Spec,
		State: store.ClusterProvisioning, CreatedBy: req.CreatedBy, Message: "Waiting to start",
	}
	if err := s.store.Clusters().Create(ctx, c); err != nil {
		return nil, fmt.Errorf("create cluster %q: %w", req.Name, err)
	}
	s.recordEvent(ctx, c.ID, c.Name, store.ClusterEvent{Type: store.EventNormal, Reason: "Created",
		Message: fmt.Sprintf("Created by %s through provider %s", req.CreatedBy, req.Provider), Time: time.Now().UTC()})
	s.enqueueProvision(c.Name)
	return c, nil
}

// Delete disconnects the named cluster and forgets it. With deprovision,
// a cluster a provider made is destroyed first (in the background: the
// record stays in state Deleting until it is gone); an imported cluster is
// never changed.
func (s *Service) Delete(ctx context.Context, name string, deprovision bool) (*store.Cluster, error) {
	c, err := s.store.Clusters().GetByName(ctx, name)
	if err != nil {
		return nil, err
	}
	s.manager.Disconnect(name)
	if deprovision && c.Provider != ProviderImport {
		c.State = store.ClusterDeleting
		s.event(ctx, c, store.EventNormal, "Deleting", "Deleting the cluster")
		s.enqueueDeprovision(name)
		return c, nil
	}
	if err := s.store.Clusters().Delete(ctx, c.ID); err != nil {
		return nil, fmt.Errorf("delete cluster %q: %w", name, err)
	}
	s.logger.Info("Disconnected cluster", "cluster", name)
	return c, nil
}

func (s *Service) enqueueProvision(name string) {
	s.enqueue(name, func(ctx context.Context) { s.provision(ctx, name) })
}

func (s *Service) enqueueDeprovision(name string) {
	s.enqueue(name, func(ctx context.Context) { s.deprovision(ctx, name) })
}

// enqueue runs job for the named cluster unless one is already running.
func (s *Service) enqueue(name string, job func(context.Context)) {
	s.mu.Lock()
	if s.busy[name] {
		s.mu.Unlock()
		return
	}
	s.busy[name] = true
	s.mu.Unlock()
	s.jobs <- func(ctx context.Context) {
		defer func() {
			s.mu.Lock()
			delete(s.busy, name)
			s.mu.Unlock()
		}()
		job(ctx)
	}
}

func (s *Service) provision(ctx context.Context, name string) {
	c, err := s.store.Clusters().GetByName(ctx, name)
	if err != nil {
		s.logger.Warn("Provisioning a cluster that is gone", "cluster", name, "error", err)
		return
	}
	p := s.providers[c.Provider]
	if p == nil {
		s.fail(ctx, c, fmt.Errorf("unknown provider %q", c.Provider))
		return
	}
	restart := c.State == store.ClusterProvisioned
	raw, err := p.Provision(ctx, c.Name, c.Spec, func(step string) { s.event(ctx, c, store.EventNormal, "Provisioning", step) })
	if ctx.Err() != nil {
		return // the server is stopping; Run resumes this at the next start
	}
	if err != nil && restart {
		// A cluster that worked before stays provisioned: connect it with
		// its stored kubeconfig and let its health say it is down.
		s.event(ctx, c, store.EventWarning, "RestartFailed", "Could not restart: "+err.Error())
		if err := s.connect(ctx, c); err != nil {
			s.logger.Warn("Cannot connect cluster", "cluster", c.Name, "error", err)
		}
		return
	}
	if err != nil {
		s.fail(ctx, c, err)
		return
	}
	kc, err := provider.ParseKubeconfig(raw, false)
	if err != nil {
		s.fail(ctx, c, fmt.Errorf("the provider returned an unusable kubeconfig: %w", err))
		return
	}
	c.Server, c.State = kc.Server, store.ClusterProvisioned
	err = s.store.Transaction(ctx, func(tx *store.Store) error {
		if err := tx.Credentials(s.keyring).Put(ctx, store.ClusterOwner(c.ID), kubeconfigCredential, kc.Raw); err != nil {
			return err
		}
		return tx.Clusters().Update(ctx, c)
	})
	if err != nil {
		s.logger.Error("Cannot store provisioned cluster", "cluster", c.Name, "error", err)
		return
	}
	s.event(ctx, c, store.EventNormal, "Provisioned", "Provisioned")
	rc, err := clientcmd.RESTConfigFromKubeConfig(kc.Raw)
	if err == nil {
		_, err = s.manager.Connect(ctx, c.Name, rc)
	}
	if err != nil {
		s.logger.Error("Cannot connect provisioned cluster", "cluster", c.Name, "error", err)
	}
}

func (s *Service) deprovision(ctx context.Context, name string) {
	c, err := s.store.Clusters().GetByName(ctx, name)
	if err != nil {
		return
	}
	if p := s.providers[c.Provider]; p != nil {
		if err := p.Deprovision(ctx, c.Name, c.Spec); err != nil {
			if ctx.Err() == nil {
				s.event(ctx, c, store.EventWarning, "DeleteFailed", "Delete failed: "+err.Error())
			}
			return
		}
	}
	if err := s.store.Clusters().Delete(ctx, c.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.logger.Error("Cannot delete cluster record", "cluster", name, "error", err)
		return
	}
	s.logger.Info("Deleted cluster", "cluster", name)
}

func (s *Service) fail(ctx context.Context, c *store.Cluster, err error) {
	s.logger.Warn("Provisioning failed", "cluster", c.Name, "error", err)
	c.State = store.ClusterFailed
	s.event(ctx, c, store.EventWarning, "ProvisioningFailed", "Failed: "+err.Error())
}
