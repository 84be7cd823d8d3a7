// Package operation declares API operations the same way in every area:
// each names the permission it requires (or that it is public), so
// authentication, authorization and audit are enforced by the server's
// middleware rather than remembered by each handler.
package operation

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
)

// Metadata keys set on huma operations.
const (
	metaPublic        = "wheelhouse.public"
	metaPermission    = "wheelhouse.permission"
	metaAuditRefusals = "wheelhouse.auditRefusals"
)

// BearerScheme is the OpenAPI security scheme name for Wheelhouse tokens.
const BearerScheme = "bearer"

// New declares an operation that requires perm of its authenticated caller.
func New(method, path, id, summary string, tags []string, perm auth.Permission) huma.Operation {
	op := huma.Operation{
		Method:      method,
		Path:        path,
		OperationID: id,
		Summary:     summary,
		Tags:        tags,
		Security:    []map[string][]string{{BearerScheme: {}}},
		Metadata:    map[string]any{metaPermission: perm},
		Errors:      []int{http.StatusUnauthorized, http.StatusForbidden},
		// The server reads bodies itself, within its own deadline, which
		// it then clears; huma's would stay on the connection.
		BodyReadTimeout: -1,
	}
	if method != http.MethodGet {
		op.Errors = append(op.Errors, http.StatusUnprocessableEntity)
	}
	return op
}

// Public declares an operation anyone may call (login, version).
func Public(method, path, id, summary string, tags []string) huma.Operation {
	return huma.Operation{
		Method:          method,
		Path:            path,
		OperationID:     id,
		Summary:         summary,
		Tags:            tags,
		Metadata:        map[string]any{metaPublic: true},
		BodyReadTimeout: -1,
	}
}

// AuditRefusals marks a GET operation that acts (an exec session): the
// audit middleware, which otherwise records only mutating requests, also
// records its refused and failed requests (any 4xx or 5xx). The handler
// records its own success with what the middleware cannot know (for exec,
// the command), before it starts.
func AuditRefusals(op *huma.Operation) {
	if op.Metadata == nil {
		op.Metadata = map[string]any{}
	}
	op.Metadata[metaAuditRefusals] = true
}

// AuditsRefusals reports whether AuditRefusals marked op.
func AuditsRefusals(op *huma.Operation) bool {
	v, _ := op.Metadata[metaAuditRefusals].(bool)
	return v
}

// IsPublic reports whether op needs no authentication.
func IsPublic(op *huma.Operation) bool {
	v, _ := op.Metadata[metaPublic].(bool)
	return v
}

// PermissionOf returns the permission op requires, and false when op
// declares none (a programming error the server refuses at start).
func PermissionOf(op *huma.Operation) (auth.Permission, bool) {
	p, ok := op.Metadata[metaPermission].(auth.Permission)
	return p, ok
}
