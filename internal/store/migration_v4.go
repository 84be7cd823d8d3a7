package store

import (
	"time"

	"gorm.io/gorm"
)

// configVersionV4 is the config_versions table as migration 4 creates it.
type configVersionV4 struct {
	ID              uint64 `gorm:"primaryKey;autoIncrement"`
	Cluster         string `gorm:"size:63;not null;uniqueIndex:idx_config_versions_object,priority:1"`
	Namespace       string `gorm:"size:63;not null;uniqueIndex:idx_config_versions_object,priority:2"`
	Kind            string `gorm:"size:16;not null;uniqueIndex:idx_config_versions_object,priority:3"`
	Name            string `gorm:"size:253;not null;uniqueIndex:idx_config_versions_object,priority:4"`
	Version         int    `gorm:"not null;uniqueIndex:idx_config_versions_object,priority:5"`
	ChangeType      string `gorm:"size:16;not null"`
	RollbackOf      int    `gorm:"not null;default:0"`
	ResourceVersion string `gorm:"size:64"`
	KeyNames        string `gorm:"type:text"`
	KeyID           string `gorm:"size:32;not null;default:''"`
	Payload         []byte `gorm:"not null"`
	CreatedBy       string `gorm:"size:64"`
	CreatedAt       time.Time
}

// TableName names the table the snapshot creates.
func (configVersionV4) TableName() string { return "config_versions" }

func migrateV4(tx *gorm.DB) error { return createTable(tx, &configVersionV4{}) }
