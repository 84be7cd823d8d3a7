// Package registry reaches image registries of five kinds through one
// interface: Docker Registry HTTP API v2 / OCI distribution registries
// (Docker Hub included) through go-containerregistry, Harbor through its
// v2.0 REST API, AWS ECR through aws-sdk-go-v2, Alibaba Container Registry
// (cr 2018-12-01) and Tencent Container Registry (tcr 2019-09-24, with the
// older personal CCR) over HTTP with their own request signatures.
//
// Every adapter browses (namespaces, repositories, tags with digest, size,
// push time and the platforms of an index, paged and filtered by the
// registry where it can), deletes tags, and says how to log in to the
// registry for pulls and pushes (short-lived tokens where the vendor mints
// them). Images move between any two registries through Copy, which uses
// the registries' own v2 API.
package registry

import (
	"context"
	"fmt"
	"time"

	"github.com/wheelhouse-dev/wheelhouse/internal/credentials"
)

// Types of registry.
const (
	TypeDistribution = "distribution"
	TypeHarbor       = "harbor"
	TypeACR          = "acr"
	TypeTCR          = "tcr"
	TypeECR          = "ecr"
)

// Types lists the registry types.
var Types = []string{TypeDistribution, TypeHarbor, TypeACR, TypeTCR, TypeECR}

// Config is what an adapter needs to reach a registry.
type Config struct {
	Type string
	// Endpoint is the registry's URL (https://host[:port], or http:// with
	// Insecure).
	Endpoint string
	// Settings are the type's own: region, instanceId, registryId, edition,
	// apiEndpoint.
	Settings map[string]string
	// Credential reaches the registry (its API for the cloud types); nil
	// for anonymous access.
	Credential *credentials.Credential
	// PullCredential logs in for pulls and pushes where the API keys cannot
	// mint a token (Tencent's personal CCR).
	PullCredential *credentials.Credential
	// CABundle is PEM certificates to trust besides the system's.
	CABundle string
	// Insecure skips certificate checks, or allows plain HTTP.
	Insecure bool
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Page asks for one page of a list.
type Page struct {
	// Limit is the most items to return.
	Limit int
	// Continue is the token a previous page returned; empty: the first.
	Continue string
	// Filter keeps items whose name contains it.
	Filter string
}

// List is one page of items.
type List[T any] struct {
	Items []T
	// Continue fetches the next page; empty on the last.
	Continue string
	// Total is the number of items in all pages when the registry says;
	// -1 when it does not.
	Total int
}

// Namespace is a group of repositories: a Harbor project, an ACR or TCR
// namespace.
type Namespace struct {
	Name         string
	Repositories int
	Public       *bool
	CreatedAt    *time.Time
}

// Repository is a repository of images.
type Repository struct {
	// Name is the full repository name, namespace included.
	Name      string
	Namespace string
	Tags      int
	UpdatedAt *time.Time
}

// Platform is an OS and architecture an image runs on.
type Platform struct {
	OS           string
	Architecture string
	Variant      string
}

// Tag is a tag and the artifact it names.
type Tag struct {
	Name      string
	Digest    string
	MediaType string
	// Size is the artifact's size in bytes (manifest, config and layers;
	// for an index, the sum over its images) where known, else 0.
	Size     int64
	PushedAt *time.Time
	// Platforms are the platforms of an index's images; a single image's
	// own where the registry says.
	Platforms []Platform
}

// Login is what a client logs in to the registry with.
type Login struct {
	// Host is the registry's host as image references name it.
	Host     string
	Username string
	Password string
	// ExpiresAt is when the password stops working; nil: it does not.
	ExpiresAt *time.Time
}

// Adapter is one registry.
type Adapter interface {
	// Check logs in and makes one read, telling apart an unreachable
	// registry, an untrusted certificate, wrong credentials and missing
	// permission (see Error).
	Check(ctx context.Context) error
	// HasNamespaces says whether Namespaces means anything for the type.
	HasNamespaces() bool
	Namespaces(ctx context.Context, p Page) (*List[Namespace], error)
	// Repositories lists repositories, of one namespace when given.
	Repositories(ctx context.Context, namespace string, p Page) (*List[Repository], error)
	Tags(ctx context.Context, repository string, p Page) (*List[Tag], error)
	DeleteTag(ctx context.Context, repository, tag string) error
	// Login returns how to log in to the registry's v2 API, minting a
	// short-lived token where the type does.
	Login(ctx context.Context) (*Login, error)
	// Remote is the registry's v2 API, for copies and for what the
	// vendor's API does not say (an index's platforms).
	Remote() *Remote
}

// New returns the adapter of cfg's type.
func New(cfg Config) (Adapter, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	rem, err := newRemote(cfg)
	if err != nil {
		return nil, err
	}
	switch cfg.Type {
	case TypeDistribution:
		return newDistribution(cfg, rem), nil
	case TypeHarbor:
		return newHarbor(cfg, rem), nil
	case TypeECR:
		return newECR(cfg, rem)
	case TypeACR:
		return newACR(cfg, rem)
	case TypeTCR:
		return newTCR(cfg, rem)
	}
	return nil, &Error{Reason: ReasonInvalid, Field: "type", Message: fmt.Sprintf("unknown registry type %q", cfg.Type)}
}
