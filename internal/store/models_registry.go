package store

import (
	"strconv"
	"time"
)

// Scope of a credential or registry: global (both empty) or one project of
// one cluster. Who may manage and use a record follows from its scope.
type Scope struct {
	Cluster string `gorm:"size:63;not null;default:''"`
	Project string `gorm:"size:63;not null;default:''"`
}

// IsGlobal reports whether the scope is the whole platform.
func (s Scope) IsGlobal() bool { return s.Cluster == "" && s.Project == "" }

// String names the scope: "global" or "cluster/project".
func (s Scope) String() string {
	if s.IsGlobal() {
		return "global"
	}
	return s.Cluster + "/" + s.Project
}

// CredentialRecord is a credential the platform uses on a user's behalf (a
// registry password, cloud access keys, a git token, a kubeconfig). The
// secret fields are sealed as one Credential owned by
// CredentialRecordOwner(ID); the record keeps what may be shown: the
// non-secret fields, which fields are set and when each last changed.
type CredentialRecord struct {
	ID uint64 `gorm:"primaryKey"`
	Scope
	Name        string `gorm:"size:63;not null"`
	Type        string `gorm:"size:32;not null"`
	Description string `gorm:"size:1024"`
	// Public are the fields that are not secret (a user name, a region).
	Public map[string]string `gorm:"serializer:json;type:text"`
	// FieldsChanged says when each secret field was last set.
	FieldsChanged map[string]time.Time `gorm:"serializer:json;type:text"`
	CreatedBy     string               `gorm:"size:64"`
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// CredentialRecordOwner is the Credential owner of a credential record's
// sealed fields.
func CredentialRecordOwner(id uint64) string { return "credential/" + strconv.FormatUint(id, 10) }

// Registry is an image registry Wheelhouse browses, copies between and
// writes pull secrets for.
type Registry struct {
	ID uint64 `gorm:"primaryKey"`
	Scope
	Name string `gorm:"size:63;not null"`
	// Type is distribution, harbor, acr, tcr or ecr.
	Type     string `gorm:"size:16;not null"`
	Endpoint string `gorm:"size:512;not null"`
	// Settings are the type's own settings (region, instance id, edition).
	Settings map[string]string `gorm:"serializer:json;type:text"`
	// CredentialID is the credential the registry is reached with; nil
	// for anonymous access.
	CredentialID *uint64 `gorm:"index"`
	// PullCredentialID, for registries whose API keys cannot mint pull
	// tokens (Tencent's personal CCR), is the registry login pull secrets
	// and copies use.
	PullCredentialID *uint64 `gorm:"index"`
	// CABundle is PEM certificates to trust besides the system's.
	CABundle string `gorm:"type:text"`
	// Insecure skips certificate checks, or allows plain HTTP.
	Insecure  bool   `gorm:"not null;default:false"`
	CreatedBy string `gorm:"size:64"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// PullSecretTarget attaches a registry to a namespace of a cluster, or to
// every namespace of a project (Namespace empty), where the pull-secret
// keeper keeps a kubernetes.io/dockerconfigjson Secret named SecretName.
type PullSecretTarget struct {
	ID         uint64 `gorm:"primaryKey"`
	RegistryID uint64 `gorm:"not null;index"`
	Cluster    string `gorm:"size:63;not null;index"`
	Project    string `gorm:"size:63;not null;default:''"`
	Namespace  string `gorm:"size:63;not null;default:''"`
	SecretName string `gorm:"size:253;not null"`
	CreatedBy  string `gorm:"size:64"`
	CreatedAt  time.Time
}

// PullSecretStatus is how the keeper last left a target's Secret in one
// namespace.
type PullSecretStatus struct {
	ID        uint64 `gorm:"primaryKey"`
	TargetID  uint64 `gorm:"not null"`
	Namespace string `gorm:"size:63;not null"`
	// WrittenAt is when the Secret was last written; nil: never.
	WrittenAt *time.Time
	// ExpiresAt is when the credentials in it expire; nil: they do not.
	ExpiresAt *time.Time
	// Error is why the last attempt failed; empty when it succeeded.
	Error     string `gorm:"size:1024"`
	UpdatedAt time.Time
}

// Webhook sources: who sends the push notifications a subscription takes.
const (
	WebhookHarbor       = "harbor"
	WebhookACR          = "acr"
	WebhookDockerHub    = "dockerhub"
	WebhookTCR          = "tcr"
	WebhookDistribution = "distribution"
	WebhookECR          = "ecr"
)

// RegistryWebhook is a subscription to a registry's push notifications:
// one endpoint, authenticated by a token of which only the SHA-256 is kept.
type RegistryWebhook struct {
	ID         uint64 `gorm:"primaryKey"`
	RegistryID uint64 `gorm:"not null;index"`
	Name       string `gorm:"size:63;not null"`
	Source     string `gorm:"size:16;not null"`
	// TokenHash is the hex SHA-256 of the token.
	TokenHash string `gorm:"size:64;not null"`
	// TokenPrefix is the token's first characters, to tell tokens apart.
	TokenPrefix string `gorm:"size:16;not null"`
	CreatedBy   string `gorm:"size:64"`
	CreatedAt   time.Time
}

// Webhook delivery outcomes.
const (
	DeliveryAccepted  = "accepted"
	DeliveryDuplicate = "duplicate"
	DeliveryIgnored   = "ignored"
	DeliveryRejected  = "rejected"
)

// WebhookDelivery is one request a webhook endpoint received, and what
// became of it.
type WebhookDelivery struct {
	ID        uint64    `gorm:"primaryKey"`
	WebhookID uint64    `gorm:"not null;index"`
	Time      time.Time `gorm:"not null"`
	Outcome   string    `gorm:"size:16;not null"`
	Status    int       `gorm:"not null"`
	Reason    string    `gorm:"size:512"`
	// EventKey identifies the push the delivery announced, so a second
	// delivery of it is a duplicate; nil for deliveries that announced none.
	EventKey   *string `gorm:"size:255"`
	Repository string  `gorm:"size:255"`
	Tag        string  `gorm:"size:128"`
	Digest     string  `gorm:"size:128"`
}
