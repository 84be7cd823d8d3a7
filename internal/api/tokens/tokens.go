// Package tokens serves API tokens: long-lived bearer tokens for scripts
// and CI, created by a user for itself, listed without their secret, and
// revocable. Admins may list and revoke any user's tokens.
package tokens

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

// Deps are what the token endpoints need.
type Deps struct {
	Auth  *auth.Service
	Store *store.Store
}

// TokenView is a token as listed: never the token itself.
type TokenView struct {
	ID         uint64     `json:"id"`
	Name       string     `json:"name"`
	Kind       string     `json:"kind" enum:"session,api"`
	Prefix     string     `json:"prefix" doc:"The token's first characters, to tell tokens apart"`
	ExpiresAt  *time.Time `json:"expiresAt,omitempty"`
	LastUsedAt *time.Time `json:"lastUsedAt,omitempty"`
	RevokedAt  *time.Time `json:"revokedAt,omitempty"`
	CreatedAt  time.Time  `json:"createdAt"`
	Current    bool       `json:"current" doc:"This request was made with the token"`
}

func viewOf(t *store.Token, current uint64) TokenView {
	return TokenView{ID: t.ID, Name: t.Name, Kind: t.Kind, Prefix: t.Prefix, ExpiresAt: t.ExpiresAt,
		LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt, CreatedAt: t.CreatedAt, Current: t.ID == current}
}

// CreateTokenInput is the body of POST /api/v1/tokens.
type CreateTokenInput struct {
	Body struct {
		Name      string `json:"name" minLength:"1" maxLength:"128" doc:"What the token is for"`
		ExpiresIn string `json:"expiresIn,omitempty" doc:"Lifetime such as 720h; absent means until revoked"`
	}
}

// CreateTokenOutput carries the new token, shown only in this response,
// which no cache may keep.
type CreateTokenOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         struct {
		TokenView
		Token string `json:"token" doc:"Shown only once: store it now"`
	}
}

// ListTokensInput pages the token list.
type ListTokensInput struct {
	operation.ListParams
	User string `query:"user" maxLength:"64" doc:"Admins only: list this user's tokens instead of your own"`
}

// ListTokensOutput is one page of tokens.
type ListTokensOutput struct {
	Body operation.List[TokenView]
}

// TokenIDInput names a token in the path.
type TokenIDInput struct {
	ID uint64 `path:"id"`
}

var tags = []string{"Tokens"}

var selfPerm = func(verb string) auth.Permission { return auth.Permission{Verb: verb, Resource: auth.ResourceSelf} }

// Register adds the token endpoints to api.
func Register(api huma.API, d Deps) {
	create := operation.New(http.MethodPost, "/api/v1/tokens", "create-token", "Create an API token", tags, selfPerm(auth.VerbCreate))
	create.Description = "The token is in this response only (Cache-Control: no-store); the list shows its prefix."
	create.DefaultStatus = http.StatusCreated
	huma.Register(api, create, func(ctx context.Context, in *CreateTokenInput) (*CreateTokenOutput, error) {
		var lifetime time.Duration
		if in.Body.ExpiresIn != "" {
			var err error
			if lifetime, err = time.ParseDuration(in.Body.ExpiresIn); err != nil || lifetime < time.Minute {
				return nil, huma.Error422UnprocessableEntity("invalid expiresIn",
					&huma.ErrorDetail{Location: "body.expiresIn", Message: "must be a duration of at least 1m, such as 720h", Value: in.Body.ExpiresIn})
			}
		}
		p := auth.PrincipalFrom(ctx)
		token, t, err := d.Auth.CreateAPIToken(ctx, p.UserID, in.Body.Name, lifetime)
		if err != nil {
			return nil, fmt.Errorf("create token: %w", err)
		}
		out := &CreateTokenOutput{CacheControl: "no-store"}
		out.Body.TokenView, out.Body.Token = viewOf(t, p.TokenID), token
		return out, nil
	})

	huma.Register(api, operation.New(http.MethodGet, "/api/v1/tokens", "list-tokens",
		"List your tokens (sessions and API tokens)", tags, selfPerm(auth.VerbList)),
		func(ctx context.Context, in *ListTokensInput) (*ListTokensOutput, error) {
			p := auth.PrincipalFrom(ctx)
			userID := p.UserID
			if in.User != "" && in.User != p.Username {
				if !p.IsAdmin() {
					return nil, huma.Error403Forbidden("only admins may list other users' tokens")
				}
				u, err := d.Store.Users().GetByUsername(ctx, in.User)
				if errors.Is(err, store.ErrNotFound) {
					return nil, huma.Error404NotFound(fmt.Sprintf("user %q not found", in.User))
				}
				if err != nil {
					return nil, fmt.Errorf("get user %q: %w", in.User, err)
				}
				userID = u.ID
			}
			list, next, err := d.Store.Tokens().ListByUser(ctx, userID, store.ListOptions{Limit: in.Limit, Continue: in.Continue})
			if errors.Is(err, store.ErrInvalidContinue) {
				return nil, operation.InvalidContinue()
			}
			if err != nil {
				return nil, fmt.Errorf("list tokens: %w", err)
			}
			out := &ListTokensOutput{}
			out.Body.Items, out.Body.Continue = make([]TokenView, 0, len(list)), next
			for i := range list {
				out.Body.Items = append(out.Body.Items, viewOf(&list[i], p.TokenID))
			}
			return out, nil
		})

	del := operation.New(http.MethodDelete, "/api/v1/tokens/{id}", "revoke-token", "Revoke a token", tags, selfPerm(auth.VerbDelete))
	del.DefaultStatus = http.StatusNoContent
	del.Errors = append(del.Errors, http.StatusNotFound)
	huma.Register(api, del, func(ctx context.Context, in *TokenIDInput) (*struct{}, error) {
		p := auth.PrincipalFrom(ctx)
		t, err := d.Store.Tokens().Get(ctx, in.ID)
		// Another user's token is "not found" to a non-admin, so ids cannot
		// be probed.
		if errors.Is(err, store.ErrNotFound) || (err == nil && t.UserID != p.UserID && !p.IsAdmin()) {
			return nil, huma.Error404NotFound(fmt.Sprintf("token %d not found", in.ID))
		}
		if err != nil {
			return nil, fmt.Errorf("get token %d: %w", in.ID, err)
		}
		if t.RevokedAt != nil {
			return nil, nil
		}
		if err := d.Auth.RevokeToken(ctx, t.ID); err != nil {
			return nil, fmt.Errorf("revoke token %d: %w", t.ID, err)
		}
		return nil, nil
	})
}
