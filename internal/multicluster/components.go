package multicluster

import (
	"context"
	"errors"
	"time"
)

// A Component is work the server does for each connected member cluster
// besides its caches: an in-server controller, the RBAC Wheelhouse keeps
// there, resuming interrupted drains. The Manager runs every registered
// component once per connection, so all of it starts, stops and restarts
// with the cluster's connection: a cluster that is disconnected or deleted
// takes its components with it, one that is imported again (or whose
// credentials are rotated) gets them back on the new connection, with the
// new credentials.
type Component interface {
	// Name names the component in logs.
	Name() string
	// Run does the component's work for c until ctx ends (the connection
	// closes). Returning nil ends it for this connection; returning an
	// error runs it again after a backoff, for as long as the connection
	// lasts, so a component that failed because the cluster was down
	// comes back by itself when the cluster does.
	Run(ctx context.Context, c *Cluster) error
}

// Backoff between runs of a component that failed.
const (
	componentBackoffMin = time.Second
	componentBackoffMax = time.Minute
)

// runComponent runs comp for c until ctx ends or comp returns nil,
// restarting it with an exponential backoff after each failure. A run that
// lasted longer than the longest backoff resets the backoff.
func (c *Cluster) runComponent(ctx context.Context, comp Component) {
	backoff := componentBackoffMin
	for {
		start := time.Now()
		err := comp.Run(ctx, c)
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			c.opts.Logger.Debug("Cluster component done", "cluster", c.name, "component", comp.Name())
			return
		}
		if time.Since(start) > componentBackoffMax {
			backoff = componentBackoffMin
		}
		level := c.opts.Logger.Warn
		if errors.Is(err, context.DeadlineExceeded) {
			level = c.opts.Logger.Info
		}
		level("Cluster component failed; running it again", "cluster", c.name, "component", comp.Name(), "error", err, "retryIn", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, componentBackoffMax)
	}
}
