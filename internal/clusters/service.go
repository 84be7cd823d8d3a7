// Package clusters is the platform's record of its member clusters: it
// imports clusters from kubeconfigs, creates them through providers,
// keeps their credentials sealed in the store, connects each one through
// internal/multicluster, and disconnects or destroys them on request.
//
// Provisioning is long work; it runs in the background, its steps are kept
// on the cluster record for users to follow, and it resumes after a server
// restart, so no cluster is left stuck in Provisioning.
package clusters

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sync"
	"time"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/provider"
	"github.com/wheelhouse-dev/wheelhouse/internal/secrets"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// ProviderImport marks a cluster that was imported, not created.
const ProviderImport = "import"

// kubeconfigCredential is the name of a cluster's kubeconfig credential.
const kubeconfigCredential = "kubeconfig"

// maxEvents bounds the events kept on a cluster record.
const maxEvents = 50

var validName = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// Config configures a Service.
type Config struct {
	Store     *store.Store
	Keyring   *secrets.Keyring
	Manager   *multicluster.Manager
	Providers []provider.Provider
	Logger    *slog.Logger
	// Probe checks an imported cluster's API server; default provider.Probe.
	Probe func(ctx context.Context, kc *provider.Kubeconfig) (string, error)
	// Self says how this server is reached, so that importing Wheelhouse
	// into itself is refused; nil checks only the pass-through path.
	Self *provider.Self
}

// Service manages member cluster records and their connections.
type Service struct {
	store     *store.Store
	keyring   *secrets.Keyring
	manager   *multicluster.Manager
	providers map[string]provider.Provider
	logger    *slog.Logger
	probe     func(ctx context.Context, kc *provider.Kubeconfig) (string, error)
	self      *provider.Self

	jobs chan func(ctx context.Context)
	// busy names the clusters with a provisioning job in flight, so a
	// resumed job and a new request never run on one cluster at once.
	mu   sync.Mutex
	busy map[string]bool

	// phases carries the connections' phase changes to Run, which records
	// them as events in order.
	phases chan multicluster.PhaseChange
	// eventsMu serializes the writers of cluster events (see
	// store.ClusterRepo.RecordEvent).
	eventsMu sync.Mutex
}

// New returns a Service; call Run to connect clusters and run jobs.
func New(cfg Config) *Service {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Probe == nil {
		cfg.Probe = func(ctx context.Context, kc *provider.Kubeconfig) (string, error) {
			return provider.Probe(ctx, kc.Rest)
		}
	}
	s := &Service{
		store: cfg.Store, keyring: cfg.Keyring, manager: cfg.Manager, logger: cfg.Logger, probe: cfg.Probe, self: cfg.Self,
		providers: map[string]provider.Provider{}, jobs: make(chan func(context.Context), 256), busy: map[string]bool{},
		phases: make(chan multicluster.PhaseChange, 1024),
	}
	for _, p := range cfg.Providers {
		s.providers[p.Name()] = p
	}
	if cfg.Manager != nil {
		cfg.Manager.OnPhaseChange(s.phaseChanged)
	}
	return s
}

// Run connects every provisioned cluster, resumes interrupted provisioning
// and deletion, then runs background jobs until ctx ends.
func (s *Service) Run(ctx context.Context) error {
	all, err := s.store.Clusters().All(ctx)
	if err != nil {
		return fmt.Errorf("load clusters: %w", err)
	}
	for i := range all {
		c := &all[i]
		switch c.State {
		case store.ClusterProvisioning:
			s.enqueueProvision(c.Name)
		case store.ClusterDeleting:
			s.enqueueDeprovision(c.Name)
		case store.ClusterProvisioned:
			if _, ok := s.providers[c.Provider]; ok {
				// Provisioning is idempotent: it restarts a stopped
				// sandbox and refreshes its kubeconfig.
				s.enqueueProvision(c.Name)
			} else if err := s.connect(ctx, c); err != nil {
				s.logger.Warn("Cannot connect cluster", "cluster", c.Name, "error", err)
			}
		}
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { s.recordPhases(ctx) })
	for {
		select {
		case <-ctx.Done():
			return nil
		case job := <-s.jobs:
			wg.Go(func() { job(ctx) })
		}
	}
}

// connect opens the connection to a provisioned cluster from its stored
// kubeconfig.
func (s *Service) connect(ctx context.Context, c *store.Cluster) error {
	raw, err := s.store.Credentials(s.keyring).Get(ctx, store.ClusterOwner(c.ID), kubeconfigCredential)
	if err != nil {
		return fmt.Errorf("read kubeconfig of %q: %w", c.Name, err)
	}
	rc, err := clientcmd.RESTConfigFromKubeConfig(raw)
	if err != nil {
		return fmt.Errorf("kubeconfig of %q: %w", c.Name, err)
	}
	if _, err := s.manager.Connect(ctx, c.Name, rc); err != nil {
		return fmt.Errorf("connect %q: %w", c.Name, err)
	}
	return nil
}

