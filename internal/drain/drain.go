package drain

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
)

// Defaults of Options.
const (
	// DefaultTimeout bounds a drain whose Options set none.
	DefaultTimeout = 5 * time.Minute
	// DefaultRetryInterval is the pause between rounds of evictions.
	DefaultRetryInterval = 2 * time.Second
)

// Options tune one drain.
type Options struct {
	// IgnoreDaemonSets leaves DaemonSet pods in place instead of refusing
	// the drain.
	IgnoreDaemonSets bool
	// DeleteEmptyDirData evicts pods with emptyDir volumes (their data is
	// lost) instead of refusing the drain.
	DeleteEmptyDirData bool
	// Force evicts pods that no controller would recreate instead of
	// refusing the drain.
	Force bool
	// GracePeriodSeconds overrides each pod's termination grace period;
	// nil keeps the pod's own.
	GracePeriodSeconds *int64
	// Timeout bounds the whole drain; zero means DefaultTimeout.
	Timeout time.Duration
	// RetryInterval is the pause between rounds of evictions and checks;
	// zero means DefaultRetryInterval.
	RetryInterval time.Duration
}

func (o *Options) defaults() {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.RetryInterval <= 0 {
		o.RetryInterval = DefaultRetryInterval
	}
}

// State is where a drain stands.
type State string

// States of a drain.
const (
	StateRunning   State = "Running"
	StateSucceeded State = "Succeeded"
	StateFailed    State = "Failed"
)

// Pod names a pod a drain dealt with and, where it matters, why it is
// where it is.
type Pod struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Reason    string `json:"reason,omitempty"`
}

// Status is a drain's progress.
type Status struct {
	ID      string
	Cluster string
	Node    string
	State   State
	// Message sums up the outcome; empty while running.
	Message    string
	StartedAt  time.Time
	FinishedAt *time.Time
	Options    Options
	// Evicted pods are gone from the node.
	Evicted []Pod
	// Pending pods are still to go, each with what holds it (a
	// PodDisruptionBudget, termination in progress).
	Pending []Pod
	// NotEvicted pods stopped the drain: refused by the options, or still
	// there when the timeout came, each with why.
	NotEvicted []Pod
	// Skipped pods stay on the node by design (mirror pods, DaemonSet pods
	// with IgnoreDaemonSets).
	Skipped []Pod
}

func (s *Status) clone() Status {
	c := *s
	c.Evicted = slices.Clone(s.Evicted)
	c.Pending = slices.Clone(s.Pending)
	c.NotEvicted = slices.Clone(s.NotEvicted)
	c.Skipped = slices.Clone(s.Skipped)
	if s.FinishedAt != nil {
		t := *s.FinishedAt
		c.FinishedAt = &t
	}
	if s.Options.GracePeriodSeconds != nil {
		g := *s.Options.GracePeriodSeconds
		c.Options.GracePeriodSeconds = &g
	}
	return c
}

// InProgressError is returned by Start while a drain of the node runs.
type InProgressError struct {
	Cluster, Node, ID string
}

// Error says which drain is still running.
func (e *InProgressError) Error() string {
	return fmt.Sprintf("drain %s of node %q in cluster %q is still running", e.ID, e.Node, e.Cluster)
}

// Config configures a Tracker.
type Config struct {
	Logger *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Tracker runs drains in the background and remembers, per node, the last
// one, in memory only.
type Tracker struct {
	cfg  Config
	mu   sync.Mutex
	runs map[string]*Status
	wg   sync.WaitGroup
}

// NewTracker returns a Tracker with cfg's defaults filled in.
func NewTracker(cfg Config) *Tracker {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Tracker{cfg: cfg, runs: map[string]*Status{}}
}

func key(cluster, node string) string { return cluster + "/" + node }

// Start cordons node and starts draining it in the background; it returns
// the drain's first status. It fails with *InProgressError while another
// drain of the node runs, and with the API server's error when the node
// cannot be cordoned (it does not exist, the caller's credentials may not).
// The drain outlives ctx's cancellation (not its values): it ends when its
// Options.Timeout does.
func (t *Tracker) Start(ctx context.Context, client kubernetes.Interface, cluster, node string, opts Options) (Status, error) {
	opts.defaults()
	k := key(cluster, node)
	t.mu.Lock()
	if cur, ok := t.runs[k]; ok && cur.State == StateRunning {
		t.mu.Unlock()
		return Status{}, &InProgressError{Cluster: cluster, Node: node, ID: cur.ID}
	}
	// Claim the node before cordoning, so two concurrent starts cannot
	// both proceed; a failed cordon gives the claim back.
	prev := t.runs[k]
	st := &Status{ID: newID(), Cluster: cluster, Node: node, State: StateRunning, StartedAt: t.cfg.Now().UTC(), Options: opts}
	t.runs[k] = st
	t.mu.Unlock()

	if err := Cordon(ctx, client, node, true); err != nil {
		t.mu.Lock()
		if prev != nil {
			t.runs[k] = prev
		} else {
			delete(t.runs, k)
		}
		t.mu.Unlock()
		return Status{}, err
	}
	t.cfg.Logger.Info("Drain started", "cluster", cluster, "node", node, "drain", st.ID)
	first := t.snapshot(st)
	runCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), opts.Timeout)
	t.wg.Go(func() {
		defer cancel()
		d := &run{t: t, st: st, client: client, opts: opts}
		d.drain(runCtx)
	})
	return first, nil
}

// Status returns the last drain of node in cluster, and false when there
// was none since the process started.
func (t *Tracker) Status(cluster, node string) (Status, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	st, ok := t.runs[key(cluster, node)]
	if !ok {
		return Status{}, false
	}
	return st.clone(), true
}

// Wait blocks until every drain started so far has ended or ctx ends.
func (t *Tracker) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		t.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for drains: %w", ctx.Err())
	}
}

func (t *Tracker) snapshot(st *Status) Status {
	t.mu.Lock()
	defer t.mu.Unlock()
	return st.clone()
}

// update changes st under the tracker's lock.
func (t *Tracker) update(st *Status, f func(*Status)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f(st)
}

// Cordon sets (or with unschedulable false, clears) spec.unschedulable of
// node.
func Cordon(ctx context.Context, client kubernetes.Interface, node string, unschedulable bool) error {
	patch := fmt.Appendf(nil, `{"spec":{"unschedulable":%t}}`, unschedulable)
	if _, err := client.CoreV1().Nodes().Patch(ctx, node, types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		verb := "cordon"
		if !unschedulable {
			verb = "uncordon"
		}
		return fmt.Errorf("%s node %q: %w", verb, node, err)
	}
	return nil
}

func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}
