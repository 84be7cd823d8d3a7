package store

import (
	"time"

	"gorm.io/gorm"
)

// Snapshots of the tables migration 6 creates: credentials users manage,
// image registries, their pull-secret targets and webhooks.

type credentialRecordV6 struct {
	ID            uint64 `gorm:"primaryKey;autoIncrement"`
	Cluster       string `gorm:"size:63;not null;default:'';uniqueIndex:idx_credential_records_scope_name,priority:1"`
	Project       string `gorm:"size:63;not null;default:'';uniqueIndex:idx_credential_records_scope_name,priority:2"`
	Name          string `gorm:"size:63;not null;uniqueIndex:idx_credential_records_scope_name,priority:3"`
	Type          string `gorm:"size:32;not null"`
	Description   string `gorm:"size:1024"`
	Public        string `gorm:"type:text"`
	FieldsChanged string `gorm:"type:text"`
	CreatedBy     string `gorm:"size:64"`
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (credentialRecordV6) TableName() string { return "credential_records" }

type registryV6 struct {
	ID               uint64  `gorm:"primaryKey;autoIncrement"`
	Cluster          string  `gorm:"size:63;not null;default:'';uniqueIndex:idx_registries_scope_name,priority:1"`
	Project          string  `gorm:"size:63;not null;default:'';uniqueIndex:idx_registries_scope_name,priority:2"`
	Name             string  `gorm:"size:63;not null;uniqueIndex:idx_registries_scope_name,priority:3"`
	Type             string  `gorm:"size:16;not null"`
	Endpoint         string  `gorm:"size:512;not null"`
	Settings         string  `gorm:"type:text"`
	CredentialID     *uint64 `gorm:"index:idx_registries_credential_id"`
	PullCredentialID *uint64 `gorm:"index:idx_registries_pull_credential_id"`
	CABundle         string  `gorm:"type:text"`
	Insecure         bool    `gorm:"not null;default:false"`
	CreatedBy        string  `gorm:"size:64"`
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

func (registryV6) TableName() string { return "registries" }

type pullSecretTargetV6 struct {
	ID         uint64 `gorm:"primaryKey;autoIncrement"`
	RegistryID uint64 `gorm:"not null;index:idx_pull_secret_targets_registry_id"`
	Cluster    string `gorm:"size:63;not null;index:idx_pull_secret_targets_cluster"`
	Project    string `gorm:"size:63;not null;default:''"`
	Namespace  string `gorm:"size:63;not null;default:''"`
	SecretName string `gorm:"size:253;not null"`
	CreatedBy  string `gorm:"size:64"`
	CreatedAt  time.Time
}

func (pullSecretTargetV6) TableName() string { return "pull_secret_targets" }

type pullSecretStatusV6 struct {
	ID        uint64 `gorm:"primaryKey;autoIncrement"`
	TargetID  uint64 `gorm:"not null;uniqueIndex:idx_pull_secret_statuses_target_namespace,priority:1"`
	Namespace string `gorm:"size:63;not null;uniqueIndex:idx_pull_secret_statuses_target_namespace,priority:2"`
	WrittenAt *time.Time
	ExpiresAt *time.Time
	Error     string `gorm:"size:1024"`
	UpdatedAt time.Time
}

func (pullSecretStatusV6) TableName() string { return "pull_secret_statuses" }

type registryWebhookV6 struct {
	ID          uint64 `gorm:"primaryKey;autoIncrement"`
	RegistryID  uint64 `gorm:"not null;uniqueIndex:idx_registry_webhooks_registry_name,priority:1"`
	Name        string `gorm:"size:63;not null;uniqueIndex:idx_registry_webhooks_registry_name,priority:2"`
	Source      string `gorm:"size:16;not null"`
	TokenHash   string `gorm:"size:64;not null"`
	TokenPrefix string `gorm:"size:16;not null"`
	CreatedBy   string `gorm:"size:64"`
	CreatedAt   time.Time
}

func (registryWebhookV6) TableName() string { return "registry_webhooks" }

type webhookDeliveryV6 struct {
	ID         uint64    `gorm:"primaryKey;autoIncrement"`
	WebhookID  uint64    `gorm:"not null;index:idx_webhook_deliveries_webhook_id;uniqueIndex:idx_webhook_deliveries_event,priority:1"`
	Time       time.Time `gorm:"not null"`
	Outcome    string    `gorm:"size:16;not null"`
	Status     int       `gorm:"not null"`
	Reason     string    `gorm:"size:512"`
	EventKey   *string   `gorm:"size:255;uniqueIndex:idx_webhook_deliveries_event,priority:2"`
	Repository string    `gorm:"size:255"`
	Tag        string    `gorm:"size:128"`
	Digest     string    `gorm:"size:128"`
}

func (webhookDeliveryV6) TableName() string { return "webhook_deliveries" }

func migrateV6(tx *gorm.DB) error {
	for _, model := range []any{&credentialRecordV6{}, &registryV6{}, &pullSecretTargetV6{}, &pullSecretStatusV6{},
		&registryWebhookV6{}, &webhookDeliveryV6{}} {
		if err := createTable(tx, model); err != nil {
			return err
		}
	}
	return nil
}
