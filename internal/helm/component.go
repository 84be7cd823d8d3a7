package helm

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
)

// DefaultUnlockInterval is how often Unlocker looks again for releases
// left pending, after the look at connection.
const DefaultUnlockInterval = time.Minute

// UnlockerConfig configures an Unlocker.
type UnlockerConfig struct {
	Logger *slog.Logger
	// Interval between looks after the first; default
	// DefaultUnlockInterval.
	Interval time.Duration
	// UnlockGrace: see Config.
	UnlockGrace time.Duration
}

// Unlocker is a multicluster.Component: on each connection of a cluster it
// makes the cluster's Client, unlocks the releases an interrupted
// operation left pending (Unlock) and keeps looking every Interval (for
// those another client left, once their grace period is over), until the
// connection closes. Clients returns the connection's Client for the
// operations, sharing the process's Locks.
type Unlocker struct {
	cfg   UnlockerConfig
	locks *Locks

	mu      sync.Mutex
	clients map[string]*Client
}

// NewUnlocker returns an Unlocker for cfg, with defaults filled.
func NewUnlocker(cfg UnlockerConfig) *Unlocker {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultUnlockInterval
	}
	return &Unlocker{cfg: cfg, locks: NewLocks(), clients: map[string]*Client{}}
}

// Name names the Unlocker as a multicluster.Component.
func (u *Unlocker) Name() string { return "helm-unlock" }

// Client is the Client of cluster's current connection, or nil when the
// cluster is not connected.
func (u *Unlocker) Client(cluster string) *Client {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.clients[cluster]
}

// Run is the Unlocker as a multicluster.Component.
func (u *Unlocker) Run(ctx context.Context, c *multicluster.Cluster) error {
	client, err := NewClient(Config{
		Cluster:     c.Name(),
		RESTConfig:  c.Config,
		Logger:      u.cfg.Logger,
		UnlockGrace: u.cfg.UnlockGrace,
		Locks:       u.locks,
	})
	if err != nil {
		return err
	}
	u.mu.Lock()
	u.clients[c.Name()] = client
	u.mu.Unlock()
	defer func() {
		u.mu.Lock()
		if u.clients[c.Name()] == client {
			delete(u.clients, c.Name())
		}
		u.mu.Unlock()
	}()
	if _, err := client.Unlock(ctx); err != nil {
		return err // run again after the Manager's backoff
	}
	tick := time.NewTicker(u.cfg.Interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			if _, err := client.Unlock(ctx); err != nil && ctx.Err() == nil {
				u.cfg.Logger.Warn("Looking for releases left pending failed", "cluster", c.Name(), "err", err)
			}
		}
	}
}
