package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/wheelhouse-dev/wheelhouse/internal/controller/ctrlkit"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"
	"k8s.io/klog/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/apply"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/certs"
	"github.com/wheelhouse-dev/wheelhouse/internal/chartrepo"
	"github.com/wheelhouse-dev/wheelhouse/internal/clusterrbac"
	"github.com/wheelhouse-dev/wheelhouse/internal/clusters"
	"github.com/wheelhouse-dev/wheelhouse/internal/controller/host"
	pipelinectl "github.com/wheelhouse-dev/wheelhouse/internal/controller/pipelines"
	"github.com/wheelhouse-dev/wheelhouse/internal/credentials"
	"github.com/wheelhouse-dev/wheelhouse/internal/drain"
	"github.com/wheelhouse-dev/wheelhouse/internal/events"
	"github.com/wheelhouse-dev/wheelhouse/internal/helm"
	"github.com/wheelhouse-dev/wheelhouse/internal/logstore"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/provider"
	"github.com/wheelhouse-dev/wheelhouse/internal/pullsecrets"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox"
	"github.com/wheelhouse-dev/wheelhouse/internal/secrets"
	"github.com/wheelhouse-dev/wheelhouse/internal/server"
	"github.com/wheelhouse-dev/wheelhouse/internal/settings"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// adminPasswordFile holds a generated first-admin password, mode 0600, so
// it can be read again after the terminal that printed it is gone.
const adminPasswordFile = "admin-password"

// tokenGCInterval is how often expired tokens are swept.
const tokenGCInterval = time.Hour

func newServeCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the management server",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			return serve(cmd.Context(), cfg, cmd.OutOrStdout())
		},
	}
	settings.AddFlags(cmd.Flags(), settings.Global, settings.Serve)
	return cmd
}

func serve(ctx context.Context, cfg *settings.Config, out io.Writer) error {
	logger := newLogger(cfg, os.Stderr)
	// controller-runtime's own parts (the caches of the controllers the
	// server hosts) log through its global logger: this one.
	ctrl.SetLogger(ctrlkit.Logr(logger, ""))
	// Claim the port first: a port in use must fail before anything is
	// written to the data directory or the database.
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", cfg.Listen, errors.Unwrap(err))
	}
	defer ln.Close()
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	st, keyring, err := openStore(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer st.Close()

	if err := reencrypt(ctx, st, keyring, logger); err != nil {
		return err
	}

	authn := auth.NewService(auth.Config{Store: st, SessionTTL: cfg.SessionTTL})
	created, generated, err := authn.EnsureAdmin(ctx, cfg.AdminUsername, cfg.AdminPassword)
	if err != nil {
		return err
	}
	passwordFile := filepath.Join(cfg.DataDir, adminPasswordFile)
	if generated != "" {
		if err := os.WriteFile(passwordFile, []byte(generated+"\n"), 0o600); err != nil {
			return fmt.Errorf("save generated admin password: %w", err)
		}
	}

	manager := multicluster.NewManager(multicluster.Options{Logger: logger})
	defer manager.Close()
	// Sandbox clusters created through the API emulate resource usage and
	// run metrics-server when the toolchain has it, so the console shows
	// usage for them.
	sandboxes, err := sandbox.NewManager(sandbox.Config{StateDir: cfg.SandboxDir(), ToolsDir: cfg.ToolsDir, Logger: logger,
		MetricsServer: sandbox.HasMetricsServer(cfg.ToolsDir)})
	if err != nil {
		return fmt.Errorf("sandbox clusters: %w", err)
	}
	tlsConfig, caPEM, caPath, err := serverTLS(cfg)
	if err != nil {
		return err
	}
	clusterSvc := clusters.New(clusters.Config{
		Store: st, Keyring: keyring, Manager: manager, Logger: logger,
		Providers: []provider.Provider{&provider.Sandbox{Manager: sandboxes}},
		Self:      &provider.Self{Listen: ln.Addr().String(), Names: selfNames(tlsConfig)},
	})
	if cfg.SandboxCluster != "" {
		if err := registerSandbox(ctx, clusterSvc, sandboxes, cfg.SandboxCluster); err != nil {
			return err
		}
	}
	workloads, err := host.NewWorkloads(st, logger)
	if err != nil {
		return err
	}
	drains := drain.NewTracker(drain.Config{Logger: logger})
	defer drains.Close()
	creds := credentials.New(st, st.Credentials(keyring))
	keeper := pullsecrets.New(pullsecrets.Config{Store: st, Credentials: creds, Logger: logger})
	releases := helm.NewUnlocker(helm.UnlockerConfig{Logger: logger})
	manager.Register(workloads, &clusterrbac.Syncer{Logger: logger}, drains, keeper, releases)
	charts := chartrepo.New(chartrepo.Config{Store: st, Credentials: creds, Logger: logger})
	pipelineLogs, uploadLogs, err := logstore.FromSettings(cfg, logger)
	if err != nil {
		return err
	}
	bus := events.New()
	externalURL := cfg.ExternalURL
	if externalURL == "" {
		externalURL = scheme(tlsConfig) + "://" + ln.Addr().String()
	}
	pipelineHost, err := newPipelineHost(cfg, st, manager, creds, pipelineLogs, pipelinectl.Options{Events: bus, Keyring: keyring, ExternalURL: externalURL, Logger: logger})
	if err != nil {
		return err
	}
	manager.Register(pipelineHost)
	srv, err := server.New(server.Config{Logger: logger, Store: st, Auth: authn, Clusters: manager, ClusterService: clusterSvc, Workloads: workloads, Drains: drains,
		MaxBodyBytes: cfg.MaxBodyBytes, CAPEM: caPEM, Keyring: keyring,
		Apply:       apply.Limits{MaxDocuments: cfg.ApplyMaxDocuments, Timeout: cfg.ApplyTimeout},
		Credentials: creds, PullSecrets: keeper, Events: bus, Helm: releases, ChartRepos: charts,
		Pipelines: pipelineHost, PipelineLogs: pipelineLogs})
	if err != nil {
		return err
	}
	printBanner(out, cfg, scheme(tlsConfig)+"://"+ln.Addr().String(), caPath, created, generated, passwordFile)
	logger.Info("Serving", "address", ln.Addr().String(), "database", st.Where())
	err = runAll(ctx,
		runner{"cluster service", clusterSvc.Run},
		runner{"token sweeper", func(ctx context.Context) error { return collectTokens(ctx, authn, logger) }},
		runner{"chart repository refresher", charts.Run},
		runner{"pipeline log uploads", uploadLogs},
		runner{"http server", func(ctx context.Context) error { return srv.Serve(ctx, ln, tlsConfig) }},
	)
	if err != nil {
		return err
	}
	logger.Info("Stopped")
	return nil
}

