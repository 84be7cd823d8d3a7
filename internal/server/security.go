package server

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
)

// authenticate resolves the bearer token of every non-public operation and
// puts the principal in the context; a missing, expired or revoked token
// ends the request with 401. The token comes from the Authorization header
// or, on a WebSocket upgrade without one, from a subprotocol (see
// operation.WebSocketBearerProtocolPrefix).
func (s *Server) authenticate(ctx huma.Context, next func(huma.Context)) {
	op := ctx.Operation()
	operation.Request(ctx.Context()).Route = op.Method + " " + op.Path
	if operation.IsPublic(op) {
		next(ctx)
		return
	}
	header := ctx.Header("Authorization")
	if header == "" {
		// Browsers cannot set headers on a WebSocket: they offer the token
		// as a subprotocol instead.
		h := http.Header{}
		ctx.EachHeader(func(name, value string) { h.Add(name, value) })
		if t, ok := operation.WebSocketBearerToken(h); ok {
			if t == "" {
				ctx.SetHeader("WWW-Authenticate", `Bearer realm="wheelhouse", error="invalid_token"`)
				_ = huma.WriteErr(s.api, ctx, http.StatusUnauthorized, "malformed bearer token subprotocol: want "+
					operation.WebSocketBearerProtocolPrefix+"<base64url of the token, no padding>")
				return
			}
			header = "Bearer " + t
		}
	}
	p, err := s.bearer(ctx.Context(), header)
	switch {
	case errors.Is(err, errNoBearer):
		ctx.SetHeader("WWW-Authenticate", `Bearer realm="wheelhouse"`)
		_ = huma.WriteErr(s.api, ctx, http.StatusUnauthorized, err.Error())
		return
	case errors.Is(err, auth.ErrInvalidToken):
		ctx.SetHeader("WWW-Authenticate", `Bearer realm="wheelhouse", error="invalid_token"`)
		_ = huma.WriteErr(s.api, ctx, http.StatusUnauthorized, err.Error())
		return
	case err != nil:
		_ = huma.WriteErr(s.api, ctx, http.StatusServiceUnavailable, err.Error())
		return
	}
	next(huma.WithValue(ctx, principalCtxKey, p))
}

// errNoBearer is the answer to a request without a bearer token.
var errNoBearer = errors.New("missing bearer token: send Authorization: Bearer <token>")

// errCannotAuthenticate hides why tokens cannot be checked (the database
// is down, say) from the caller; the cause goes to the access log.
var errCannotAuthenticate = errors.New("cannot check credentials right now")

// bearer authenticates the value of an Authorization header for the API
// and the Kubernetes pass-through alike, and names the caller in the
// request's info. Errors: errNoBearer, auth.ErrInvalidToken, or
// errCannotAuthenticate.
func (s *Server) bearer(ctx context.Context, header string) (*auth.Principal, error) {
	scheme, token, _ := strings.Cut(header, " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "bearer") || token == "" {
		return nil, errNoBearer
	}
	p, err := s.cfg.Auth.Authenticate(ctx, token)
	switch {
	case errors.Is(err, auth.ErrInvalidToken):
		return nil, err
	case err != nil:
		operation.Request(ctx).Err = err
		return nil, errCannotAuthenticate
	}
	ri := operation.Request(ctx)
	ri.Username, ri.UserID = p.Username, &p.UserID
	return p, nil
}

// principalCtxKey is the same key auth.WithPrincipal uses, reached through
// huma.WithValue so handlers see the principal in their context.
var principalCtxKey = auth.PrincipalContextKey()

// authorize checks the operation's permission against the caller.
func (s *Server) authorize(ctx huma.Context, next func(huma.Context)) {
	op := ctx.Operation()
	if operation.IsPublic(op) {
		next(ctx)
		return
	}
	perm, _ := operation.PermissionOf(op)
	p := auth.PrincipalFrom(ctx.Context())
	scope := auth.Scope{Cluster: ctx.Param("cluster"), Project: ctx.Param("project"), Namespace: ctx.Param("namespace")}
	if operation.IsAnyProject(op) {
		s.authorizeAnyProject(ctx, next, p, perm, scope)
		return
	}
	if err := s.cfg.Authorizer.Authorize(ctx.Context(), p, perm, scope); err != nil {
		s.refuse(ctx, err)
		return
	}
	next(ctx)
}

// authorizeAnyProject lets an AnyProject operation through when the caller
// holds perm on the cluster or on at least one of its projects, and tells
// the handler which.
func (s *Server) authorizeAnyProject(ctx huma.Context, next func(huma.Context), p *auth.Principal, perm auth.Permission, scope auth.Scope) {
	all, projects, err := s.cfg.Authorizer.Projects(ctx.Context(), p, perm, scope.Cluster)
	switch {
	case err != nil:
		s.refuse(ctx, err)
		return
	case !all && len(projects) == 0:
		_ = huma.WriteErr(s.api, ctx, http.StatusForbidden, (&auth.ForbiddenError{Permission: perm, Scope: scope}).Error())
		return
	}
	next(huma.WithValue(ctx, operation.VisibilityContextKey(), operation.Visibility{All: all, Projects: projects}))
}

// refuse answers a request the authorizer did not let through: 403 naming
// the permission, 503 naming the cluster when its project bindings could
// not be resolved because it is down, 503 otherwise (the bindings could not
// be read; the cause goes to the access log).
func (s *Server) refuse(ctx huma.Context, err error) {
	var forbidden *auth.ForbiddenError
	var ue *multicluster.UnavailableError
	switch {
	case errors.As(err, &forbidden):
		_ = huma.WriteErr(s.api, ctx, http.StatusForbidden, forbidden.Error())
	case errors.As(err, &ue):
		ctx.SetHeader("Retry-After", "10")
		_ = huma.WriteErr(s.api, ctx, http.StatusServiceUnavailable, ue.Error())
	default:
		operation.Request(ctx.Context()).Err = err
		_ = huma.WriteErr(s.api, ctx, http.StatusServiceUnavailable, "cannot check permissions right now")
	}
}
