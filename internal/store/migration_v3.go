package store

import (
	"time"

	"gorm.io/gorm"
)

// projectV3 and roleBindingV3 are the tables as migration 3 creates them.
type projectV3 struct {
	ID             uint64 `gorm:"primaryKey;autoIncrement"`
	Cluster        string `gorm:"size:63;not null;uniqueIndex:idx_projects_cluster_name,priority:1"`
	Name           string `gorm:"size:63;not null;uniqueIndex:idx_projects_cluster_name,priority:2"`
	DisplayName    string `gorm:"size:128"`
	Description    string `gorm:"size:1024"`
	Quota          string `gorm:"type:text"`
	NamespaceQuota string `gorm:"type:text"`
	CreatedBy      string `gorm:"size:64"`
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (projectV3) TableName() string { return "projects" }

type roleBindingV3 struct {
	ID        uint64 `gorm:"primaryKey;autoIncrement"`
	UserID    uint64 `gorm:"not null;uniqueIndex:idx_role_bindings_scope,priority:1"`
	Cluster   string `gorm:"size:63;not null;uniqueIndex:idx_role_bindings_scope,priority:2;index:idx_role_bindings_cluster"`
	Project   string `gorm:"size:63;not null;uniqueIndex:idx_role_bindings_scope,priority:3"`
	Role      string `gorm:"size:16;not null"`
	CreatedBy string `gorm:"size:64"`
	CreatedAt time.Time
}

func (roleBindingV3) TableName() string { return "role_bindings" }

func migrateV3(tx *gorm.DB) error {
	if err := createTable(tx, &projectV3{}); err != nil {
		return err
	}
	return createTable(tx, &roleBindingV3{})
}
