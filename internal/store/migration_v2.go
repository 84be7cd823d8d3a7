package store

import (
	"time"

	"gorm.io/gorm"
)

// clusterV2 is the clusters table as migration 2 creates it.
type clusterV2 struct {
	ID          uint64 `gorm:"primaryKey;autoIncrement"`
	Name        string `gorm:"size:63;not null;uniqueIndex:idx_clusters_name"`
	DisplayName string `gorm:"size:128"`
	Provider    string `gorm:"size:32;not null"`
	Spec        string `gorm:"type:text"`
	Labels      string `gorm:"type:text"`
	State       string `gorm:"size:32;not null"`
	Message     string `gorm:"size:1024"`
	Progress    string `gorm:"type:text"`
	Server      string `gorm:"size:512"`
	CreatedBy   string `gorm:"size:64"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (clusterV2) TableName() string { return "clusters" }

func migrateV2(tx *gorm.DB) error { return createTable(tx, &clusterV2{}) }
