// Package server wires Wheelhouse's HTTP surface: the huma API with its
// OpenAPI document, the API reference page, health and metrics endpoints,
// and the middleware every request passes through (request id, access log,
// panic recovery, body limit, authentication, authorization, audit).
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/pipelines"
	pipelinectl "github.com/wheelhouse-dev/wheelhouse/internal/controller/pipelines"
	"github.com/wheelhouse-dev/wheelhouse/internal/logstore"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/addons"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/apply"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/audit"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/chartrepos"
	clusterapi "github.com/wheelhouse-dev/wheelhouse/internal/api/clusters"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/configcenter"
	credentialapi "github.com/wheelhouse-dev/wheelhouse/internal/api/credentials"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/namespaces"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/network"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/nodes"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/pods"
	projectapi "github.com/wheelhouse-dev/wheelhouse/internal/api/projects"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/registries"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/resources"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/search"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/session"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/storage"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/tokens"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/users"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/workloadresources"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/workloads"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/chartrepo"
	"github.com/wheelhouse-dev/wheelhouse/internal/clusters"
	"github.com/wheelhouse-dev/wheelhouse/internal/controller/host"
	"github.com/wheelhouse-dev/wheelhouse/internal/credentials"
	"github.com/wheelhouse-dev/wheelhouse/internal/drain"
	"github.com/wheelhouse-dev/wheelhouse/internal/events"
	"github.com/wheelhouse-dev/wheelhouse/internal/helm"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/projects"
	"github.com/wheelhouse-dev/wheelhouse/internal/pullsecrets"
	"github.com/wheelhouse-dev/wheelhouse/internal/secrets"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
	"github.com/wheelhouse-dev/wheelhouse/internal/version"
	"github.com/wheelhouse-dev/wheelhouse/web"
)

// Config configures a Server.
type Config struct {
	Logger     *slog.Logger
	Store      *store.Store
	Auth       *auth.Service
	Authorizer *auth.Authorizer
	// Clusters are the connections to member clusters.
	Clusters *multicluster.Manager
	// ClusterService manages the member cluster records.
	ClusterService *clusters.Service
	// Workloads runs the Workload feature in member clusters.
	Workloads *host.Workloads
	// Drains runs node drains; registered with Clusters, it resumes the
	// drains a restart interrupted when each cluster connects.
	Drains *drain.Tracker
	// CAPEM is the CA that signed the serving certificate when Wheelhouse
	// made it; kubeconfigs it hands out carry it.
	CAPEM []byte
	// Keyring seals what the server stores encrypted (Secret versions).
	Keyring *secrets.Keyring
	// Credentials are the credentials users keep; PullSecrets keeps
	// registries' pull secrets in clusters; Events carries image pushes.
	Credentials *credentials.Service
	PullSecrets *pullsecrets.Keeper
	Events      *events.Bus
	// Helm is the Helm owner of each member cluster: it unlocks releases
	// an interrupted operation left pending and gives add-ons their
	// clients.
	Helm *helm.Unlocker
	// ChartRepos keeps the Helm chart repositories add-ons come from.
	ChartRepos *chartrepo.Service
	// Pipelines runs the pipeline controllers on the management cluster;
	// PipelineLogs keeps the executions' logs.
	Pipelines    *pipelinectl.Host
	PipelineLogs logstore.Store
	// MaxBodyBytes caps request bodies; default 4 MiB.
	MaxBodyBytes int64
	// BodyReadTimeout bounds reading a request body; default 5 s.
	BodyReadTimeout time.Duration
	// Apply bounds each apply request (documents, deadline).
	Apply apply.Limits
	// ShutdownTimeout bounds how long Serve waits for requests in flight
	// after its context ends; default 10 s.
	ShutdownTimeout time.Duration
}

