package operation

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// auditWriteTimeout bounds an audit insert; it runs on a context that
// outlives a client that hung up.
const auditWriteTimeout = 5 * time.Second

// maxAuditTarget is the size of store.AuditEntry.Target.
const maxAuditTarget = 512

// Auditor writes the audit log. It is the one place audit rows are built:
// the server's middleware records every mutating request through it, and
// handlers record what the middleware cannot see (a Secret reveal, the
// command of an exec session) with the same request id, caller and source.
// It records what was done and to what, never bodies, query strings or
// values, so secrets sent in a request cannot reach the log.
type Auditor struct {
	Store *store.Store
}

// AuditEvent is one audited action of the request in a context.
type AuditEvent struct {
	// Action names what was done: an operation id, "reveal-secret".
	Action string
	Method string
	// Target is the path acted on, with what the action needs to be
	// understood (an exec's command); cut at the column's size.
	Target string
	// Status is the HTTP status the action ended with; it decides the
	// outcome (success, denied, failure).
	Status int
	// Reason says why a denied or failed action did not succeed; empty:
	// the status text.
	Reason string
}

// Record writes ev as done by the caller of the request in ctx. A record
// that cannot be written is an error: actions that must not happen
// unaudited (a reveal, an exec session) stop on it.
func (a *Auditor) Record(ctx context.Context, ev AuditEvent) error {
	ri := Request(ctx)
	entry := &store.AuditEntry{
		Time:       time.Now().UTC(),
		RequestID:  ri.ID,
		Username:   ri.Username,
		UserID:     ri.UserID,
		Action:     ev.Action,
		Method:     ev.Method,
		Target:     ev.Target,
		Outcome:    Outcome(ev.Status),
		StatusCode: ev.Status,
		SourceAddr: ri.SourceAddr,
		Reason:     ev.Reason,
	}
	if entry.Username == "" {
		entry.Username = ri.Actor
	}
	if entry.Outcome != store.OutcomeSuccess && entry.Reason == "" {
		entry.Reason = http.StatusText(ev.Status)
	}
	if len(entry.Target) > maxAuditTarget {
		entry.Target = entry.Target[:maxAuditTarget-3] + "..."
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), auditWriteTimeout)
	defer cancel()
	if err := a.Store.Audit().Append(wctx, entry); err != nil {
		return fmt.Errorf("write audit record %s of request %s: %w", ev.Action, ri.ID, err)
	}
	return nil
}

// Outcome is the audit outcome of a response status.
func Outcome(status int) string {
	switch {
	case status < 400:
		return store.OutcomeSuccess
	case status == http.StatusUnauthorized || status == http.StatusForbidden || status == http.StatusTooManyRequests:
		return store.OutcomeDenied
	default:
		return store.OutcomeFailure
	}
}