// runner is one of the server's long-running parts.
type runner struct {
	name string
	run  func(context.Context) error
}

// runAll runs every runner until ctx ends or one fails. They are one
// group: the first failure stops the others and is returned with the
// runner named, so the server never runs half-started nor hangs after a
// failure.
func runAll(ctx context.Context, runners ...runner) error {
	g, gctx := errgroup.WithContext(ctx)
	for _, r := range runners {
		g.Go(func() error {
			if err := r.run(gctx); err != nil {
				return fmt.Errorf("%s: %w", r.name, err)
			}
			return nil
		})
	}
	return g.Wait()
}

// registerSandbox makes the named sandbox cluster a member cluster unless a
// cluster of that name exists. `make run` starts the sandbox `local` first,
// so its node count is kept.
func registerSandbox(ctx context.Context, svc *clusters.Service, sandboxes *sandbox.Manager, name string) error {
	if _, err := svc.Get(ctx, name); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("look up cluster %q: %w", name, err)
	}
	spec := map[string]string{}
	if st, err := sandboxes.Status(ctx, name); err == nil && st.Nodes > 0 {
		spec["nodes"] = strconv.Itoa(st.Nodes)
	}
	if _, err := svc.Create(ctx, clusters.CreateRequest{Name: name, Provider: "sandbox", Spec: spec, CreatedBy: "wheelhouse"}); err != nil {
		return fmt.Errorf("register sandbox cluster %q: %w", name, err)
	}
	return nil
}

// serverTLS returns the TLS configuration to serve with (nil for plain
// HTTP), the PEM of the CA clients should trust when Wheelhouse made the
// certificate itself, and that CA's file.
func serverTLS(cfg *settings.Config) (*tls.Config, []byte, string, error) {
	if cfg.InsecureHTTP {
		return nil, nil, "", nil
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.TLSCertFile != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCertFile, cfg.TLSKeyFile)
		if err != nil {
			return nil, nil, "", &settings.Error{Setting: "tls-cert-file", Reason: err.Error()}
		}
		tc.Certificates = []tls.Certificate{cert}
		return tc, nil, "", nil
	}
	hosts := []string{"127.0.0.1", "::1", "localhost"}
	if host, _, err := net.SplitHostPort(cfg.Listen); err == nil && host != "" && !net.ParseIP(host).IsUnspecified() {
		hosts = append(hosts, host)
	}
	if name, err := os.Hostname(); err == nil {
		hosts = append(hosts, name)
	}
	serving, err := certs.LoadOrCreate(filepath.Join(cfg.DataDir, "tls"), hosts)
	if err != nil {
		return nil, nil, "", fmt.Errorf("serving certificate: %w", err)
	}
	tc.Certificates = []tls.Certificate{serving.Certificate}
	return tc, serving.CAPEM, serving.CAPath, nil
}

// selfNames are the names this server answers at besides its listen
// address: the machine's host name and those its certificate names.
func selfNames(tc *tls.Config) []string {
	names := []string{"localhost"}
	if name, err := os.Hostname(); err == nil {
		names = append(names, name)
	}
	if tc == nil || len(tc.Certificates) == 0 || len(tc.Certificates[0].Certificate) == 0 {
		return names
	}
	leaf, err := x509.ParseCertificate(tc.Certificates[0].Certificate[0])
	if err != nil {
		return names
	}
	names = append(names, leaf.DNSNames...)
	for _, ip := range leaf.IPAddresses {
		names = append(names, ip.String())
	}
	return names
}

