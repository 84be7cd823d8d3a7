package multicluster

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"k8s.io/client-go/rest"
)

// Manager holds the connections to every member cluster by name.
type Manager struct {
	opts Options

	mu       sync.RWMutex
	clusters map[string]*Cluster
}

// NewManager returns an empty Manager whose connections use opts.
func NewManager(opts Options) *Manager {
	opts.defaults()
	return &Manager{opts: opts, clusters: map[string]*Cluster{}}
}

// Connect opens (or, with new credentials, reopens) the connection to the
// named cluster. The old connection, if any, is closed once the new one is
// in place, so readers never see the cluster missing.
func (m *Manager) Connect(ctx context.Context, name string, rc *rest.Config) (*Cluster, error) {
	m.mu.RLock()
	opts := m.opts
	m.mu.RUnlock()
	// The components start below, under the lock, so that one registered
	// meanwhile is started exactly once on this connection.
	opts.Components = nil
	c, err := Connect(ctx, name, rc, opts)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	old := m.clusters[name]
	m.clusters[name] = c
	for _, comp := range m.opts.Components {
		c.start(comp)
	}
	m.mu.Unlock()
	if old != nil {
		old.Close()
	}
	return c, nil
}

// Register adds components to run on every connection: the ones open now
// and those opened from now on.
func (m *Manager) Register(comps ...Component) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.opts.Components = append(m.opts.Components, comps...)
	for _, c := range m.clusters {
		for _, comp := range comps {
			c.start(comp)
		}
	}
}

// OnPhaseChange sets the function told of the phase changes of the
// clusters connected from now on (see Options.OnPhaseChange).
func (m *Manager) OnPhaseChange(f func(PhaseChange)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.opts.OnPhaseChange = f
}

// Disconnect closes the named cluster's connection; unknown names are
// ignored.
func (m *Manager) Disconnect(name string) {
	m.mu.Lock()
	c := m.clusters[name]
	delete(m.clusters, name)
	m.mu.Unlock()
	if c != nil {
		c.Close()
	}
}

// Get returns the named cluster's connection, whatever its health.
func (m *Manager) Get(name string) (*Cluster, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	c, ok := m.clusters[name]
	if !ok {
		return nil, fmt.Errorf("cluster %q: %w", name, ErrUnknownCluster)
	}
	return c, nil
}

// List returns every connection, ordered by name.
func (m *Manager) List() []*Cluster {
	m.mu.RLock()
	out := make([]*Cluster, 0, len(m.clusters))
	for _, c := range m.clusters {
		out = append(out, c)
	}
	m.mu.RUnlock()
	slices.SortFunc(out, func(a, b *Cluster) int { return strings.Compare(a.name, b.name) })
	return out
}

// Close disconnects every cluster.
func (m *Manager) Close() {
	m.mu.Lock()
	all := m.clusters
	m.clusters = map[string]*Cluster{}
	m.mu.Unlock()
	var wg sync.WaitGroup
	for _, c := range all {
		wg.Go(c.Close)
	}
	wg.Wait()
}
