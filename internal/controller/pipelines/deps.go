package pipelines

import (
	"context"
	"errors"
	"fmt"

	"sigs.k8s.io/controller-runtime/pkg/client"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/credentials"
	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// Credentials opens credentials of the credential store
// (*credentials.Service).
type Credentials interface {
	Resolve(ctx context.Context, id uint64) (*credentials.Credential, error)
}

// Registries resolves the registry a publishImage step names (a registry
// record of the platform, as the project sees it) to where and how to
// push.
type Registries interface {
	Access(ctx context.Context, project store.Scope, registry string) (*pipeline.RegistryAccess, error)
}

// Applier applies the manifests of an applyYaml step to a member cluster,
// the way the server's own apply does: every document checked in a dry run
// first, so that nothing is half-applied.
type Applier interface {
	Apply(ctx context.Context, project store.Scope, cluster, namespace string, manifests []byte) (summary string, err error)
}

// Source reads the repositories pipelines build (*gitsource.Source).
type Source interface {
	Resolve(ctx context.Context, url string, access pipeline.GitAccess, ref string) (string, error)
	ReadFile(ctx context.Context, url string, access pipeline.GitAccess, commit, path string) ([]byte, error)
}

// errNoRepository says a pipeline's repository or its credential is gone.
var errNoRepository = errors.New("repository not found")

// repository is a pipeline's repository and how to reach it.
type repository struct {
	spec   devopsv1alpha1.SourceCodeRepositorySpec
	access pipeline.GitAccess
}

// readRepository reads the SourceCodeRepository name in namespace, its
// provider's TLS settings and its credential's token.
func readRepository(ctx context.Context, c client.Reader, creds Credentials, namespace, name string) (*repository, error) {
	var repo devopsv1alpha1.SourceCodeRepository
	if err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, &repo); err != nil {
		return nil, fmt.Errorf("repository %q: %w", name, notFoundAs(err, errNoRepository))
	}
	out := &repository{spec: repo.Spec}
	var provider devopsv1alpha1.SourceCodeProviderConfig
	if err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: repo.Spec.Provider}, &provider); err != nil {
		return nil, fmt.Errorf("provider %q of repository %q: %w", repo.Spec.Provider, name, notFoundAs(err, errNoRepository))
	}
	if tls := provider.Spec.TLS; tls != nil {
		out.access.CACertificates, out.access.InsecureSkipVerify = tls.CACertificates, tls.InsecureSkipVerify
	}
	if repo.Spec.Credential == "" {
		return out, nil
	}
	var cred devopsv1alpha1.SourceCodeCredential
	if err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: repo.Spec.Credential}, &cred); err != nil {
		return nil, fmt.Errorf("credential %q of repository %q: %w", repo.Spec.Credential, name, notFoundAs(err, errNoRepository))
	}
	if creds == nil {
		return nil, errors.New("no credential store to open the repository's token")
	}
	opened, err := creds.Resolve(ctx, uint64(cred.Spec.Token.ID))
	if err != nil {
		return nil, fmt.Errorf("token of credential %q: %w", cred.Name, err)
	}
	out.access.Username = opened.Fields["username"]
	if out.access.Username == "" {
		out.access.Username = cred.Spec.Login
	}
	out.access.Token = opened.Fields["token"]
	return out, nil
}

// readSetting reads the project's PipelineSetting; nil when there is
// none (every default holds).
func readSetting(ctx context.Context, c client.Reader, namespace string) (*devopsv1alpha1.PipelineSetting, error) {
	var s devopsv1alpha1.PipelineSetting
	err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: devopsv1alpha1.DefaultPipelineSettingName}, &s)
	if client.IgnoreNotFound(err) != nil {
		return nil, err
	}
	if err != nil {
		return nil, nil
	}
	return &s, nil
}
