package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// CredentialReference names a secret held by Wheelhouse's credential store
// (internal/credentials) by its id. The secret itself never appears in a
// custom resource.
type CredentialReference struct {
	// ID is the id of the credential in the credential store.
	// +kubebuilder:validation:Minimum=1
	// +required
	ID int64 `json:"id"`
}

// SourceCodeProviderType names the kind of git forge a provider is.
// +kubebuilder:validation:Enum=github;gitlab;gitea;git
type SourceCodeProviderType string

// The kinds of git forge.
const (
	// ProviderGitHub is github.com or a GitHub Enterprise server.
	ProviderGitHub SourceCodeProviderType = "github"
	// ProviderGitLab is gitlab.com or a self-managed GitLab.
	ProviderGitLab SourceCodeProviderType = "gitlab"
	// ProviderGitea is a Gitea (or Forgejo) server.
	ProviderGitea SourceCodeProviderType = "gitea"
	// ProviderGit is any git server reached by URL, without a forge API:
	// no OAuth, no webhook registration.
	ProviderGit SourceCodeProviderType = "git"
)

// SourceCodeProviderConfigSpec is a git forge the project's pipelines use.
//
// +kubebuilder:validation:XValidation:rule="self.type != 'git' || !has(self.oauth)",message="type git has no OAuth application: remove oauth",fieldPath=".oauth"
// +kubebuilder:validation:XValidation:rule="self.type != 'gitea' || has(self.host)",message="host is required for type gitea",fieldPath=".host"
type SourceCodeProviderConfigSpec struct {
	// Type is the kind of forge.
	// +required
	Type SourceCodeProviderType `json:"type"`

	// Host is the forge's address, e.g. github.com or gitea.example.com:3000
	// (a scheme is allowed: http://gitea.internal). Unset means the public
	// service of the type (github.com, gitlab.com).
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^(https?://)?[A-Za-z0-9.\-\[\]:]+(/[^\s]*)?$`
	// +optional
	Host string `json:"host,omitempty"`

	// TLS says how the forge's certificate is checked.
	// +optional
	TLS *ProviderTLS `json:"tls,omitempty"`

	// OAuth is the forge's OAuth application through which users connect
	// their accounts. Not allowed for type git.
	// +optional
	OAuth *OAuthApplication `json:"oauth,omitempty"`

	// Enabled turns the provider off without deleting it: nothing new is
	// connected or triggered through a disabled provider.
	// +kubebuilder:default=true
	// +optional
	Enabled *bool `json:"enabled,omitempty"`
}

// ProviderTLS says how a forge's certificate is checked.
//
// +kubebuilder:validation:XValidation:rule="!(has(self.insecureSkipVerify) && self.insecureSkipVerify) || !has(self.caCertificates)",message="caCertificates and insecureSkipVerify exclude each other",fieldPath=".insecureSkipVerify"
type ProviderTLS struct {
	// CACertificates are PEM certificates trusted in addition to the
	// system's.
	// +kubebuilder:validation:MaxLength=65536
	// +optional
	CACertificates string `json:"caCertificates,omitempty"`

	// InsecureSkipVerify turns certificate checks off.
	// +optional
	InsecureSkipVerify bool `json:"insecureSkipVerify,omitempty"`
}

// OAuthApplication is an OAuth application registered with a forge.
type OAuthApplication struct {
	// ClientID is the application's public client id.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	// +required
	ClientID string `json:"clientID"`

	// ClientSecret names the application's client secret in the
	// credential store.
	// +required
	ClientSecret CredentialReference `json:"clientSecret"`

	// Scopes asked for; unset means the type's default.
	// +kubebuilder:validation:MaxItems=32
	// +listType=set
	// +optional
	Scopes []string `json:"scopes,omitempty"`
}

// SourceCodeProviderConfigStatus is what the controller observed.
type SourceCodeProviderConfigStatus struct {
	// Conditions are Ready (the forge answered with these settings),
	// Reconciling and Stalled.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// ObservedGeneration is the generation last checked.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
}

// SourceCodeProviderConfig is a git forge (GitHub, GitLab, Gitea, or plain
// git) the pipelines of the project in its namespace use.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:categories=wheelhouse;devops
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="Type",type=string,JSONPath=`.spec.type`
// +kubebuilder:printcolumn:name="Host",type=string,JSONPath=`.spec.host`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type SourceCodeProviderConfig struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the forge and how to reach it.
	// +required
	Spec SourceCodeProviderConfigSpec `json:"spec"`

	// Status is what the controller observed.
	// +optional
	Status SourceCodeProviderConfigStatus `json:"status,omitempty"`
}

// SourceCodeProviderConfigList is a list of SourceCodeProviderConfigs.
//
// +kubebuilder:object:root=true
type SourceCodeProviderConfigList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	// Items are the SourceCodeProviderConfigs.
	Items []SourceCodeProviderConfig `json:"items"`
}

