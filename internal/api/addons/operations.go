package addons

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"sync"
	"time"
)

// Operation states.
const (
	OpRunning   = "Running"
	OpSucceeded = "Succeeded"
	OpFailed    = "Failed"
)

// progressInterval is how often a running operation's objects are read
// for its progress.
const progressInterval = 2 * time.Second

// keptFor is how long an ended operation stays readable.
const keptFor = time.Hour

// Operation is a release operation running in the background, or its
// outcome.
type Operation struct {
	ID        string `json:"id"`
	Action    string `json:"action" enum:"install,upgrade,rollback,repair,uninstall"`
	Cluster   string `json:"cluster"`
	Namespace string `json:"namespace"`
	Release   string `json:"release"`
	State     string `json:"state" enum:"Running,Succeeded,Failed"`
	// Message says why an operation failed (Helm's error, a timeout
	// waiting for readiness).
	Message string `json:"message,omitempty"`
	// Revision is the revision the operation wrote, once known.
	Revision int `json:"revision,omitempty"`
	// ResourcesReady of ResourcesTotal objects are ready (kstatus), read
	// while the operation waits.
	ResourcesReady int        `json:"resourcesReady"`
	ResourcesTotal int        `json:"resourcesTotal"`
	StartedBy      string     `json:"startedBy"`
	StartedAt      time.Time  `json:"startedAt"`
	FinishedAt     *time.Time `json:"finishedAt,omitempty"`
}

type opKey struct{ cluster, namespace, release string }

// Operations keeps each release's last operation in memory. What an
// operation did lives in Helm's storage in the cluster; a server that dies
// mid-operation loses only this record, and the release it left pending
// is marked failed, with the reason, when the server starts again.
type Operations struct {
	mu   sync.Mutex
	last map[opKey]*Operation
	// ctx ends the running operations when the server stops: Helm marks
	// their revisions failed ("context canceled").
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// NewOperations returns an empty Operations.
func NewOperations() *Operations {
	ctx, cancel := context.WithCancel(context.Background())
	return &Operations{last: map[opKey]*Operation{}, ctx: ctx, cancel: cancel}
}

// Stop cancels the running operations and waits until each has ended and
// recorded its outcome.
func (o *Operations) Stop() {
	o.cancel()
	o.wg.Wait()
}

// begin records a new running operation on k, or returns the running one
// and false.
func (o *Operations) begin(k opKey, action, user string) (Operation, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if cur, ok := o.last[k]; ok && cur.State == OpRunning {
		return *cur, false
	}
	now := time.Now()
	for key, op := range o.last {
		if op.FinishedAt != nil && now.Sub(*op.FinishedAt) > keptFor {
			delete(o.last, key)
		}
	}
	var id [8]byte
	_, _ = rand.Read(id[:])
	op := &Operation{ID: hex.EncodeToString(id[:]), Action: action, Cluster: k.cluster, Namespace: k.namespace, Release: k.release,
		State: OpRunning, StartedBy: user, StartedAt: now.UTC()}
	o.last[k] = op
	return *op, true
}

func (o *Operations) update(k opKey, id string, f func(*Operation)) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if op, ok := o.last[k]; ok && op.ID == id {
		f(op)
	}
}

func (o *Operations) get(k opKey) (Operation, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	op, ok := o.last[k]
	if !ok {
		return Operation{}, false
	}
	return *op, true
}

func (o *Operations) running(cluster, namespace, release string) (Operation, bool) {
	op, ok := o.get(opKey{cluster, namespace, release})
	return op, ok && op.State == OpRunning
}

// run runs work as operation op in the background. progress, when not
// nil, is called every progressInterval while work runs and returns how
// many objects are ready of how many. done is called with the outcome
// once the record says it.
func (o *Operations) run(k opKey, op Operation, work func(context.Context) (int, error),
	progress func(context.Context) (ready, total int, ok bool), done func(Operation)) {
	o.wg.Add(1)
	go func() {
		defer o.wg.Done()
		ctx, cancel := context.WithCancel(o.ctx)
		defer cancel()
		if progress != nil {
			go func() {
				t := time.NewTicker(progressInterval)
				defer t.Stop()
				for {
					select {
					case <-ctx.Done():
						return
					case <-t.C:
						if ready, total, ok := progress(ctx); ok {
							o.update(k, op.ID, func(op *Operation) { op.ResourcesReady, op.ResourcesTotal = ready, total })
						}
					}
				}
			}()
		}
		rev, err := work(ctx)
		cancel()
		// The objects as the operation left them, however fast it was.
		ready, total, counted := 0, 0, false
		if progress != nil {
			pctx, pcancel := context.WithTimeout(context.WithoutCancel(o.ctx), progressInterval)
			ready, total, counted = progress(pctx)
			pcancel()
		}
		var final Operation
		o.update(k, op.ID, func(op *Operation) {
			if counted {
				op.ResourcesReady, op.ResourcesTotal = ready, total
			}
			now := time.Now().UTC()
			op.FinishedAt = &now
			op.Revision = rev
			op.State = OpSucceeded
			if err != nil {
				op.State, op.Message = OpFailed, message(err)
			}
			final = *op
		})
		done(final)
	}()
}

// message is an error as an operation shows it: Helm's chain of
// "install ns/name: ..." without repeating the release.
func message(err error) string {
	return strings.TrimSpace(err.Error())
}