// Server is Wheelhouse's HTTP server.
type Server struct {
	cfg     Config
	auditor *operation.Auditor
	api     huma.API
	metrics *metrics
	handler http.Handler
	// shutdown is closed when Serve starts to shut down, to end the
	// WebSocket sessions that graceful shutdown does not wait for.
	shutdown     chan struct{}
	shutdownOnce sync.Once
}

// New builds the server and registers every API area.
func New(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 4 << 20
	}
	if cfg.BodyReadTimeout == 0 {
		cfg.BodyReadTimeout = 5 * time.Second
	}
	if cfg.ShutdownTimeout == 0 {
		cfg.ShutdownTimeout = 10 * time.Second
	}
	if cfg.Clusters == nil || cfg.ClusterService == nil || cfg.Workloads == nil {
		return nil, errors.New("server needs Clusters, ClusterService and Workloads")
	}
	if cfg.Credentials == nil || cfg.PullSecrets == nil || cfg.Events == nil || cfg.Helm == nil || cfg.ChartRepos == nil ||
		cfg.Pipelines == nil || cfg.PipelineLogs == nil {
		return nil, errors.New("server needs Credentials, PullSecrets, Events, Helm, ChartRepos, Pipelines and PipelineLogs")
	}
	if cfg.Authorizer == nil {
		cfg.Authorizer = &auth.Authorizer{Bindings: &projects.Bindings{Store: cfg.Store, Clusters: cfg.Clusters}}
	}
	s := &Server{cfg: cfg, metrics: newMetrics(), shutdown: make(chan struct{}), auditor: &operation.Auditor{Store: cfg.Store}}

	mux := http.NewServeMux()
	config := apiConfig()
	config.Transformers = append(config.Transformers, s.redactSecrets)
	s.api = humago.New(mux, config)
	s.api.UseMiddleware(s.audit, s.authenticate, s.authorize, s.readBody)

	kit := operation.Kit{Clusters: cfg.Clusters, Authorizer: cfg.Authorizer, Audit: s.auditor, Logger: cfg.Logger,
		Streams: &operation.StreamLimiter{}, Shutdown: s.shutdown}
	registerSystem(s.api, s)
	session.Register(s.api, session.Deps{Auth: cfg.Auth})
	users.Register(s.api, users.Deps{Store: cfg.Store, Auth: cfg.Auth, Authorizer: cfg.Authorizer})
	tokens.Register(s.api, tokens.Deps{Auth: cfg.Auth, Store: cfg.Store})
	audit.Register(s.api, audit.Deps{Store: cfg.Store})
	nodes.Register(s.api, nodes.Deps{Kit: kit, Drains: cfg.Drains})
	namespaces.Register(s.api, namespaces.Deps{Kit: kit})
	clusterapi.Register(s.api, clusterapi.Deps{Service: cfg.ClusterService, Manager: cfg.Clusters, Auth: cfg.Auth, CAPEM: cfg.CAPEM})
	resources.Register(s.api, resources.Deps{Kit: kit})
	workloadresources.Register(s.api, workloadresources.Deps{Features: cfg.Workloads})
	search.Register(s.api, search.Deps{Clusters: cfg.Clusters, Authorizer: cfg.Authorizer})
	projectapi.Register(s.api, projectapi.Deps{Kit: kit, Store: cfg.Store, Projects: &projects.Service{Store: cfg.Store, Clusters: cfg.Clusters}})
	workloads.Register(s.api, workloads.Deps{Kit: kit})
	apply.Register(s.api, apply.Deps{Kit: kit, Limits: cfg.Apply})
	configcenter.Register(s.api, configcenter.Deps{Kit: kit, Store: cfg.Store, Keyring: cfg.Keyring})
	storage.Register(s.api, storage.Deps{Kit: kit})
	network.Register(s.api, network.Deps{Kit: kit})
	pods.Register(s.api, pods.Deps{Kit: kit})
	credentialapi.Register(s.api, credentialapi.Deps{Kit: kit, Store: cfg.Store, Credentials: cfg.Credentials})
	registries.Register(s.api, registries.Deps{Kit: kit, Store: cfg.Store, Credentials: cfg.Credentials, Keeper: cfg.PullSecrets,
		Events: cfg.Events, Copies: registries.NewCopies()})
	addons.Register(s.api, addons.Deps{Kit: kit, Store: cfg.Store, Helm: cfg.Helm,
		Repositories: &addons.Repositories{Store: cfg.Store, Repos: cfg.ChartRepos}})
	chartrepos.Register(s.api, chartrepos.Deps{Kit: kit, Store: cfg.Store, Credentials: cfg.Credentials, Repos: cfg.ChartRepos})
	pipelines.Register(s.api, pipelines.Deps{Kit: kit, Store: cfg.Store, Credentials: cfg.Credentials, Host: cfg.Pipelines, Logs: cfg.PipelineLogs, Keyring: cfg.Keyring})

	mux.HandleFunc(ProxyPrefix, s.proxy)
	mux.Handle("/", newConsole(web.Dist()))
	documentProxy(s.api.OpenAPI())

	if err := s.CheckOperations(); err != nil {
		return nil, err
	}
	s.handler = s.recoverPanics(s.strictTransport(s.withRequestInfo(s.observe(s.limitBody(mux)))))
	return s, nil
}

