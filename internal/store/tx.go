package store

import (
	"context"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
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

// lockForUpdate returns the gorm handle bound to ctx that locks the rows a
// query reads until the transaction ends (SELECT ... FOR UPDATE). SQLite
// needs no lock: its transactions begin IMMEDIATE, one writer at a time.
func (s *Store) lockForUpdate(ctx context.Context) *gorm.DB {
	if s.dialect == DialectSQLite {
		return s.withCtx(ctx)
	}
	return s.withCtx(ctx).Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate})
}
