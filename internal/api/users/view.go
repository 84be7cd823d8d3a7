// Package users serves user accounts: the caller's own profile and
// password (every user), and user management (admins).
package users

import (
	"time"

	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// View is a user as the API shows it: never the password hash.
type View struct {
	Username    string     `json:"username"`
	DisplayName string     `json:"displayName"`
	Email       string     `json:"email"`
	Role        string     `json:"role" enum:"admin,user"`
	Disabled    bool       `json:"disabled"`
	LastLoginAt *time.Time `json:"lastLoginAt,omitempty"`
	CreatedAt   time.Time  `json:"createdAt"`
	UpdatedAt   time.Time  `json:"updatedAt"`
}

// ViewOf returns the API view of u.
func ViewOf(u *store.User) View {
	return View{
		Username: u.Username, DisplayName: u.DisplayName, Email: u.Email, Role: u.Role,
		Disabled: u.Disabled, LastLoginAt: u.LastLoginAt, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt,
	}
}
