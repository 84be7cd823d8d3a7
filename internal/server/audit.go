package server

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// auditWriteTimeout bounds the audit insert; it runs after the response is
// decided, on a context that outlives a client that hung up.
const auditWriteTimeout = 5 * time.Second

// audit records every mutating request, whatever its outcome (including
// requests refused by authentication or authorization and bodies that fail
// validation). It records the operation, the path and the caller, never the
// body or query string, so secrets sent in a request cannot reach the log.
//
// A read that acts (exec, marked with operation.AuditRefusals) is recorded
// here only when it is refused or fails; its handler records its success.
func (s *Server) audit(ctx huma.Context, next func(huma.Context)) {
	refusalsOnly := false
	switch ctx.Method() {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		if !operation.AuditsRefusals(ctx.Operation()) {
			next(ctx)
			return
		}
		refusalsOnly = true
	}
	note := &operation.AuditNote{}
	next(huma.WithValue(ctx, operation.AuditNoteContextKey(), note))

	ri := infoFrom(ctx.Context())
	status := ctx.Status()
	if status == 0 {
		status = http.StatusOK
	}
	if refusalsOnly && status < 400 {
		return
	}
	u := ctx.URL()
	entry := &store.AuditEntry{
		Time:       time.Now().UTC(),
		RequestID:  ri.ID,
		Username:   ri.Username,
		UserID:     ri.UserID,
		Action:     ctx.Operation().OperationID,
		Method:     ctx.Method(),
		Target:     u.Path,
		Outcome:    outcomeOf(status),
		StatusCode: status,
		SourceAddr: operation.SourceAddr(ctx.RemoteAddr()),
	}
	if entry.Username == "" {
		entry.Username = note.Actor
	}
	if entry.Outcome != store.OutcomeSuccess {
		entry.Reason = http.StatusText(status)
	}
	s.writeAudit(ctx.Context(), entry)
}

// writeAudit stores entry on a context that outlives a client that hung up.
func (s *Server) writeAudit(ctx context.Context, entry *store.AuditEntry) {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), auditWriteTimeout)
	defer cancel()
	if err := s.cfg.Store.Audit().Append(wctx, entry); err != nil {
		s.cfg.Logger.Error("Audit record lost", "requestId", entry.RequestID, "action", entry.Action, "error", err)
	}
}

func outcomeOf(status int) string {
	switch {
	case status < 400:
		return store.OutcomeSuccess
	case status == http.StatusUnauthorized || status == http.StatusForbidden || status == http.StatusTooManyRequests:
		return store.OutcomeDenied
	default:
		return store.OutcomeFailure
	}
}
