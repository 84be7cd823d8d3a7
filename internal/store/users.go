package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// UserRepo reads and writes users. Get it from (*Store).Users.
type UserRepo struct{ s *Store }

// Users returns the user repository.
func (s *Store) Users() *UserRepo { return &UserRepo{s: s} }

// Create inserts u and sets its ID, CreatedAt and UpdatedAt. A taken user
// name gives an error wrapping ErrConflict.
func (r *UserRepo) Create(ctx context.Context, u *User) error {
	u.ID = 0
	u.LastLoginAt = dbTimePtr(u.LastLoginAt)
	return dbError(fmt.Sprintf("create user %q", u.Username), r.s.withCtx(ctx).Create(u).Error)
}

// Get returns the user with the given id.
func (r *UserRepo) Get(ctx context.Context, id uint64) (*User, error) {
	var u User
	if err := r.s.withCtx(ctx).Where("id = ?", id).Take(&u).Error; err != nil {
		return nil, dbError(fmt.Sprintf("get user %d", id), err)
	}
	return &u, nil
}

// GetByUsername returns the user with the given name (compared exactly).
func (r *UserRepo) GetByUsername(ctx context.Context, username string) (*User, error) {
	var u User
	if err := r.s.withCtx(ctx).Where("username = ?", username).Take(&u).Error; err != nil {
		return nil, dbError(fmt.Sprintf("get user %q", username), err)
	}
	return &u, nil
}

// List returns users in id order, a page at a time. opts.Search keeps users
// whose user name, display name or email contains it, ignoring case.
func (r *UserRepo) List(ctx context.Context, opts ListOptions) (items []User, next string, err error) {
	q := r.s.withCtx(ctx).Model(&User{})
	if opts.Search != "" {
		p := containsPattern(opts.Search)
		q = q.Where("LOWER(username) LIKE ? ESCAPE '!' OR LOWER(display_name) LIKE ? ESCAPE '!' OR LOWER(email) LIKE ? ESCAPE '!'", p, p, p)
	}
	items, next, err = page(q, opts, false, func(u *User) uint64 { return u.ID })
	if err != nil {
		return nil, "", listError("list users", err)
	}
	return items, next, nil
}

// Update saves every field of u except ID and CreatedAt, and sets
// UpdatedAt. A user that does not exist gives ErrNotFound; renaming to a
// taken user name gives ErrConflict.
func (r *UserRepo) Update(ctx context.Context, u *User) error {
	if u.ID == 0 {
		return fmt.Errorf("update user: no id: %w", ErrNotFound)
	}
	u.LastLoginAt = dbTimePtr(u.LastLoginAt)
	res := r.s.withCtx(ctx).Model(u).Select("*").Omit("id", "created_at").Updates(u)
	if res.Error != nil {
		return dbError(fmt.Sprintf("update user %d", u.ID), res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("update user %d: %w", u.ID, ErrNotFound)
	}
	return nil
}

// Delete removes the user, its tokens and its role bindings in one
// transaction.
func (r *UserRepo) Delete(ctx context.Context, id uint64) error {
	err := r.s.withCtx(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("user_id = ?", id).Delete(&Token{}).Error; err != nil {
			return err
		}
		if err := tx.Where("user_id = ?", id).Delete(&RoleBinding{}).Error; err != nil {
			return err
		}
		res := tx.Where("id = ?", id).Delete(&User{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return nil
	})
	if errors.Is(err, ErrNotFound) {
		return fmt.Errorf("delete user %d: %w", id, ErrNotFound)
	}
	return dbError(fmt.Sprintf("delete user %d", id), err)
}

// Count returns the number of users.
func (r *UserRepo) Count(ctx context.Context) (int64, error) {
	var n int64
	if err := r.s.withCtx(ctx).Model(&User{}).Count(&n).Error; err != nil {
		return 0, dbError("count users", err)
	}
	return n, nil
}

// CountAdmins returns the number of enabled users with the admin role;
// callers refuse to delete, disable or demote the last one.
func (r *UserRepo) CountAdmins(ctx context.Context) (int64, error) {
	var n int64
	err := r.s.withCtx(ctx).Model(&User{}).Where("role = ? AND disabled = ?", RoleAdmin, false).Count(&n).Error
	if err != nil {
		return 0, dbError("count admins", err)
	}
	return n, nil
}
