package store

import (
	"context"

	"gorm.io/gorm"
)

// Transaction runs fn with a Store whose repositories all work inside one
// database transaction: it commits when fn returns nil and rolls back
// otherwise, so a record and its credentials are written together or not
// at all.
func (s *Store) Transaction(ctx context.Context, fn func(tx *Store) error) error {
	return s.db.WithContext(ctx).Transaction(func(db *gorm.DB) error {
		tx := *s
		tx.db = db
		return fn(&tx)
	})
}
