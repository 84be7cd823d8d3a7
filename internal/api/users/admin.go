package users

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// Deps are what the user endpoints need.
type Deps struct {
	Store *store.Store
	Auth  *auth.Service
	// Authorizer says what a user may do where (see registerPermissions).
	Authorizer *auth.Authorizer
}

var tags = []string{"Users"}

// usernamePattern keeps user names safe in paths, logs and Kubernetes
// impersonation headers.
const usernamePattern = `^[a-z0-9]([a-z0-9._-]{0,62}[a-z0-9])?$`

var validUsername = regexp.MustCompile(usernamePattern)

// ListUsersInput filters and pages the user list.
type ListUsersInput struct {
	operation.ListParams
	Search string `query:"search" maxLength:"64" doc:"Substring of the user name, display name or email"`
}

// ListUsersOutput is one page of users.
type ListUsersOutput struct {
	Body operation.List[View]
}

// CreateUserInput is the body of POST /api/v1/users.
type CreateUserInput struct {
	Body struct {
		Username    string `json:"username" pattern:"^[a-z0-9]([a-z0-9._-]{0,62}[a-z0-9])?$" doc:"Lower-case letters, digits, '.', '_' and '-'; not 'me'"`
		Password    string `json:"password" minLength:"8" maxLength:"1024" writeOnly:"true"`
		DisplayName string `json:"displayName,omitempty" maxLength:"128"`
		Email       string `json:"email,omitempty" format:"email" maxLength:"254"`
		Role        string `json:"role" enum:"admin,user"`
	}
}

// UserNameInput names a user in the path.
type UserNameInput struct {
	Username string `path:"username" maxLength:"64"`
}

// UpdateUserInput changes the given fields of a user.
type UpdateUserInput struct {
	UserNameInput
	Body struct {
		DisplayName *string `json:"displayName,omitempty" maxLength:"128"`
		Email       *string `json:"email,omitempty" maxLength:"254"`
		Role        *string `json:"role,omitempty" enum:"admin,user"`
		Disabled    *bool   `json:"disabled,omitempty" doc:"A disabled user cannot sign in and all its tokens stop working"`
		Password    *string `json:"password,omitempty" minLength:"8" maxLength:"1024" writeOnly:"true" doc:"Set a new password"`
	}
}

// Register adds the user endpoints to api.
func Register(api huma.API, d Deps) {
	registerSelf(api, d)
	registerPermissions(api, d)
	perm := func(verb string) auth.Permission { return auth.Permission{Verb: verb, Resource: auth.ResourceUsers} }

	huma.Register(api, operation.New(http.MethodGet, "/api/v1/users", "list-users", "List users", tags, perm(auth.VerbList)),
		func(ctx context.Context, in *ListUsersInput) (*ListUsersOutput, error) {
			list, next, err := d.Store.Users().List(ctx, store.ListOptions{Limit: in.Limit, Continue: in.Continue, Search: in.Search})
			if errors.Is(err, store.ErrInvalidContinue) {
				return nil, operation.InvalidContinue()
			}
			if err != nil {
				return nil, fmt.Errorf("list users: %w", err)
			}
			out := &ListUsersOutput{}
			out.Body.Items, out.Body.Continue = make([]View, 0, len(list)), next
			for i := range list {
				out.Body.Items = append(out.Body.Items, ViewOf(&list[i]))
			}
			return out, nil
		})

	create := operation.New(http.MethodPost, "/api/v1/users", "create-user", "Create a user", tags, perm(auth.VerbCreate))
	create.DefaultStatus = http.StatusCreated
	create.Errors = append(create.Errors, http.StatusConflict)
	huma.Register(api, create, func(ctx context.Context, in *CreateUserInput) (*UserOutput, error) {
		b := in.Body
		if b.Username == "me" {
			return nil, huma.Error422UnprocessableEntity("reserved user name",
				&huma.ErrorDetail{Location: "body.username", Message: "'me' is reserved", Value: b.Username})
		}
		hash, err := auth.HashPassword(b.Password)
		if err != nil {
			return nil, err
		}
		u := &store.User{Username: b.Username, DisplayName: b.DisplayName, Email: b.Email, Role: b.Role, PasswordHash: hash}
		if err := d.Store.Users().Create(ctx, u); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return nil, huma.Error409Conflict(fmt.Sprintf("user %q already exists", b.Username))
			}
			return nil, fmt.Errorf("create user: %w", err)
		}
		return &UserOutput{Body: ViewOf(u)}, nil
	})

	get := operation.New(http.MethodGet, "/api/v1/users/{username}", "get-user", "Get a user", tags, perm(auth.VerbGet))
	get.Errors = append(get.Errors, http.StatusNotFound)
	huma.Register(api, get, func(ctx context.Context, in *UserNameInput) (*UserOutput, error) {
		u, err := getUser(ctx, d, in.Username)
		if err != nil {
			return nil, err
		}
		return &UserOutput{Body: ViewOf(u)}, nil
	})

	update := operation.New(http.MethodPatch, "/api/v1/users/{username}", "update-user",
		"Change a user's profile, role, password or disabled flag", tags, perm(auth.VerbUpdate))
	update.Errors = append(update.Errors, http.StatusNotFound, http.StatusConflict)
	huma.Register(api, update, func(ctx context.Context, in *UpdateUserInput) (*UserOutput, error) {
		u, err := updateUser(ctx, d, in)
		if err != nil {
			return nil, err
		}
		return &UserOutput{Body: ViewOf(u)}, nil
	})

	del := operation.New(http.MethodDelete, "/api/v1/users/{username}", "delete-user",
		"Delete a user and its tokens", tags, perm(auth.VerbDelete))
	del.DefaultStatus = http.StatusNoContent
	del.Errors = append(del.Errors, http.StatusNotFound, http.StatusConflict)
	huma.Register(api, del, func(ctx context.Context, in *UserNameInput) (*struct{}, error) {
		u, err := getUser(ctx, d, in.Username)
		if err != nil {
			return nil, err
		}
		if u.ID == auth.PrincipalFrom(ctx).UserID {
			return nil, huma.Error409Conflict("you cannot delete yourself")
		}
		if err := ensureOtherAdmin(ctx, d, u); err != nil {
			return nil, err
		}
		if err := d.Store.Users().Delete(ctx, u.ID); err != nil {
			return nil, fmt.Errorf("delete user %q: %w", u.Username, err)
		}
		return nil, nil
	})
}

