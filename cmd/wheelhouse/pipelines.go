package main

import (
	"log/slog"
	"path/filepath"

	pipelinectl "github.com/wheelhouse-dev/wheelhouse/internal/controller/pipelines"
	"github.com/wheelhouse-dev/wheelhouse/internal/credentials"
	"github.com/wheelhouse-dev/wheelhouse/internal/logstore"
	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline/gitsource"
	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline/local"
	"github.com/wheelhouse-dev/wheelhouse/internal/registry"
	"github.com/wheelhouse-dev/wheelhouse/internal/settings"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// pipelineLogStore is the executions' log store the settings choose.
func pipelineLogStore(cfg *settings.Config) (logstore.Store, error) {
	return logstore.NewFS(filepath.Join(cfg.PipelinesDir(), "logs"))
}

// newPipelineHost makes the pipeline controllers' host: the local engine,
// the repository mirrors, the platform's registries for publishImage, all
// under the data directory.
func newPipelineHost(cfg *settings.Config, st *store.Store, creds *credentials.Service, logs logstore.Store, logger *slog.Logger) (*pipelinectl.Host, error) {
	engine, err := local.New(local.Options{Root: filepath.Join(cfg.PipelinesDir(), "engine"), Logger: logger})
	if err != nil {
		return nil, err
	}
	source, err := gitsource.New(filepath.Join(cfg.PipelinesDir(), "sources"))
	if err != nil {
		return nil, err
	}
	return pipelinectl.NewHost(pipelinectl.Options{
		Cluster: cfg.Management(), Engine: engine, Logs: logs, Source: source, Credentials: creds,
		Registries: &pipelinectl.StoreRegistries{Store: st, Opener: &registry.Opener{Credentials: creds}},
		Logger:     logger,
	})
}
