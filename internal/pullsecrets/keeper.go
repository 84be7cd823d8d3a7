// Package pullsecrets keeps image pull secrets in member clusters: for
// every registry attached to a namespace (or to a project, and so to each
// of its namespaces, including ones added later) a
// kubernetes.io/dockerconfigjson Secret that logs in to the registry. The
// Keeper rewrites a Secret when the registry's credential is rotated, mints
// a new login before a short-lived one expires (ECR's 12 hours, ACR's and
// TCR's temporary tokens; a quarter of the lifetime ahead, at most an
// hour), repairs a Secret someone changed or deleted, and removes the
// Secrets of targets that are gone. What it last did for each target and
// namespace (written when, expiring when, or why not) is kept in the
// store for the API to show.
//
// It runs per member cluster as a multicluster.Component, so it stops and
// starts with the cluster's connection.
package pullsecrets

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/wheelhouse-dev/wheelhouse/internal/credentials"
	"github.com/wheelhouse-dev/wheelhouse/internal/registry"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// Labels and annotations on the Secrets the keeper writes.
const (
	// ManagedLabel marks a Secret the keeper owns; its value is the target id.
	ManagedLabel = "pullsecrets.wheelhouse.dev/target"
	// RegistryAnnotation names the registry.
	RegistryAnnotation = "pullsecrets.wheelhouse.dev/registry"
	// ExpiresAnnotation says when the login in the Secret expires.
	ExpiresAnnotation = "pullsecrets.wheelhouse.dev/expires-at"
)

// Timing of the keeper.
const (
	// resyncInterval is how often every target is checked without a cause.
	resyncInterval = 5 * time.Minute
	// maxMargin bounds how long before expiry a login is renewed.
	maxMargin = time.Hour
	// retryInterval is how soon a target that failed is tried again.
	retryInterval = 30 * time.Second
)

// Keeper keeps the pull secrets. Register it with the multicluster
// manager, and tell it of changes (Changed, RegistryChanged,
// CredentialRotated).
type Keeper struct {
	Store  *store.Store
	Opener *registry.Opener
	Logger *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time

	mu     sync.Mutex
	wake   map[string]chan struct{}
	logins map[uint64]*login
}

// login is a registry's login as the keeper last minted it.
type login struct {
	*registry.Login
	// renewAt is when to mint a new one; zero: never (it does not expire).
	renewAt time.Time
}

// Name implements multicluster.Component.
func (k *Keeper) Name() string { return "pull-secrets" }

func (k *Keeper) now() time.Time {
	if k.Now != nil {
		return k.Now()
	}
	return time.Now()
}

// Changed wakes the keeper of cluster: its targets changed.
func (k *Keeper) Changed(cluster string) {
	k.mu.Lock()
	ch := k.wake[cluster]
	k.mu.Unlock()
	if ch != nil {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// RegistryChanged forgets the registry's login (its settings or credential
// changed) and wakes every cluster it has targets in.
func (k *Keeper) RegistryChanged(ctx context.Context, id uint64) {
	k.mu.Lock()
	delete(k.logins, id)
	k.mu.Unlock()
	targets, err := k.Store.PullSecrets().ForRegistry(ctx, id)
	if err != nil {
		k.Logger.Warn("Cannot list a registry's pull secret targets", "registry", id, "error", err)
		return
	}
	for _, t := range targets {
		k.Changed(t.Cluster)
	}
}

// CredentialRotated does RegistryChanged for every registry that uses the
// credential id.
func (k *Keeper) CredentialRotated(ctx context.Context, id uint64) {
	regs, err := k.Store.Registries().UsingCredential(ctx, id)
	if err != nil {
		k.Logger.Warn("Cannot list the registries of a rotated credential", "credential", id, "error", err)
		return
	}
	for _, r := range regs {
		k.RegistryChanged(ctx, r.ID)
	}
}

// loginFor returns the registry's login, minting a new one when there is
// none or it is due for renewal.
func (k *Keeper) loginFor(ctx context.Context, reg *store.Registry) (*login, error) {
	now := k.now()
	k.mu.Lock()
	l := k.logins[reg.ID]
	k.mu.Unlock()
	if l != nil && (l.renewAt.IsZero() || now.Before(l.renewAt)) {
		return l, nil
	}
	a, err := k.Opener.Open(ctx, reg)
	if err != nil {
		return nil, err
	}
	fresh, err := a.Login(ctx)
	if err != nil {
		return nil, err
	}
	l = &login{Login: fresh}
	if fresh.ExpiresAt != nil {
		life := fresh.ExpiresAt.Sub(now)
		l.renewAt = fresh.ExpiresAt.Add(-min(life/4, maxMargin))
	}
	k.mu.Lock()
	if k.logins == nil {
		k.logins = map[uint64]*login{}
	}
	k.logins[reg.ID] = l
	k.mu.Unlock()
	return l, nil
}

// Config configures a Keeper.
type Config struct {
	Store       *store.Store
	Credentials *credentials.Service
	Logger      *slog.Logger
}

// New returns a keeper that hears of every credential rotation.
func New(cfg Config) *Keeper {
	k := &Keeper{Store: cfg.Store, Opener: &registry.Opener{Credentials: cfg.Credentials}, Logger: cfg.Logger}
	cfg.Credentials.OnRotate(k.CredentialRotated)
	return k
}
