// Package servertest starts a real Wheelhouse server (fresh SQLite
// database, real middleware, an admin signed in) for the tests of API
// areas, and gives them small helpers to call it over HTTP.
package servertest

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/wheelhouse-dev/wheelhouse/internal/controller/ctrlkit"

	pipelinectl "github.com/wheelhouse-dev/wheelhouse/internal/controller/pipelines"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/apply"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/chartrepo"
	"github.com/wheelhouse-dev/wheelhouse/internal/clusterrbac"
	"github.com/wheelhouse-dev/wheelhouse/internal/clusters"
	"github.com/wheelhouse-dev/wheelhouse/internal/controller/host"
	"github.com/wheelhouse-dev/wheelhouse/internal/credentials"
	"github.com/wheelhouse-dev/wheelhouse/internal/drain"
	"github.com/wheelhouse-dev/wheelhouse/internal/events"
	"github.com/wheelhouse-dev/wheelhouse/internal/helm"
	"github.com/wheelhouse-dev/wheelhouse/internal/logstore"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline/local"
	"github.com/wheelhouse-dev/wheelhouse/internal/provider"
	"github.com/wheelhouse-dev/wheelhouse/internal/pullsecrets"
	"github.com/wheelhouse-dev/wheelhouse/internal/registry"
	"github.com/wheelhouse-dev/wheelhouse/internal/secrets"
	"github.com/wheelhouse-dev/wheelhouse/internal/server"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

const adminPassword = "admin-password-1"

// AdminPassword is the password of the harness's admin user.
const AdminPassword = adminPassword

// Options configure a Harness.
type Options struct {
	// Providers create clusters (none: clusters can only be imported).
	Providers []provider.Provider
	// UsageInterval is how often connected clusters' usage is fetched from
	// their metrics-server; default multicluster's (30 s).
	UsageInterval time.Duration
	// Apply bounds apply requests; default apply's.
	Apply apply.Limits
	// BodyReadTimeout bounds reading a request body; default the
	// server's.
	BodyReadTimeout time.Duration
	// ManagementCluster is the member cluster the pipeline controllers run
	// on, once it is imported; empty: they run nowhere (the pipeline
	// routes answer 503).
	ManagementCluster string
	// ExternalURL is where forges deliver pipeline webhooks; default the
	// server's own URL (a test puts a recorder in between).
	ExternalURL string
}

// Harness is a real server on a fresh SQLite database, reached over HTTP.
type Harness struct {
	t testing.TB
	// URL is the server's base URL (https).
	URL string
	// CAPEM is the certificate the server serves with, to trust it.
	CAPEM []byte
	// Client trusts the server's certificate.
	Client *http.Client
	Store  *store.Store
	Srv    *server.Server
	// Logs holds everything the server logged.
	Logs  *SyncBuffer
	Clock *Clock
	// Admin is a session token of the admin user.
	Admin string
	// Clusters are the server's member cluster connections.
	Clusters *multicluster.Manager
	// ClusterService manages the cluster records.
	ClusterService *clusters.Service
	// Workloads hosts the Workload controllers.
	Workloads *host.Workloads
	// PullSecrets is the pull-secret keeper; Events the image push bus.
	PullSecrets *pullsecrets.Keeper
	Events      *events.Bus
	// ChartRepos is the chart repository service (its scheduler does not
	// run: tests refresh on demand).
	ChartRepos *chartrepo.Service
	// PipelineLogs keeps the pipeline executions' logs.
	PipelineLogs logstore.Store
}

// Clock is the harness's adjustable clock for token expiry.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

