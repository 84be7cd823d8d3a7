package store

import (
	"strconv"
	"time"
)

// Roles a user can hold globally. Cluster- and project-scoped roles are
// role bindings (see internal/auth), not values of User.Role.
const (
	RoleAdmin = "admin"
	RoleUser  = "user"
)

// Token kinds.
const (
	// TokenSession is issued by login and expires after the session TTL.
	TokenSession = "session"
	// TokenAPI is a long-lived token made by POST /api/v1/tokens; it expires
	// only if its creator gave it an expiry, and can be revoked.
	TokenAPI = "api"
)

// Audit outcomes.
const (
	OutcomeSuccess = "success"
	OutcomeFailure = "failure"
	OutcomeDenied  = "denied"
)

// User is a person or robot that signs in to Wheelhouse.
type User struct {
	ID           uint64 `gorm:"primaryKey"`
	Username     string `gorm:"size:64;not null;uniqueIndex"`
	DisplayName  string `gorm:"size:128"`
	Email        string `gorm:"size:254"`
	PasswordHash string `gorm:"size:255;not null"`
	Role         string `gorm:"size:32;not null"`
	Disabled     bool   `gorm:"not null;default:false"`
	LastLoginAt  *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Token is a bearer token. Only the SHA-256 of the token is stored, so a
// copy of the database cannot be used to sign in.
type Token struct {
	ID     uint64 `gorm:"primaryKey"`
	UserID uint64 `gorm:"not null;index"`
	Name   string `gorm:"size:128"`
	Kind   string `gorm:"size:16;not null"`
	// Hash is the hex SHA-256 of the whole token.
	Hash string `gorm:"size:64;not null;uniqueIndex"`
	// Prefix is the token's first characters, shown so users can tell
	// tokens apart without seeing them.
	Prefix     string `gorm:"size:16;not null"`
	ExpiresAt  *time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
	CreatedAt  time.Time
}

// AuditEntry records one mutating request: who did what to which target,
// and how it ended. It never holds request bodies, so secrets cannot reach
// it.
type AuditEntry struct {
	ID         uint64    `gorm:"primaryKey"`
	Time       time.Time `gorm:"not null;index"`
	RequestID  string    `gorm:"size:64;index"`
	UserID     *uint64   `gorm:"index"`
	Username   string    `gorm:"size:64;index"`
	Action     string    `gorm:"size:128;not null;index"`
	Method     string    `gorm:"size:16;not null"`
	Target     string    `gorm:"size:512;not null"`
	Outcome    string    `gorm:"size:16;not null;index"`
	StatusCode int       `gorm:"not null"`
	SourceAddr string    `gorm:"size:64"`
	// Reason is the short error title of a failed or denied request.
	Reason string `gorm:"size:255"`
}

// Credential is a secret the platform keeps for a user or for one of its
// own records (a cluster's kubeconfig, a registry password, a git token).
// Only ciphertext is stored; KeyID names the key that sealed it so keys
// can rotate.
type Credential struct {
	ID uint64 `gorm:"primaryKey"`
	// Owner is the record the secret belongs to, as "kind/id", e.g.
	// "cluster/3"; (Owner, Name) is unique.
	Owner      string `gorm:"size:128;not null;uniqueIndex:idx_credentials_owner_name"`
	Name       string `gorm:"size:128;not null;uniqueIndex:idx_credentials_owner_name"`
	KeyID      string `gorm:"size:32;not null;index"`
	Ciphertext []byte `gorm:"not null"`
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Cluster provisioning states. The live connection phase (Ready,
// Unavailable, ...) comes from internal/multicluster; State says whether
// the cluster exists yet from Wheelhouse's point of view.
const (
	ClusterProvisioning = "Provisioning"
	ClusterProvisioned  = "Provisioned"
	ClusterFailed       = "Failed"
	ClusterDeleting     = "Deleting"
)

// Cluster is a member cluster. Its kubeconfig is a Credential owned by
// ClusterOwner(id), never a column here.
type Cluster struct {
	ID          uint64 `gorm:"primaryKey"`
	Name        string `gorm:"size:63;not null;uniqueIndex"`
	DisplayName string `gorm:"size:128"`
	// Provider made the cluster exist: "import" or "sandbox".
	Provider string `gorm:"size:32;not null"`
	// Spec is the provider's settings (for a sandbox, its node count).
	Spec   map[string]string `gorm:"serializer:json;type:text"`
	Labels map[string]string `gorm:"serializer:json;type:text"`
	State  string            `gorm:"size:32;not null"`
	// Message is the last provisioning error or step.
	Message string `gorm:"size:1024"`
	// Events is what happened to the cluster, oldest first: provisioning
	// steps, failures, connection phase changes. Only RecordEvent writes it
	// (Update leaves it alone), so concurrent writers lose none. The column
	// keeps the name it had when it held only provisioning steps
	// (migration 2): old rows read as events without type or reason.
	Events    []ClusterEvent `gorm:"column:progress;serializer:json;type:text"`
	Server    string         `gorm:"size:512"`
	CreatedBy string         `gorm:"size:64"`
	// Features are the optional features enabled in the cluster
	// ("workloads": the Workload CRD and its controller).
	Features  []string `gorm:"serializer:json;type:text"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ClusterEvent is one thing that happened to a cluster, shaped like a
// Kubernetes Event: repeats of the latest event are counted rather than
// appended, so a flapping connection does not push the history out.
type ClusterEvent struct {
	// Type is Normal or Warning.
	Type   string `json:"type,omitempty"`
	Reason string `json:"reason,omitempty"`
	// Message says what happened, for people.
	Message string `json:"message"`
	// Time is when it first happened; LastTime when it last did.
	Time     time.Time `json:"time"`
	LastTime time.Time `json:"lastTime,omitzero"`
	Count    int       `json:"count,omitempty"`
}

// Cluster event types.
const (
	EventNormal  = "Normal"
	EventWarning = "Warning"
)

// ClusterOwner is the Credential owner of a cluster's secrets.
func ClusterOwner(id uint64) string { return "cluster/" + strconv.FormatUint(id, 10) }

// Project groups namespaces of one cluster (as in Rancher): its members
// get their role in every namespace of the project. A namespace belongs to
// a project through the label ProjectLabel on it in the cluster.
type Project struct {
	ID          uint64 `gorm:"primaryKey"`
	Cluster     string `gorm:"size:63;not null;uniqueIndex:idx_projects_cluster_name,priority:1"`
	Name        string `gorm:"size:63;not null;uniqueIndex:idx_projects_cluster_name,priority:2"`
	DisplayName string `gorm:"size:128"`
	Description string `gorm:"size:1024"`
	// Quota is the project's total hard limits (ResourceQuota syntax); empty
	// means no quota.
	Quota map[string]string `gorm:"serializer:json;type:text"`
	// NamespaceQuota is each namespace's share of Quota, applied as a
	// ResourceQuota in every namespace of the project.
	NamespaceQuota map[string]string `gorm:"serializer:json;type:text"`
	CreatedBy      string            `gorm:"size:64"`
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Scoped roles a RoleBinding grants.
const (
	RoleOwner  = "owner"
	RoleMember = "member"
	RoleViewer = "viewer"
)

// RoleBinding gives a user a role in a whole cluster (Project empty) or in
// one project of it. A user has at most one role per scope.
type RoleBinding struct {
	ID        uint64 `gorm:"primaryKey"`
	UserID    uint64 `gorm:"not null;uniqueIndex:idx_role_bindings_scope,priority:1"`
	Cluster   string `gorm:"size:63;not null;uniqueIndex:idx_role_bindings_scope,priority:2"`
	Project   string `gorm:"size:63;not null;uniqueIndex:idx_role_bindings_scope,priority:3"`
	Role      string `gorm:"size:16;not null"`
	CreatedBy string `gorm:"size:64"`
	CreatedAt time.Time
}

// Kinds of objects whose versions ConfigVersion keeps.
const (
	ConfigKindConfigMap = "configmaps"
	ConfigKindSecret    = "secrets"
)

// Changes a ConfigVersion records.
const (
	ConfigCreated    = "created"
	ConfigUpdated    = "updated"
	ConfigDeleted    = "deleted"
	ConfigRolledBack = "rolled-back"
)

// ConfigVersion is one version of a ConfigMap or Secret as a change made
// through Wheelhouse left it. Versions of an object are numbered from 1.
// Payload is the full content as the caller encoded it; for Secrets it is
// sealed with the keyring (KeyID names the key), never stored in clear.
type ConfigVersion struct {
	ID        uint64 `gorm:"primaryKey"`
	Cluster   string `gorm:"size:63;not null;uniqueIndex:idx_config_versions_object,priority:1"`
	Namespace string `gorm:"size:63;not null;uniqueIndex:idx_config_versions_object,priority:2"`
	// Kind is ConfigKindConfigMap or ConfigKindSecret.
	Kind    string `gorm:"size:16;not null;uniqueIndex:idx_config_versions_object,priority:3"`
	Name    string `gorm:"size:253;not null;uniqueIndex:idx_config_versions_object,priority:4"`
	Version int    `gorm:"not null;uniqueIndex:idx_config_versions_object,priority:5"`
	// ChangeType is ConfigCreated, ConfigUpdated, ConfigDeleted or
	// ConfigRolledBack.
	ChangeType string `gorm:"size:16;not null"`
	// RollbackOf is the version a rollback restored; 0 otherwise.
	RollbackOf int `gorm:"not null;default:0"`
	// ResourceVersion is the object's resourceVersion after the change.
	ResourceVersion string `gorm:"size:64"`
	// KeyNames are the data keys of the version, in clear (values are not).
	KeyNames []string `gorm:"serializer:json;type:text"`
	KeyID    string   `gorm:"size:32;not null;default:''"`
	Payload  []byte   `gorm:"not null"`
	// CreatedBy is the user who made the change.
	CreatedBy string `gorm:"size:64"`
	CreatedAt time.Time
}
