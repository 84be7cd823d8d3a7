package drain

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
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
	// StateInterrupted ends a drain whose process stopped while it ran and
	// that could not be resumed in time: its timeout passed before a
	// process took it up again (Tracker.ResumeAll).
	StateInterrupted State = "Interrupted"
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
	// By names who started the drain.
	By string
	// Message sums up the outcome; empty while running.
	Message   string
	StartedAt time.Time
	// ResumedAt is when a process last took the drain up again after the
	// one running it stopped (Tracker.ResumeAll); nil if none had to.
	ResumedAt  *time.Time
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
	if s.ResumedAt != nil {
		t := *s.ResumedAt
		c.ResumedAt = &t
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

// Tracker runs drains in the background, one per node at a time, and
// keeps each one's record on its node (Annotation), where a process
// started after this one finds it (ResumeAll). It remembers in memory the
// last drain of each node it ran, the freshest copy of its progress.
type Tracker struct {
	cfg  Config
	mu   sync.Mutex
	runs map[string]*entry
	wg   sync.WaitGroup
}

// entry is a drain this Tracker runs or ran.
type entry struct {
	st *Status
	// stop ends the run, leaving its record as it is; nil before the run
	// starts and once it has ended. done is closed when it has ended.
	stop context.CancelCauseFunc
	done chan struct{}
	// stopping: stop was called; the run is ending and another may take
	// the drain up.
	stopping bool
}

// live reports whether e is a drain that runs and goes on running.
func (e *entry) live() bool { return e.st.State == StateRunning && !e.stopping }

// errClosed stops runs when their Tracker is closed or their cluster's
// connection closes.
var errClosed = errors.New("drain tracker closed")

// NewTracker returns a Tracker with cfg's defaults filled in.
func NewTracker(cfg Config) *Tracker {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Tracker{cfg: cfg, runs: map[string]*entry{}}
}

func key(cluster, node string) string { return cluster + "/" + node }

// Start cordons node, records the drain on it, and starts draining it in
// the background; it returns the drain's first status. by names who asked.
// It fails with *InProgressError while this Tracker runs another drain of
// the node, and with the API server's error when the node cannot be
// cordoned (it does not exist, the caller's credentials may not). A drain
// recorded on the node as running that this Tracker does not run (its
// process stopped) is replaced. The drain outlives ctx's cancellation (not
// its values): it ends with its Options.Timeout, with Close, or when its
// record on the node is replaced or removed.
func (t *Tracker) Start(ctx context.Context, client kubernetes.Interface, cluster, node, by string, opts Options) (Status, error) {
	opts.defaults()
	k := key(cluster, node)
	t.mu.Lock()
	if cur, ok := t.runs[k]; ok && cur.live() {
		t.mu.Unlock()
		return Status{}, &InProgressError{Cluster: cluster, Node: node, ID: cur.st.ID}
	}
	// Claim the node before cordoning, so two concurrent starts cannot
	// both proceed; a failed cordon gives the claim back.
	prev := t.runs[k]
	st := &Status{ID: newID(), Cluster: cluster, Node: node, State: StateRunning, By: by, StartedAt: t.cfg.Now().UTC(), Options: opts}
	e := &entry{st: st}
	t.runs[k] = e
	t.mu.Unlock()

	value, err := encode(*st)
	if err == nil {
		err = cordonAndRecord(ctx, client, node, value)
	}
	if err != nil {
		t.mu.Lock()
		if prev != nil {
			t.runs[k] = prev
		} else {
			delete(t.runs, k)
		}
		t.mu.Unlock()
		return Status{}, err
	}
	t.cfg.Logger.Info("Drain started", "cluster", cluster, "node", node, "drain", st.ID, "by", by)
	first := t.snapshot(st)
	t.run(ctx, e, client, value, opts.Timeout)
	return first, nil
}

// run drives e's drain in the background for at most timeout, from its
// record value written.
func (t *Tracker) run(ctx context.Context, e *entry, client kubernetes.Interface, written string, timeout time.Duration) {
	timed, cancelTimeout := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	runCtx, stop := context.WithCancelCause(timed)
	t.mu.Lock()
	e.stop, e.done = stop, make(chan struct{})
	t.mu.Unlock()
	t.wg.Go(func() {
		defer cancelTimeout()
		defer stop(nil)
		d := &run{t: t, e: e, st: e.st, client: client, opts: e.st.Options, written: written}
		d.drain(runCtx)
		t.mu.Lock()
		e.stop = nil
		close(e.done)
		t.mu.Unlock()
	})
}

// Status returns the last drain of the node named node in cluster: the
// one this Tracker runs or ran, or the one recorded on recorded (the node
// read from a cache, which may lag; nil when not at hand), whichever
// started last. It returns false when there is neither.
func (t *Tracker) Status(cluster, node string, recorded *corev1.Node) (Status, bool) {
	t.mu.Lock()
	e, mine := t.runs[key(cluster, node)]
	var st Status
	if mine {
		st = e.st.clone()
	}
	t.mu.Unlock()
	if recorded == nil {
		return st, mine
	}
	rec, ok, err := Recorded(cluster, recorded)
	if err != nil {
		t.cfg.Logger.Warn("Unreadable drain record", "cluster", cluster, "node", node, "error", err)
	}
	if ok && (!mine || (rec.ID != st.ID && rec.StartedAt.After(st.StartedAt))) {
		return rec, true
	}
	return st, mine
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

// Close stops every drain this Tracker runs and waits for them. Their
// records stay on their nodes as running, for the next process to resume
// (ResumeAll). Call it when the process stops.
func (t *Tracker) Close() {
	t.stop(func(*entry) bool { return true })
	t.wg.Wait()
}

// stop stops the drains this Tracker runs that match picks, leaving their
// records as running, and waits until they have ended.
func (t *Tracker) stop(picks func(*entry) bool) {
	t.mu.Lock()
	var ending []chan struct{}
	for _, e := range t.runs {
		if e.stop != nil && picks(e) {
			e.stopping = true
			e.stop(errClosed)
			ending = append(ending, e.done)
		}
	}
	t.mu.Unlock()
	for _, done := range ending {
		<-done
	}
}

// forget drops e from memory if it still is the node's entry, so that
// Status shows what the node records.
func (t *Tracker) forget(e *entry) {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := key(e.st.Cluster, e.st.Node)
	if t.runs[k] == e {
		delete(t.runs, k)
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

func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}
