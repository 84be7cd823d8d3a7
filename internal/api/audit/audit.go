// Package audit serves the audit log to admins: every mutating request,
// newest first, filtered and paged.
package audit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// Deps are what the audit endpoint needs.
type Deps struct {
	Store *store.Store
}

// AuditEntry is one audit record.
type AuditEntry struct {
	ID         uint64    `json:"id"`
	Time       time.Time `json:"time"`
	RequestID  string    `json:"requestId"`
	Username   string    `json:"username" doc:"Who made the request; for a failed login, the name tried"`
	Action     string    `json:"action" doc:"Operation id, e.g. create-user"`
	Method     string    `json:"method"`
	Target     string    `json:"target" doc:"Request path; an exec session (exec-pod) adds its command, container and tty as a query"`
	Outcome    string    `json:"outcome" enum:"success,failure,denied"`
	StatusCode int       `json:"statusCode"`
	SourceAddr string    `json:"sourceAddr"`
	Reason     string    `json:"reason,omitempty"`
}

// ListAuditInput filters the audit log.
type ListAuditInput struct {
	operation.ListParams
	User    string    `query:"user" maxLength:"64" doc:"Exact user name"`
	Action  string    `query:"action" maxLength:"128" doc:"Exact operation id"`
	Outcome string    `query:"outcome" enum:"success,failure,denied" doc:"Outcome"`
	Target  string    `query:"target" maxLength:"512" doc:"Path prefix, e.g. /api/v1/users"`
	Since   time.Time `query:"since" doc:"RFC 3339 time; entries at or after it"`
	Until   time.Time `query:"until" doc:"RFC 3339 time; entries before it"`
}

// ListAuditOutput is one page of the audit log.
type ListAuditOutput struct {
	Body operation.List[AuditEntry]
}

// Register adds the audit endpoint to api.
func Register(api huma.API, d Deps) {
	huma.Register(api, operation.New(http.MethodGet, "/api/v1/audit", "list-audit",
		"Read the audit log (admins)", []string{"Audit"}, auth.Permission{Verb: auth.VerbList, Resource: auth.ResourceAudit}),
		func(ctx context.Context, in *ListAuditInput) (*ListAuditOutput, error) {
			f := store.AuditFilter{
				Username: in.User, Action: in.Action, Outcome: in.Outcome, Target: in.Target,
				ListOptions: store.ListOptions{Limit: in.Limit, Continue: in.Continue},
			}
			if !in.Since.IsZero() {
				f.Since = &in.Since
			}
			if !in.Until.IsZero() {
				f.Until = &in.Until
			}
			list, next, err := d.Store.Audit().List(ctx, f)
			if errors.Is(err, store.ErrInvalidContinue) {
				return nil, operation.InvalidContinue()
			}
			if err != nil {
				return nil, fmt.Errorf("list audit log: %w", err)
			}
			out := &ListAuditOutput{}
			out.Body.Items, out.Body.Continue = make([]AuditEntry, 0, len(list)), next
			for _, e := range list {
				out.Body.Items = append(out.Body.Items, AuditEntry{ID: e.ID, Time: e.Time, RequestID: e.RequestID, Username: e.Username,
					Action: e.Action, Method: e.Method, Target: e.Target, Outcome: e.Outcome, StatusCode: e.StatusCode,
					SourceAddr: e.SourceAddr, Reason: e.Reason})
			}
			return out, nil
		})
}