// SourceCodeCredentialSpec is one user's account at a forge.
type SourceCodeCredentialSpec struct {
	// Provider is the name of the SourceCodeProviderConfig, in the same
	// namespace, the account belongs to.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +required
	Provider string `json:"provider"`

	// UserName is the Wheelhouse user the credential belongs to.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	// +required
	UserName string `json:"userName"`

	// Login is the account's name at the forge.
	// +kubebuilder:validation:MaxLength=256
	// +optional
	Login string `json:"login,omitempty"`

	// DisplayName is the account's display name at the forge.
	// +kubebuilder:validation:MaxLength=256
	// +optional
	DisplayName string `json:"displayName,omitempty"`

	// Token names the account's access token in the credential store.
	// +required
	Token CredentialReference `json:"token"`
}

// SourceCodeCredentialStatus is what the controller observed.
type SourceCodeCredentialStatus struct {
	// Conditions are Ready (the forge accepted the token), Reconciling and
	// Stalled.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// LastVerified is when the forge last accepted the token.
	// +optional
	LastVerified *metav1.Time `json:"lastVerified,omitempty"`
}

// SourceCodeCredential is a user's access token for a forge, by reference
// to the credential store.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:categories=wheelhouse;devops
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="Provider",type=string,JSONPath=`.spec.provider`
// +kubebuilder:printcolumn:name="User",type=string,JSONPath=`.spec.userName`
// +kubebuilder:printcolumn:name="Login",type=string,JSONPath=`.spec.login`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type SourceCodeCredential struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the account and its token.
	// +required
	Spec SourceCodeCredentialSpec `json:"spec"`

	// Status is what the controller observed.
	// +optional
	Status SourceCodeCredentialStatus `json:"status,omitempty"`
}

// SourceCodeCredentialList is a list of SourceCodeCredentials.
//
// +kubebuilder:object:root=true
type SourceCodeCredentialList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	// Items are the SourceCodeCredentials.
	Items []SourceCodeCredential `json:"items"`
}

// RepositoryPermissions are what the credential may do on a repository,
// as the forge reported it.
type RepositoryPermissions struct {
	// Pull: the credential may read the repository.
	// +optional
	Pull bool `json:"pull,omitempty"`
	// Push: the credential may push (and so save the pipeline file).
	// +optional
	Push bool `json:"push,omitempty"`
	// Admin: the credential may manage webhooks.
	// +optional
	Admin bool `json:"admin,omitempty"`
}

// SourceCodeRepositorySpec is a repository pipelines can build.
//
// +kubebuilder:validation:XValidation:rule="self.url.startsWith('https://') || self.url.startsWith('http://') || self.url.startsWith('ssh://') || self.url.startsWith('git@')",message="url must start with https://, http://, ssh:// or git@",fieldPath=".url"
type SourceCodeRepositorySpec struct {
	// URL is the clone URL.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	// +required
	URL string `json:"url"`

	// DefaultBranch is the branch a pipeline builds when none is named.
	// +kubebuilder:default=main
	// +kubebuilder:validation:MaxLength=255
	// +optional
	DefaultBranch string `json:"defaultBranch,omitempty"`

	// Provider is the name of the SourceCodeProviderConfig, in the same
	// namespace, the repository is hosted by.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +required
	Provider string `json:"provider"`

	// Credential is the name of the SourceCodeCredential, in the same
	// namespace, through which the repository is read (and the pipeline
	// file saved). Unset for a public repository.
	// +kubebuilder:validation:MaxLength=253
	// +optional
	Credential string `json:"credential,omitempty"`

	// Permissions are what the credential may do on the repository.
	// +optional
	Permissions RepositoryPermissions `json:"permissions,omitempty"`

	// Language is the repository's main language, as the forge says.
	// +kubebuilder:validation:MaxLength=64
	// +optional
	Language string `json:"language,omitempty"`
}

// SourceCodeRepositoryStatus is what the controller observed.
type SourceCodeRepositoryStatus struct {
	// Conditions are Ready (the repository answered), Reconciling and
	// Stalled.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// SourceCodeRepository is a repository of a forge that pipelines build.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:categories=wheelhouse;devops
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="URL",type=string,JSONPath=`.spec.url`
// +kubebuilder:printcolumn:name="Branch",type=string,JSONPath=`.spec.defaultBranch`
// +kubebuilder:printcolumn:name="Provider",type=string,JSONPath=`.spec.provider`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type SourceCodeRepository struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the repository.
	// +required
	Spec SourceCodeRepositorySpec `json:"spec"`

	// Status is what the controller observed.
	// +optional
	Status SourceCodeRepositoryStatus `json:"status,omitempty"`
}

// SourceCodeRepositoryList is a list of SourceCodeRepositories.
//
// +kubebuilder:object:root=true
type SourceCodeRepositoryList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	// Items are the SourceCodeRepositories.
	Items []SourceCodeRepository `json:"items"`
}
