package main

import (
	"path/filepath"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/apply"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	pipelinectl "github.com/wheelhouse-dev/wheelhouse/internal/controller/pipelines"
	"github.com/wheelhouse-dev/wheelhouse/internal/credentials"
	"github.com/wheelhouse-dev/wheelhouse/internal/logstore"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline/local"
	"github.com/wheelhouse-dev/wheelhouse/internal/registry"
	"github.com/wheelhouse-dev/wheelhouse/internal/settings"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// newPipelineHost makes the pipeline controllers' host: the local engine,
// the repository mirrors, the platform's registries for publishImage, all
// under the data directory; opts brings the rest.
func newPipelineHost(cfg *settings.Config, st *store.Store, clusters *multicluster.Manager, creds *credentials.Service, logs logstore.Store, opts pipelinectl.Options) (*pipelinectl.Host, error) {
	engine, err := local.New(local.Options{Root: filepath.Join(cfg.PipelinesDir(), "engine"), Logger: opts.Logger})
	if err != nil {
		return nil, err
	}
	opts.Cluster, opts.Engine, opts.Logs, opts.Source, opts.Credentials = cfg.Management(), engine, logs, engine.Source(), creds
	opts.Registries = &pipelinectl.StoreRegistries{Store: st, Opener: &registry.Opener{Credentials: creds}}
	opts.Applier = apply.NewPipelineApplier(apply.Deps{Kit: operation.Kit{Clusters: clusters, Logger: opts.Logger},
		Limits: apply.Limits{MaxDocuments: cfg.ApplyMaxDocuments, Timeout: cfg.ApplyTimeout}})
	return pipelinectl.NewHost(opts)
}
