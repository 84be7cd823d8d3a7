package users

import (
	"context"
	"fmt"
	"net/http"

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
		CurrentPassword string `json:"currentPassword" minLength:"1" maxLength:"1024"`
		NewPassword     string `json:"newPassword" minLength:"8" maxLength:"1024"`
	}
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
	op.Description = "Requires the current password. Every other session and API token of the user stays valid; " +
		"revoke them with DELETE /api/v1/tokens/{id} if the password was compromised."
	op.DefaultStatus = http.StatusNoContent
	huma.Register(api, op, func(ctx context.Context, in *ChangePasswordInput) (*struct{}, error) {
		u, err := d.Store.Users().Get(ctx, auth.PrincipalFrom(ctx).UserID)
		if err != nil {
			return nil, fmt.Errorf("get current user: %w", err)
		}
		ok, err := auth.VerifyPassword(u.PasswordHash, in.Body.CurrentPassword)
		if err != nil {
			return nil, fmt.Errorf("verify password: %w", err)
		}
		if !ok {
			return nil, huma.Error422UnprocessableEntity("current password is wrong",
				&huma.ErrorDetail{Location: "body.currentPassword", Message: "does not match"})
		}
		if u.PasswordHash, err = auth.HashPassword(in.Body.NewPassword); err != nil {
			return nil, err
		}
		if err := d.Store.Users().Update(ctx, u); err != nil {
			return nil, fmt.Errorf("update password: %w", err)
		}
		return nil, nil
	})
}