// Add moves the clock forward.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// SyncBuffer is a goroutine-safe log sink.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written.
func (s *SyncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// New starts a server for the test t; it stops with the test.
func New(t testing.TB, opts Options) *Harness {
	t.Helper()
	ctx := t.Context()
	st, err := store.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "wh.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	c := &Clock{now: time.Now()}
	svc := auth.NewService(auth.Config{Store: st, SessionTTL: time.Hour, Now: c.Now})
	if _, _, err := svc.EnsureAdmin(ctx, "admin", adminPassword); err != nil {
		t.Fatal(err)
	}
	logs := &SyncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, nil))
	ctrl.SetLogger(ctrlkit.Logr(logger, ""))
	keyring, err := secrets.NewKeyring(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	manager := multicluster.NewManager(multicluster.Options{Logger: logger, ProbeInterval: 500 * time.Millisecond, UsageInterval: opts.UsageInterval})
	t.Cleanup(manager.Close)
	// HTTPS, as Wheelhouse serves by default: kubectl sends no credentials
	// over plain HTTP. Its listener is known now, before it serves.
	ts := httptest.NewUnstartedServer(nil)
	t.Cleanup(ts.Close)
	clusterSvc := clusters.New(clusters.Config{Store: st, Keyring: keyring, Manager: manager, Providers: opts.Providers, Logger: logger,
		Self: &provider.Self{Listen: ts.Listener.Addr().String(), Names: []string{"localhost"}}})
	workloads, err := host.NewWorkloads(st, logger)
	if err != nil {
		t.Fatal(err)
	}
	drains := drain.NewTracker(drain.Config{Logger: logger})
	t.Cleanup(drains.Close)
	creds := credentials.New(st, st.Credentials(keyring))
	keeper := pullsecrets.New(pullsecrets.Config{Store: st, Credentials: creds, Logger: logger})
	bus := events.New()
	releases := helm.NewUnlocker(helm.UnlockerConfig{Logger: logger})
	charts := chartrepo.New(chartrepo.Config{Store: st, Credentials: creds, Logger: logger})
	pipelineDir := t.TempDir()
	pipelineLogs, err := logstore.NewFS(filepath.Join(pipelineDir, "logs"))
	if err != nil {
		t.Fatal(err)
	}
	engine, err := local.New(local.Options{Root: filepath.Join(pipelineDir, "engine"), Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	externalURL := opts.ExternalURL
	if externalURL == "" {
		externalURL = "https://" + ts.Listener.Addr().String()
	}
	pipelineHost, err := pipelinectl.NewHost(pipelinectl.Options{Cluster: opts.ManagementCluster, Engine: engine, Logs: pipelineLogs, Source: engine.Source(),
		Credentials: creds, Registries: &pipelinectl.StoreRegistries{Store: st, Opener: &registry.Opener{Credentials: creds}}, Logger: logger,
		Events: bus, Keyring: keyring, ExternalURL: externalURL,
		Applier: apply.NewPipelineApplier(apply.Deps{Kit: operation.Kit{Clusters: manager, Logger: logger}, Limits: opts.Apply})})
	if err != nil {
		t.Fatal(err)
	}
	manager.Register(workloads, &clusterrbac.Syncer{Logger: logger}, drains, keeper, releases, pipelineHost)
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := clusterSvc.Run(runCtx); err != nil {
			t.Errorf("cluster service: %v", err)
		}
	}()
	t.Cleanup(func() { stop(); <-done })
	ts.StartTLS()
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw})
	srv, err := server.New(server.Config{Logger: logger, Store: st, Auth: svc, Clusters: manager, ClusterService: clusterSvc, Workloads: workloads, Drains: drains,
		MaxBodyBytes: 64 << 10, BodyReadTimeout: opts.BodyReadTimeout, CAPEM: caPEM, Keyring: keyring, Apply: opts.Apply, Credentials: creds, PullSecrets: keeper, Events: bus,
		Helm: releases, ChartRepos: charts, Pipelines: pipelineHost, PipelineLogs: pipelineLogs})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = srv.Handler()
	h := &Harness{t: t, URL: ts.URL, CAPEM: caPEM, Client: ts.Client(), Store: st, Srv: srv, Logs: logs, Clock: c, Clusters: manager, ClusterService: clusterSvc, Workloads: workloads,
		PullSecrets: keeper, Events: bus, ChartRepos: charts, PipelineLogs: pipelineLogs}
	h.Admin = h.Login("admin", adminPassword)
	return h
}

// Do sends a request (a string body is sent as is, anything else as
// JSON) and returns the status, the decoded JSON object and the headers.
// An event stream (a watch) is not read: it ends only when its client
// leaves, so Do returns its status and headers and closes it.
func (h *Harness) Do(method, path, token string, body any) (int, map[string]any, http.Header) {
	h.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = bytes.NewBufferString(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(h.t.Context(), method, h.URL+path, r)
	if err != nil {
		h.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := h.Client.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		return resp.StatusCode, nil, resp.Header
	}
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &out); err != nil {
			h.t.Fatalf("%s %s: decode %q: %v", method, path, raw, err)
		}
	}
	return resp.StatusCode, out, resp.Header
}

// Login signs in and returns a session token.
func (h *Harness) Login(user, password string) string {
	h.t.Helper()
	code, body, _ := h.Do(http.MethodPost, "/api/v1/login", "", map[string]string{"username": user, "password": password})
	if code != http.StatusOK {
		h.t.Fatalf("login %s: %d %v", user, code, body)
	}
	return body["token"].(string)
}

// CreateUser creates a user with the given global role and returns a
// session token of it.
func (h *Harness) CreateUser(name, role string) string {
	h.t.Helper()
	pw := name + "-password"
	code, body, _ := h.Do(http.MethodPost, "/api/v1/users", h.Admin, map[string]string{"username": name, "password": pw, "role": role})
	if code != http.StatusCreated {
		h.t.Fatalf("create user %s: %d %v", name, code, body)
	}
	return h.Login(name, pw)
}

// Expect sends a request and fails the test unless the status is want.
func (h *Harness) Expect(want int, method, path, token string, body any) map[string]any {
	h.t.Helper()
	code, out, _ := h.Do(method, path, token, body)
	if code != want {
		h.t.Fatalf("%s %s: status %d, want %d: %v", method, path, code, want, out)
	}
	return out
}

// ErrorLocations lists the errors[].location fields of a problem document.
func ErrorLocations(problem map[string]any) []string {
	var locs []string
	list, _ := problem["errors"].([]any)
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			locs = append(locs, m["location"].(string))
		}
	}
	return locs
}

// FormatID formats a JSON number id for a path.
func FormatID(f float64) string { return strconv.FormatFloat(f, 'f', 0, 64) }