func apiConfig() huma.Config {
	c := huma.DefaultConfig("Wheelhouse API", version.Get().Version)
	c.Info.Description = "Manage many Kubernetes clusters from one place. Authenticate with " +
		"`POST /api/v1/login`, then send `Authorization: Bearer <token>`. Errors are RFC 9457 " +
		"problem documents whose `errors[].location` names the field at fault; `errors[].value` never holds a secret " +
		"(passwords, tokens, kubeconfigs, Secret data). A JSON body in which an object gives a key twice is refused " +
		"(422 naming the key). Kubernetes quantities are at most 64 characters with an exponent within ±64."
	// The built-in docs page loads its assets from a CDN; ours works offline.
	c.DocsPath = ""
	c.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		operation.BearerScheme: {Type: "http", Scheme: "bearer", Description: "A session token from /api/v1/login or an API token from /api/v1/tokens"},
	}
	return c
}

// CheckOperations refuses to start with an operation that declares neither
// a permission nor that it is public (an unguarded route is a bug), or
// one that would have huma put its own read deadline on the connection
// (see readBody): each is declared through operation.New or Public.
func (s *Server) CheckOperations() error {
	for path, item := range s.api.OpenAPI().Paths {
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if op == nil {
				continue
			}
			if op.BodyReadTimeout >= 0 {
				return fmt.Errorf("operation %s %s leaves a body read deadline on the connection: declare it with operation.New or Public", op.Method, path)
			}
			if operation.IsPublic(op) {
				continue
			}
			if _, ok := operation.PermissionOf(op); !ok {
				return fmt.Errorf("operation %s %s declares no permission", op.Method, path)
			}
		}
	}
	return nil
}

// API returns the huma API, for tests and for areas registered later.
func (s *Server) API() huma.API { return s.api }

// Handler returns the root HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve answers requests on ln until ctx ends, then drains requests in
// flight for up to ShutdownTimeout. With tc it serves HTTPS (HTTP/2 and
// HTTP/1.1), without it plain HTTP.
func (s *Server) Serve(ctx context.Context, ln net.Listener, tc *tls.Config) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
		TLSConfig:         tc,
	}
	// Hijacked connections (exec sessions) are not drained by Shutdown.
	srv.RegisterOnShutdown(func() { s.shutdownOnce.Do(func() { close(s.shutdown) }) })
	errc := make(chan error, 1)
	go func() {
		if tc != nil {
			errc <- srv.ServeTLS(ln, "", "")
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("serve http: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down http server: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve http: %w", err)
	}
	return nil
}
