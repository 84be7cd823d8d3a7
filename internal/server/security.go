package server

import (
	"errors"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
)

// authenticate resolves the bearer token of every non-public operation and
// puts the principal in the context; a missing, expired or revoked token
// ends the request with 401. The token comes from the Authorization header
// or, on a WebSocket upgrade without one, from a subprotocol (see
// operation.WebSocketBearerProtocolPrefix).
func (s *Server) authenticate(ctx huma.Context, next func(huma.Context)) {
	op := ctx.Operation()
	ri := operation.Request(ctx.Context())
	ri.Route = op.Method + " " + op.Path
	if operation.IsPublic(op) {
		next(ctx)
		return
	}
	scheme, token, _ := strings.Cut(ctx.Header("Authorization"), " ")
	if ctx.Header("Authorization") == "" {
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
			scheme, token = "Bearer", t
		}
	}
	if !strings.EqualFold(scheme, "bearer") || token == "" {
		ctx.SetHeader("WWW-Authenticate", `Bearer realm="wheelhouse"`)
		_ = huma.WriteErr(s.api, ctx, http.StatusUnauthorized, "missing bearer token: send Authorization: Bearer <token>")
		return
	}
	p, err := s.cfg.Auth.Authenticate(ctx.Context(), strings.TrimSpace(token))
	switch {
	case errors.Is(err, auth.ErrInvalidToken):
		ctx.SetHeader("WWW-Authenticate", `Bearer realm="wheelhouse", error="invalid_token"`)
		_ = huma.WriteErr(s.api, ctx, http.StatusUnauthorized, err.Error())
		return
	case err != nil:
		s.cfg.Logger.Error("Authentication failed", "requestId", ri.ID, "error", err)
		_ = huma.WriteErr(s.api, ctx, http.StatusServiceUnavailable, "cannot check credentials right now")
		return
	}
	ri.Username, ri.UserID = p.Username, &p.UserID
	next(huma.WithValue(ctx, principalCtxKey, p))
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
	err := s.cfg.Authorizer.Authorize(ctx.Context(), p, perm, scope)
	var forbidden *auth.ForbiddenError
	switch {
	case errors.As(err, &forbidden):
		_ = huma.WriteErr(s.api, ctx, http.StatusForbidden, forbidden.Error())
		return
	case err != nil:
		s.cfg.Logger.Error("Authorization failed", "requestId", operation.Request(ctx.Context()).ID, "error", err)
		_ = huma.WriteErr(s.api, ctx, http.StatusServiceUnavailable, "cannot check permissions right now")
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
		s.cfg.Logger.Error("Authorization failed", "requestId", operation.Request(ctx.Context()).ID, "error", err)
		_ = huma.WriteErr(s.api, ctx, http.StatusServiceUnavailable, "cannot check permissions right now")
		return
	case !all && len(projects) == 0:
		_ = huma.WriteErr(s.api, ctx, http.StatusForbidden, (&auth.ForbiddenError{Permission: perm, Scope: scope}).Error())
		return
	}
	next(huma.WithValue(ctx, operation.VisibilityContextKey(), operation.Visibility{All: all, Projects: projects}))
}
