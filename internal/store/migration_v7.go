package store

import (
	"time"

	"gorm.io/gorm"
)

// Snapshots of the tables migration 7 creates: Helm chart repositories
// and their cached indexes.

type chartRepositoryV7 struct {
	ID             uint64  `gorm:"primaryKey;autoIncrement"`
	Cluster        string  `gorm:"size:63;not null;default:'';uniqueIndex:idx_chart_repositories_scope_name,priority:1"`
	Project        string  `gorm:"size:63;not null;default:'';uniqueIndex:idx_chart_repositories_scope_name,priority:2"`
	Name           string  `gorm:"size:63;not null;uniqueIndex:idx_chart_repositories_scope_name,priority:3"`
	Type           string  `gorm:"size:16;not null"`
	URL            string  `gorm:"size:512;not null"`
	CredentialID   *uint64 `gorm:"index:idx_chart_repositories_credential_id"`
	CABundle       string  `gorm:"type:text"`
	Insecure       bool    `gorm:"not null;default:false"`
	RefreshSeconds int64   `gorm:"not null;default:0"`
	ETag           string  `gorm:"column:etag;size:255"`
	LastModified   string  `gorm:"size:64"`
	Digest         string  `gorm:"size:128"`
	RefreshedAt    *time.Time
	ChangedAt      *time.Time
	LastError      string `gorm:"size:1024"`
	CreatedBy      string `gorm:"size:64"`
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (chartRepositoryV7) TableName() string { return "chart_repositories" }

// chartRepositoryIndexV7 holds a repository's cached index apart from its
// row, so that reading or touching the row (every refresh) never moves
// megabytes: SQLite rewrites a whole row on UPDATE and walks a large
// value's overflow pages to reach the columns after it.
type chartRepositoryIndexV7 struct {
	RepositoryID uint64 `gorm:"primaryKey;autoIncrement:false"`
	// Data has no type and no size: LONGTEXT on MySQL (TEXT there holds
	// 64 KiB, less than many public indexes), TEXT elsewhere.
	Data string
}

func (chartRepositoryIndexV7) TableName() string { return "chart_repository_indexes" }

func migrateV7(tx *gorm.DB) error {
	for _, model := range []any{&chartRepositoryV7{}, &chartRepositoryIndexV7{}} {
		if err := createTable(tx, model); err != nil {
			return err
		}
	}
	return nil
}
