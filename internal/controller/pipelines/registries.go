package pipelines

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline"
	"github.com/wheelhouse-dev/wheelhouse/internal/registry"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// Labels on a project's pipeline namespace, which say whose it is.
const (
	LabelProjectCluster = "devops.wheelhouse.dev/project-cluster"
	LabelProjectName    = "devops.wheelhouse.dev/project"
)

// StoreRegistries resolves a publishImage step's registry to a registry
// record of the platform: the project's own of that name, else a global
// one; the login is the registry's (a short-lived token for ECR, ACR and
// TCR, made now).
type StoreRegistries struct {
	Store  *store.Store
	Opener *registry.Opener
}

// Access implements Registries.
func (s *StoreRegistries) Access(ctx context.Context, project store.Scope, name string) (*pipeline.RegistryAccess, error) {
	if name == "" {
		return nil, errors.New("name the registry to push to (publishImage.registry)")
	}
	rec, err := s.Store.Registries().Get(ctx, project, name)
	if errors.Is(err, store.ErrNotFound) {
		rec, err = s.Store.Registries().Get(ctx, store.Scope{}, name)
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("the project has no registry %q", name)
	}
	if err != nil {
		return nil, err
	}
	adapter, err := s.Opener.Open(ctx, rec)
	if err != nil {
		return nil, err
	}
	login, err := adapter.Login(ctx)
	if err != nil {
		return nil, fmt.Errorf("log in to registry %q: %w", name, err)
	}
	return &pipeline.RegistryAccess{Host: login.Host, Username: login.Username, Password: login.Password, Insecure: rec.Insecure}, nil
}

// projectOf is the project whose pipeline namespace namespace is, from its
// labels.
func projectOf(ctx context.Context, c client.Reader, namespace string) (store.Scope, error) {
	var ns corev1.Namespace
	if err := c.Get(ctx, client.ObjectKey{Name: namespace}, &ns); err != nil {
		return store.Scope{}, err
	}
	return store.Scope{Cluster: ns.Labels[LabelProjectCluster], Project: ns.Labels[LabelProjectName]}, nil
}
