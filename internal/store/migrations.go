package store

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Migration is one step of the schema's history. Versions increase by one;
// a released migration is never edited, only followed by a new one.
type Migration struct {
	Version int
	Name    string
	// Up applies the migration inside tx. On PostgreSQL and SQLite the
	// whole step is one transaction; MySQL commits each DDL statement on its
	// own, so Up must be safe to run again after a partial failure there.
	Up func(tx *gorm.DB) error
}

// Migrations is the ordered schema history this binary knows.
//
// Each migration declares the tables it creates with its own snapshot
// structs (below) rather than the live models in models.go, so a later
// change to a model can never change what an old migration did.
var Migrations = []Migration{
	{Version: 1, Name: "users_tokens_audit_credentials", Up: migrateV1},
	{Version: 2, Name: "clusters", Up: migrateV2},
	{Version: 3, Name: "projects_role_bindings", Up: migrateV3},
	{Version: 4, Name: "config_versions", Up: migrateV4},
	{Version: 5, Name: "cluster_features", Up: migrateV5},
	{Version: 6, Name: "credentials_registries", Up: migrateV6},
	{Version: 7, Name: "chart_repositories", Up: migrateV7},
}

// Snapshots of the models as migration 1 creates them. Index names are
// spelled out so they stay the same whatever gorm's naming rules become.

type userV1 struct {
	ID           uint64 `gorm:"primaryKey;autoIncrement"`
	Username     string `gorm:"size:64;not null;uniqueIndex:idx_users_username"`
	DisplayName  string `gorm:"size:128"`
	Email        string `gorm:"size:254"`
	PasswordHash string `gorm:"size:255;not null"`
	Role         string `gorm:"size:32;not null"`
	Disabled     bool   `gorm:"not null;default:false"`
	LastLoginAt  *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// TableName names the table the snapshot creates.
func (userV1) TableName() string { return "users" }

type tokenV1 struct {
	ID         uint64     `gorm:"primaryKey;autoIncrement"`
	UserID     uint64     `gorm:"not null;index:idx_tokens_user_id"`
	Name       string     `gorm:"size:128"`
	Kind       string     `gorm:"size:16;not null"`
	Hash       string     `gorm:"size:64;not null;uniqueIndex:idx_tokens_hash"`
	Prefix     string     `gorm:"size:16;not null"`
	ExpiresAt  *time.Time `gorm:"index:idx_tokens_expires_at"`
	LastUsedAt *time.Time
	RevokedAt  *time.Time
	CreatedAt  time.Time
}

// TableName names the table the snapshot creates.
func (tokenV1) TableName() string { return "tokens" }

type auditEntryV1 struct {
	ID         uint64    `gorm:"primaryKey;autoIncrement"`
	Time       time.Time `gorm:"not null;index:idx_audit_entries_time"`
	RequestID  string    `gorm:"size:64;index:idx_audit_entries_request_id"`
	UserID     *uint64   `gorm:"index:idx_audit_entries_user_id"`
	Username   string    `gorm:"size:64;index:idx_audit_entries_username"`
	Action     string    `gorm:"size:128;not null;index:idx_audit_entries_action"`
	Method     string    `gorm:"size:16;not null"`
	Target     string    `gorm:"size:512;not null"`
	Outcome    string    `gorm:"size:16;not null;index:idx_audit_entries_outcome"`
	StatusCode int       `gorm:"not null"`
	SourceAddr string    `gorm:"size:64"`
	Reason     string    `gorm:"size:255"`
}

// TableName names the table the snapshot creates.
func (auditEntryV1) TableName() string { return "audit_entries" }

type credentialV1 struct {
	ID         uint64 `gorm:"primaryKey;autoIncrement"`
	Owner      string `gorm:"size:128;not null;uniqueIndex:idx_credentials_owner_name,priority:1"`
	Name       string `gorm:"size:128;not null;uniqueIndex:idx_credentials_owner_name,priority:2"`
	KeyID      string `gorm:"size:32;not null;index:idx_credentials_key_id"`
	Ciphertext []byte `gorm:"not null"`
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// TableName names the table the snapshot creates.
func (credentialV1) TableName() string { return "credentials" }

func migrateV1(tx *gorm.DB) error {
	for _, model := range []any{&userV1{}, &tokenV1{}, &auditEntryV1{}, &credentialV1{}} {
		if err := createTable(tx, model); err != nil {
			return err
		}
	}
	return nil
}

// createTable creates a table and its indexes unless it exists (which it
// only can after a partial MySQL migration). On MySQL tables use utf8mb4
// with a binary collation, so text compares exactly as on PostgreSQL and
// SQLite: "Alice" and "alice" are different user names everywhere.
func createTable(tx *gorm.DB, model any) error {
	m := tx.Migrator()
	if m.HasTable(model) {
		return nil
	}
	if tx.Dialector.Name() == DialectMySQL {
		tx = tx.Set("gorm:table_options", "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin")
		m = tx.Migrator()
	}
	if err := m.CreateTable(model); err != nil {
		return fmt.Errorf("create table for %T: %w", model, err)
	}
	return nil
}
