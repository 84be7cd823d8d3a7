package multicluster

import (
	"context"
	"errors"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metricsv1beta1 "k8s.io/metrics/pkg/apis/metrics/v1beta1"
)

// Usage is what the cluster's metrics-server (metrics.k8s.io/v1beta1
// NodeMetrics) last reported: CPU and memory in use, per node and in total.
//
// Why a poll and not a request per read: the cluster list must stay as fast
// as its caches whatever the member clusters do, and a metrics-server that
// hangs or is absent must cost nothing on the request path. One LIST of
// NodeMetrics per cluster every Options.UsageInterval (30 s; metrics-server
// itself samples every 15 to 60 s, so fresher reads would show the same
// numbers) is bounded work per cluster, however many users read; reads take
// the last result under a lock.
type Usage struct {
	// CPUMillis and MemoryBytes total the usage of every node reported.
	CPUMillis   int64
	MemoryBytes int64
	// Nodes maps the name of each node metrics-server reported to its usage.
	Nodes map[string]NodeUsage
	// CollectedAt is when Wheelhouse fetched the metrics.
	CollectedAt time.Time
}

// NodeUsage is one node's CPU and memory in use.
type NodeUsage struct {
	CPUMillis   int64
	MemoryBytes int64
	// Timestamp is when metrics-server sampled the node; Window is the
	// interval the CPU rate was computed over.
	Timestamp time.Time
	Window    time.Duration
}

// SumNodeMetrics totals NodeMetrics into a Usage collected at now. A node
// listed twice (which the API never does) counts once, the last time.
func SumNodeMetrics(items []metricsv1beta1.NodeMetrics, now time.Time) *Usage {
	u := &Usage{Nodes: make(map[string]NodeUsage, len(items)), CollectedAt: now}
	for i := range items {
		m := &items[i]
		n := NodeUsage{
			CPUMillis:   m.Usage.Cpu().MilliValue(),
			MemoryBytes: m.Usage.Memory().Value(),
			Timestamp:   m.Timestamp.Time,
			Window:      m.Window.Duration,
		}
		if old, ok := u.Nodes[m.Name]; ok {
			u.CPUMillis -= old.CPUMillis
			u.MemoryBytes -= old.MemoryBytes
		}
		u.Nodes[m.Name] = n
		u.CPUMillis += n.CPUMillis
		u.MemoryBytes += n.MemoryBytes
	}
	return u
}

// Usage returns what metrics-server last reported, or nil when the cluster
// serves no metrics.k8s.io, its last answer was an error, or it has not
// been asked yet. The caller must not modify the result.
func (c *Cluster) Usage() *Usage {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.usage
}

// usageLoop fetches usage at once and then every UsageInterval, skipping
// rounds while the cluster is unavailable (its probe already says why).
func (c *Cluster) usageLoop(ctx context.Context) {
	if c.opts.UsageInterval < 0 {
		return
	}
	t := time.NewTicker(c.opts.UsageInterval)
	defer t.Stop()
	for {
		if p := c.Health().Phase; p == PhaseUnavailable || p == PhaseUnauthorized {
			c.setUsage(nil, nil)
		} else {
			c.pollUsage(ctx)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// pollUsage lists NodeMetrics once, within UsageTimeout.
func (c *Cluster) pollUsage(ctx context.Context) {
	pctx, cancel := context.WithTimeout(ctx, c.opts.UsageTimeout)
	defer cancel()
	list, err := c.Metrics.MetricsV1beta1().NodeMetricses().List(pctx, metav1.ListOptions{})
	if ctx.Err() != nil {
		return
	}
	if err != nil {
		c.setUsage(nil, err)
		return
	}
	c.setUsage(SumNodeMetrics(list.Items, time.Now()), nil)
}

// setUsage records a poll's result; err explains a nil u. A change between
// "answers" and "does not" is logged once, not every round.
func (c *Cluster) setUsage(u *Usage, err error) {
	c.mu.Lock()
	had := c.usage != nil
	// A fresh metrics-server answers an empty list at first: usage counts
	// as available (and is shown) once a node reports.
	hadNodes := had && len(c.usage.Nodes) > 0
	first := !c.usagePolled
	c.usage, c.usagePolled = u, true
	c.mu.Unlock()
	switch {
	case err != nil && (had || first):
		c.opts.Logger.Info("Cluster usage unavailable", "cluster", c.name, "reason", usageReason(err))
	case u != nil && len(u.Nodes) > 0 && !hadNodes:
		c.opts.Logger.Info("Cluster usage available", "cluster", c.name, "nodes", len(u.Nodes))
	}
}

// usageReason says why metrics.k8s.io did not answer, briefly.
func usageReason(err error) string {
	switch {
	case apierrors.IsNotFound(err):
		return "metrics.k8s.io is not served (no metrics-server)"
	case errors.Is(err, context.DeadlineExceeded):
		return "metrics.k8s.io did not answer in time"
	default:
		return fmt.Sprintf("metrics.k8s.io: %v", err)
	}
}