func getUser(ctx context.Context, d Deps, name string) (*store.User, error) {
	if !validUsername.MatchString(name) {
		return nil, huma.Error404NotFound(fmt.Sprintf("user %q not found", name))
	}
	u, err := d.Store.Users().GetByUsername(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, huma.Error404NotFound(fmt.Sprintf("user %q not found", name))
	}
	if err != nil {
		return nil, fmt.Errorf("get user %q: %w", name, err)
	}
	return u, nil
}

func updateUser(ctx context.Context, d Deps, in *UpdateUserInput) (*store.User, error) {
	u, err := getUser(ctx, d, in.Username)
	if err != nil {
		return nil, err
	}
	b := in.Body
	losesAdmin := u.Role == store.RoleAdmin && !u.Disabled &&
		((b.Role != nil && *b.Role != store.RoleAdmin) || (b.Disabled != nil && *b.Disabled))
	if losesAdmin {
		if err := ensureOtherAdmin(ctx, d, u); err != nil {
			return nil, err
		}
	}
	if b.DisplayName != nil {
		u.DisplayName = *b.DisplayName
	}
	if b.Email != nil {
		u.Email = *b.Email
	}
	if b.Role != nil {
		u.Role = *b.Role
	}
	disabling := b.Disabled != nil && *b.Disabled && !u.Disabled
	if b.Disabled != nil {
		u.Disabled = *b.Disabled
	}
	if b.Password != nil {
		if u.PasswordHash, err = auth.HashPassword(*b.Password); err != nil {
			return nil, err
		}
	}
	if err := d.Store.Users().Update(ctx, u); err != nil {
		return nil, fmt.Errorf("update user %q: %w", u.Username, err)
	}
	if disabling {
		if err := d.Auth.RevokeAll(ctx, u.ID); err != nil {
			return nil, fmt.Errorf("revoke tokens of %q: %w", u.Username, err)
		}
	}
	return u, nil
}

// ensureOtherAdmin refuses a change that would leave no enabled admin:
// nobody could then manage users again.
func ensureOtherAdmin(ctx context.Context, d Deps, u *store.User) error {
	if u.Role != store.RoleAdmin || u.Disabled {
		return nil
	}
	n, err := d.Store.Users().CountAdmins(ctx)
	if err != nil {
		return fmt.Errorf("count admins: %w", err)
	}
	if n <= 1 {
		return huma.Error409Conflict(fmt.Sprintf("%q is the last enabled admin", u.Username))
	}
	return nil
}