// Get returns the named cluster's record.
func (s *Service) Get(ctx context.Context, name string) (*store.Cluster, error) {
	return s.store.Clusters().GetByName(ctx, name)
}

// List returns a page of cluster records.
func (s *Service) List(ctx context.Context, opts store.ListOptions) ([]store.Cluster, string, error) {
	return s.store.Clusters().List(ctx, opts)
}

// Kubeconfig returns the stored kubeconfig of the named cluster; only the
// server's own code uses it (the API never returns it).
func (s *Service) Kubeconfig(ctx context.Context, c *store.Cluster) ([]byte, error) {
	return s.store.Credentials(s.keyring).Get(ctx, store.ClusterOwner(c.ID), kubeconfigCredential)
}

// HasKubeconfig reports whether c's kubeconfig is stored, without
// decrypting it.
func (s *Service) HasKubeconfig(ctx context.Context, c *store.Cluster) (bool, error) {
	return s.store.Credentials(s.keyring).Has(ctx, store.ClusterOwner(c.ID), kubeconfigCredential)
}

func checkName(name string) error {
	if !validName.MatchString(name) {
		return &provider.FieldError{Field: "name", Message: "must be a DNS label: 1 to 63 lower-case letters, digits and '-', starting and ending with a letter or digit"}
	}
	return nil
}

func (s *Service) nameFree(ctx context.Context, name string) error {
	_, err := s.store.Clusters().GetByName(ctx, name)
	switch {
	case err == nil:
		return fmt.Errorf("cluster %q: %w", name, store.ErrConflict)
	case errors.Is(err, store.ErrNotFound):
		return nil
	default:
		return err
	}
}

// event records what happened to c: it becomes the record's message and
// is added to its events.
func (s *Service) event(ctx context.Context, c *store.Cluster, typ, reason, message string) {
	c.Message = message
	if err := s.store.Clusters().Update(ctx, c); err != nil {
		s.logger.Warn("Cannot record cluster progress", "cluster", c.Name, "error", err)
		return
	}
	s.recordEvent(ctx, c.ID, c.Name, store.ClusterEvent{Type: typ, Reason: reason, Message: message, Time: time.Now().UTC()})
}

func (s *Service) recordEvent(ctx context.Context, id uint64, name string, ev store.ClusterEvent) {
	s.eventsMu.Lock()
	defer s.eventsMu.Unlock()
	if err := s.store.Clusters().RecordEvent(ctx, id, ev, maxEvents); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.logger.Warn("Cannot record cluster event", "cluster", name, "reason", ev.Reason, "error", err)
	}
}

// phaseChanged hands a connection's phase change to recordPhases without
// blocking the connection; a change that does not fit is only logged.
func (s *Service) phaseChanged(ch multicluster.PhaseChange) {
	select {
	case s.phases <- ch:
	default:
		s.logger.Warn("Dropped a cluster phase event: too many at once", "cluster", ch.Cluster, "phase", ch.To)
	}
}

// recordPhases records the connections' phase changes as cluster events
// until ctx ends.
func (s *Service) recordPhases(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case ch := <-s.phases:
			c, err := s.store.Clusters().GetByName(ctx, ch.Cluster)
			if err != nil {
				continue // disconnected and deleted meanwhile
			}
			typ, reason, message := phaseEvent(ch)
			s.recordEvent(ctx, c.ID, c.Name, store.ClusterEvent{Type: typ, Reason: reason, Message: message, Time: ch.Time.UTC()})
		}
	}
}

// phaseEvent describes a phase change as an event.
func phaseEvent(ch multicluster.PhaseChange) (typ, reason, message string) {
	switch ch.To {
	case multicluster.PhaseReady:
		if ch.From == multicluster.PhaseUnavailable || ch.From == multicluster.PhaseUnauthorized {
			return store.EventNormal, "Recovered", "The API server answers again and the caches are in sync"
		}
		return store.EventNormal, "Ready", "Connected: the API server answers and the caches are in sync"
	case multicluster.PhaseSyncing:
		return store.EventNormal, "Syncing", "Filling the caches"
	case multicluster.PhaseUnauthorized:
		return store.EventWarning, "Unauthorized", ch.Reason
	default:
		return store.EventWarning, string(ch.To), ch.Reason
	}
}