func scheme(tc *tls.Config) string {
	if tc == nil {
		return "http"
	}
	return "https"
}

// openStore opens and migrates the database, then builds the keyring that
// seals stored secrets (only once the database answered, so a failed start
// does not leave a fresh key behind).
func openStore(ctx context.Context, cfg *settings.Config, logger *slog.Logger) (*store.Store, *secrets.Keyring, error) {
	st, err := store.Open(ctx, cfg.DatabaseDSN(), store.Options{Logger: logger})
	if err != nil {
		return nil, nil, err
	}
	applied, err := st.Migrate(ctx)
	if err != nil {
		st.Close()
		return nil, nil, fmt.Errorf("migrate database: %w", err)
	}
	for _, m := range applied {
		logger.Info("Applied migration", "migration", m)
	}
	keyring, err := loadKeyring(cfg, logger)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, keyring, nil
}

// reencrypt re-seals every stored secret (credentials and Secret versions)
// that an older key sealed, so a rotated-out key can then be dropped.
func reencrypt(ctx context.Context, st *store.Store, keyring *secrets.Keyring, logger *slog.Logger) error {
	for what, f := range map[string]func(context.Context) (int, error){
		"credentials":     st.Credentials(keyring).Reencrypt,
		"secret versions": st.ConfigVersions(keyring).Reencrypt,
	} {
		n, err := f(ctx)
		if err != nil {
			return fmt.Errorf("re-encrypt stored %s with the current key: %w", what, err)
		}
		if n > 0 {
			logger.Info("Re-encrypted with the current key", "what", what, "count", n)
		}
	}
	return nil
}

func loadKeyring(cfg *settings.Config, logger *slog.Logger) (*secrets.Keyring, error) {
	var primary []byte
	if cfg.SecretKey != "" {
		k, err := secrets.ParseKey(cfg.SecretKey)
		if err != nil {
			return nil, &settings.Error{Setting: "secret-key", Reason: err.Error()}
		}
		primary = k
	} else {
		path := filepath.Join(cfg.DataDir, "secret.key")
		k, created, err := secrets.LoadOrCreateKey(path)
		if err != nil {
			return nil, fmt.Errorf("secret key: %w", err)
		}
		if created {
			logger.Warn("Generated a secret key; back it up, stored secrets cannot be read without it", "path", path)
		}
		primary = k
	}
	var previous [][]byte
	for i, s := range cfg.PreviousSecretKeys {
		k, err := secrets.ParseKey(s)
		if err != nil {
			return nil, &settings.Error{Setting: "previous-secret-keys", Reason: fmt.Sprintf("key %d: %v", i+1, err)}
		}
		previous = append(previous, k)
	}
	return secrets.NewKeyring(primary, previous...)
}

func printBanner(out io.Writer, cfg *settings.Config, url, caPath string, created bool, generated, passwordFile string) {
	fmt.Fprintf(out, "\nWheelhouse is running at %s\n", url)
	fmt.Fprintf(out, "  API reference: %s/docs   OpenAPI: %s/openapi.json\n", url, url)
	if caPath != "" {
		fmt.Fprintf(out, "  TLS:           certificate from the local CA %s (curl --cacert %s)\n", caPath, caPath)
	}
	switch {
	case generated != "":
		fmt.Fprintf(out, "  First admin:   %s / %s\n", cfg.AdminUsername, generated)
		fmt.Fprintf(out, "                 (shown once; also saved in %s, mode 0600)\n", passwordFile)
	case created:
		fmt.Fprintf(out, "  First admin:   %s (password from WHEELHOUSE_ADMIN_PASSWORD)\n", cfg.AdminUsername)
	default:
		if _, err := os.Stat(passwordFile); err == nil {
			fmt.Fprintf(out, "  Admin:         %s (generated password in %s)\n", cfg.AdminUsername, passwordFile)
		}
	}
	fmt.Fprintf(out, "  Data:          %s\n\n", cfg.DataDir)
}

// collectTokens sweeps expired tokens until ctx ends; a failed sweep is
// logged and tried again at the next tick.
func collectTokens(ctx context.Context, authn *auth.Service, logger *slog.Logger) error {
	t := time.NewTicker(tokenGCInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if n, err := authn.CollectGarbage(ctx); err != nil {
				logger.Warn("Expired token sweep failed", "error", err)
			} else if n > 0 {
				logger.Info("Deleted expired tokens", "count", n)
			}
		}
	}
}

// newLogger builds the one logger of the process; client-go's klog output
// (watch errors, throttling) goes through it too.
func newLogger(cfg *settings.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel)) // validated by config
	opts := &slog.HandlerOptions{Level: level}
	var logger *slog.Logger
	if cfg.LogFormat == "json" {
		logger = slog.New(slog.NewJSONHandler(w, opts))
	} else {
		logger = slog.New(slog.NewTextHandler(w, opts))
	}
	klog.SetSlogLogger(logger.With("component", "client-go"))
	return logger
}
