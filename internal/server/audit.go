package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
)

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
	next(ctx)
	status := ctx.Status()
	if status == 0 {
		status = http.StatusOK
	}
	if refusalsOnly && status < 400 {
		return
	}
	s.recordAudit(ctx.Context(), operation.AuditEvent{Action: ctx.Operation().OperationID, Method: ctx.Method(), Target: ctx.URL().Path, Status: status})
}

// recordAudit writes ev. A record that cannot be written is logged: the
// request it describes has been answered already.
func (s *Server) recordAudit(ctx context.Context, ev operation.AuditEvent) {
	if err := s.auditor.Record(ctx, ev); err != nil {
		s.cfg.Logger.Error("Audit record lost", "requestId", operation.Request(ctx).ID, "action", ev.Action, "error", err)
	}
}
