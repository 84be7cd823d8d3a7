package store

import "time"

// Chart repository types.
const (
	// ChartRepoHTTP is a classic Helm repository: an index.yaml over
	// HTTP(S) and the chart archives it points to.
	ChartRepoHTTP = "http"
	// ChartRepoOCI is charts kept as OCI artifacts under one path of a
	// registry (oci://host/path/<chart>:<version>).
	ChartRepoOCI = "oci"
)

// ChartRepository is a Helm chart repository add-ons are installed from,
// with what its last refresh found, so that browsing never waits for the
// network and a refresh that finds nothing new costs one request.
type ChartRepository struct {
	ID uint64 `gorm:"primaryKey"`
	Scope
	Name string `gorm:"size:63;not null"`
	// Type is http or oci.
	Type string `gorm:"size:16;not null"`
	// URL is the repository: https://host/path (index.yaml beneath it) or
	// oci://host/path.
	URL string `gorm:"size:512;not null"`
	// CredentialID is a registry credential (username, password) sent as
	// basic authentication; nil for anonymous access.
	CredentialID *uint64 `gorm:"index"`
	// CABundle is PEM certificates to trust besides the system's.
	CABundle string `gorm:"type:text"`
	// Insecure skips certificate checks, or allows plain HTTP.
	Insecure bool `gorm:"not null;default:false"`
	// RefreshSeconds is how often the scheduler refreshes it; 0: the
	// default (an hour).
	RefreshSeconds int64 `gorm:"not null;default:0"`

	// ETag and LastModified are the validators of the cached index.yaml,
	// sent back as If-None-Match and If-Modified-Since.
	ETag         string `gorm:"column:etag;size:255"`
	LastModified string `gorm:"size:64"`
	// Digest identifies what the index held when it was last read: the
	// SHA-256 of index.yaml, or of the OCI repositories' tag lists.
	Digest string `gorm:"size:128"`
	// IndexData is the cached index as the chartrepo package encodes it
	// (JSON), kept in its own table (ChartRepositoryIndex): the
	// repository's writes store it, its reads leave it out, and IndexOf
	// reads it.
	IndexData string `gorm:"-"`
	// RefreshedAt is when a refresh last succeeded; ChangedAt when one
	// last found a changed index.
	RefreshedAt *time.Time
	ChangedAt   *time.Time
	// LastError is why the last refresh failed; empty when it succeeded.
	LastError string `gorm:"size:1024"`
	CreatedBy string `gorm:"size:64"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ChartRepositoryIndex is the cached index of a chart repository, in a
// table of its own so that the repository's row stays small.
type ChartRepositoryIndex struct {
	RepositoryID uint64 `gorm:"primaryKey;autoIncrement:false"`
	Data         string
}

// TableName names the table (gorm would say "indices").
func (ChartRepositoryIndex) TableName() string { return "chart_repository_indexes" }
