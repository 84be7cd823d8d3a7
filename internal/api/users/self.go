package users

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
)

// UserOutput is a response carrying one user.
type UserOutput struct {
	Body View
}

// ChangePasswordInput is the body of PUT /api/v1/users/me/password.
type ChangePasswordInput struct {
	Body struct {
		CurrentPassword   string `json:"currentPassword" minLength:"1" maxLength:"1024" writeOnly:"true"`
		NewPassword       string `json:"newPassword" minLength:"8" maxLength:"1024" writeOnly:"true"`
		KeepOtherSessions bool   `json:"keepOtherSessions,omitempty" doc:"Keep the user's other sessions and API tokens valid; by default every one but the token of this request is revoked"`
	}
	addr string
}

// Resolve captures the client address, which the current password's
// rate limit is keyed on.
func (in *ChangePasswordInput) Resolve(ctx huma.Context) []error {
	in.addr = operation.SourceAddr(ctx.RemoteAddr())
	return nil
}

// RateLimited is the 429 for a password check refused by the login
// limiter, with Retry-After in whole seconds.
func RateLimited(limited *auth.RateLimitedError) error {
	secs := int(limited.RetryAfter.Seconds()) + 1
	return huma.ErrorWithHeaders(huma.Error429TooManyRequests(limited.Error()),
		http.Header{"Retry-After": {strconv.Itoa(secs)}})
}

func registerSelf(api huma.API, d Deps) {
	huma.Register(api, operation.New(http.MethodGet, "/api/v1/users/me", "get-current-user",
		"The signed-in user", tags, auth.Permission{Verb: auth.VerbGet, Resource: auth.ResourceSelf}),
		func(ctx context.Context, _ *struct{}) (*UserOutput, error) {
			u, err := d.Store.Users().Get(ctx, auth.PrincipalFrom(ctx).UserID)
			if err != nil {
				return nil, fmt.Errorf("get current user: %w", err)
			}
			return &UserOutput{Body: ViewOf(u)}, nil
		})

	op := operation.New(http.MethodPut, "/api/v1/users/me/password", "change-own-password",
		"Change the signed-in user's password", tags, auth.Permission{Verb: auth.VerbUpdate, Resource: auth.ResourceSelf})
	op.Description = "Requires the current password, checked under the same limits as a login: wrong current passwords " +
		"count toward the user's and the address's lockout, and a locked-out caller gets 429 with Retry-After. " +
		"Every other session and API token of the user is revoked (the token of this request stays valid), " +
		"unless keepOtherSessions is true."
	op.DefaultStatus = http.StatusNoContent
	op.Errors = append(op.Errors, http.StatusTooManyRequests)
	huma.Register(api, op, func(ctx context.Context, in *ChangePasswordInput) (*struct{}, error) {
		err := d.Auth.ChangePassword(ctx, auth.PrincipalFrom(ctx), in.Body.CurrentPassword, in.Body.NewPassword, in.addr, in.Body.KeepOtherSessions)
		var limited *auth.RateLimitedError
		switch {
		case errors.As(err, &limited):
			return nil, RateLimited(limited)
		case errors.Is(err, auth.ErrInvalidCredentials):
			return nil, huma.Error422UnprocessableEntity("current password is wrong",
				&huma.ErrorDetail{Location: "body.currentPassword", Message: "does not match"})
		case err != nil:
			return nil, fmt.Errorf("change password: %w", err)
		}
		return nil, nil
	})
}
