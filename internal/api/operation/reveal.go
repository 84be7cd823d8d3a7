package operation

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
)

// ActionRevealSecret is the audit action of every read of Secret values,
// whatever the route: the configuration center's ?reveal=true, the any-kind
// routes and the Kubernetes pass-through.
const ActionRevealSecret = "reveal-secret"

// RevealPermission is what seeing Secret values takes: the right to change
// Secrets where they are (members, owners, admins). Everyone else who may
// read Secrets sees their metadata only, as Kubernetes' view role and
// Argo CD do.
var RevealPermission = auth.Permission{Verb: auth.VerbUpdate, Resource: "secrets"}

// MayReveal reports whether the caller of ctx may see Secret values in
// scope. An error means the bindings could not be read.
func (k *Kit) MayReveal(ctx context.Context, scope auth.Scope) (bool, error) {
	err := k.Authorizer.Authorize(ctx, auth.PrincipalFrom(ctx), RevealPermission, scope)
	var forbidden *auth.ForbiddenError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &forbidden):
		return false, nil
	}
	return false, err
}

// AuthorizeReveal decides whether the caller of ctx may see Secret values
// in scope and audits the attempt either way (action reveal-secret, target
// the request's path). It returns nil when the values may be shown, a 403
// when not, a 503 when the bindings cannot be read; values are never shown
// when the audit record cannot be written.
func (k *Kit) AuthorizeReveal(ctx context.Context, scope auth.Scope) error {
	ok, err := k.MayReveal(ctx, scope)
	ev := AuditEvent{Action: ActionRevealSecret, Method: http.MethodGet, Target: Request(ctx).Path, Status: http.StatusOK}
	switch {
	case err != nil:
		ev.Status, ev.Reason = http.StatusServiceUnavailable, "cannot check permissions"
	case !ok:
		ev.Status = http.StatusForbidden
	}
	if aerr := k.Audit.Record(ctx, ev); aerr != nil {
		Request(ctx).Err = aerr
		return huma.Error503ServiceUnavailable("cannot audit the reveal right now, so the values are withheld")
	}
	switch {
	case err != nil:
		Request(ctx).Err = err
		return huma.Error503ServiceUnavailable("cannot check permissions right now")
	case !ok:
		forbidden := &auth.ForbiddenError{Permission: RevealPermission, Scope: scope}
		return huma.Error403Forbidden(fmt.Sprintf("revealing Secret values needs update on secrets: %s", forbidden.Error()))
	}
	return nil
}
