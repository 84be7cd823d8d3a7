package store

import (
	"fmt"

	"gorm.io/gorm"
)

// clusterV5 is the clusters table's new column as migration 5 adds it.
type clusterV5 struct {
	Features string `gorm:"type:text"`
}

func (clusterV5) TableName() string { return "clusters" }

func migrateV5(tx *gorm.DB) error {
	m := tx.Migrator()
	if m.HasColumn(&clusterV5{}, "Features") {
		return nil // a partial MySQL run already added it
	}
	if err := m.AddColumn(&clusterV5{}, "Features"); err != nil {
		return fmt.Errorf("add clusters.features: %w", err)
	}
	return nil
}
