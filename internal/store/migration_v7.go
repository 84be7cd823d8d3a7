package store

import (
	"time"

	"gorm.io/gorm"
)

// Snapshot of the table migration 7 creates: Helm chart repositories.

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
	// IndexData has no type and no size: LONGTEXT on MySQL (TEXT there
	// holds 64 KiB, less than many public indexes), TEXT elsewhere.
	IndexData   string
	RefreshedAt *time.Time
	ChangedAt   *time.Time
	LastError   string `gorm:"size:1024"`
	CreatedBy   string `gorm:"size:64"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (chartRepositoryV7) TableName() string { return "chart_repositories" }

func migrateV7(tx *gorm.DB) error {
	return createTable(tx, &chartRepositoryV7{})
}
