// Package session serves sign-in and sign-out: POST /api/v1/login trades a
// user name and password for a session token, POST /api/v1/logout revokes
// the token the request carries.
package session

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/users"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
)

// Deps are what the session endpoints need.
type Deps struct {
	Auth *auth.Service
}

// LoginInput is the request of POST /api/v1/login.
type LoginInput struct {
	Body struct {
		Username string `json:"username" minLength:"1" maxLength:"64" doc:"User name"`
		Password string `json:"password" minLength:"1" maxLength:"1024" writeOnly:"true" doc:"Password"`
	}
	addr string
}

// Resolve captures the client address, which rate limiting is keyed on.
func (in *LoginInput) Resolve(ctx huma.Context) []error {
	in.addr = operation.SourceAddr(ctx.RemoteAddr())
	return nil
}

// LoginOutput carries the session token, shown only in this response,
// which no cache may keep.
type LoginOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         struct {
		Token     string     `json:"token" doc:"Send as Authorization: Bearer <token>"`
		ExpiresAt time.Time  `json:"expiresAt"`
		User      users.View `json:"user"`
	}
}

var tags = []string{"Session"}

// Register adds the session endpoints to api.
func Register(api huma.API, d Deps) {
	login := operation.Public(http.MethodPost, "/api/v1/login", "login", "Sign in with a user name and password", tags)
	login.Description = "Returns a session token that expires after the server's session TTL (Cache-Control: no-store). " +
		"Each attempt counts as a failure from the moment it arrives until its password is found right, so parallel " +
		"attempts see each other: after 5 failures within 5 minutes for one user name or from one address, further " +
		"attempts (even with the right password) are refused with 429 and Retry-After until the oldest failure is 5 minutes old, " +
		"and at most 4 attempts per user name and per address are checked at once (more get 429 with Retry-After: 2, and count as failures)."
	login.Errors = []int{http.StatusUnauthorized, http.StatusUnprocessableEntity, http.StatusTooManyRequests}
	huma.Register(api, login, func(ctx context.Context, in *LoginInput) (*LoginOutput, error) {
		operation.NoteActor(ctx, in.Body.Username)
		s, err := d.Auth.Login(ctx, in.Body.Username, in.Body.Password, in.addr)
		var limited *auth.RateLimitedError
		switch {
		case errors.As(err, &limited):
			return nil, users.RateLimited(limited)
		case errors.Is(err, auth.ErrInvalidCredentials):
			return nil, huma.Error401Unauthorized(err.Error())
		case err != nil:
			return nil, fmt.Errorf("login: %w", err)
		}
		out := &LoginOutput{CacheControl: "no-store"}
		out.Body.Token, out.Body.ExpiresAt, out.Body.User = s.Token, s.ExpiresAt, users.ViewOf(s.User)
		return out, nil
	})

	logout := operation.New(http.MethodPost, "/api/v1/logout", "logout", "Revoke the token this request carries", tags,
		auth.Permission{Verb: auth.VerbDelete, Resource: auth.ResourceSelf})
	logout.DefaultStatus = http.StatusNoContent
	huma.Register(api, logout, func(ctx context.Context, _ *struct{}) (*struct{}, error) {
		p := auth.PrincipalFrom(ctx)
		if err := d.Auth.RevokeToken(ctx, p.TokenID); err != nil {
			return nil, fmt.Errorf("revoke token %d: %w", p.TokenID, err)
		}
		return nil, nil
	})
}
