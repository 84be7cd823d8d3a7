// Package sandbox runs local Kubernetes clusters for development and tests:
// a real control plane (etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler) with nodes and pod lifecycles simulated by kwok, all
// started as local processes by kwokctl's binary runtime from the toolchain
// `make tools` builds. Every component listens on 127.0.0.1 only, and all
// state lives in the directory the Manager is given (normally
// DATA-DIR/sandbox), never in ~/.kwok or ~/.kube.
//
// A cluster is identified by its name within that directory. Up creates,
// restarts or resizes it as needed and is safe to repeat; Stop ends its
// processes and keeps its state for a later Start or Up; Down deletes it.
package sandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// ErrNotFound is wrapped by errors about a cluster that does not exist.
var ErrNotFound = errors.New("sandbox cluster not found")

const (
	defaultReadyTimeout = 3 * time.Minute
	pollInterval        = 250 * time.Millisecond
	lockPollInterval    = 100 * time.Millisecond
	// portsLockName is a lock in the system temp directory that every
	// Wheelhouse process takes while it picks ports for a new cluster and
	// starts it, so concurrent creations (parallel test packages) never
	// choose the same port.
	portsLockName = "wheelhouse-sandbox-ports.lock"
)

// Config configures a Manager. NewManager fills in the defaults.
type Config struct {
	// StateDir holds every cluster's state (kwokctl's KWOK_WORKDIR):
	// configuration, PKI, etcd data, logs and pid files. Required; Wheelhouse
	// passes config.Config.SandboxDir().
	StateDir string
	// ToolsDir is the sandbox toolchain directory (its bin/ holds kwokctl,
	// kube-apiserver, ...). Default: DefaultToolsDir().
	ToolsDir string
	// Logger receives progress messages. Default: discard.
	Logger *slog.Logger
	// Stdout and Stderr are the default streams of Kubectl. Default:
	// os.Stdout and os.Stderr.
	Stdout io.Writer
	Stderr io.Writer
	// ReadyTimeout bounds each wait for the API server and the nodes.
	// Default: 3 minutes.
	ReadyTimeout time.Duration
	// DisableQPSLimits turns off the client and server rate limits of the
	// control plane of clusters created from now on (for bulk loads and
	// benchmarks).
	DisableQPSLimits bool
	// MetricsServer makes clusters created from now on emulate resource
	// usage (every container uses ContainerCPUUsage and
	// ContainerMemoryUsage) and run metrics-server, so that metrics.k8s.io
	// answers (`kubectl top`, Wheelhouse's cluster and node usage). It costs
	// one more process per cluster and kwok's metrics work, so tests turn it
	// on only where they need it. Needs TOOLS-DIR/bin/metrics-server (`make
	// tools`); an existing cluster keeps what it was created with.
	MetricsServer bool

	// HostExecDir, when set, gives clusters created from now on a kwok
	// ClusterExec that runs exec commands as processes on this host, in
	// that directory. For tests only (sandboxtest.Options.Exec): commands
	// see the host, not a container, so neither `make run` nor a sandbox
	// the server provisions ever sets it.
	HostExecDir string

	// ServiceClusterIPRange is the API server's --service-cluster-ip-range
	// for clusters created from now on. Default: the API server's own
	// (10.0.0.0/24, 254 Services).
	ServiceClusterIPRange string
}

// Manager creates, starts, stops, resizes and deletes sandbox clusters in
// one state directory. Its methods are safe for concurrent use, also from
// several processes: operations that change a cluster hold a file lock.
type Manager struct {
	cfg   Config
	log   *slog.Logger
	tools toolchain
}

// NewManager returns a Manager for cfg, with defaults filled in. It does
// not check the toolchain; each operation that needs it does.
func NewManager(cfg Config) (*Manager, error) {
	if cfg.StateDir == "" {
		return nil, &ValidationError{Field: "state-dir", Reason: "must not be empty"}
	}
	abs, err := filepath.Abs(cfg.StateDir)
	if err != nil {
		return nil, fmt.Errorf("resolve sandbox state directory %q: %w", cfg.StateDir, err)
	}
	cfg.StateDir = abs
	if cfg.ToolsDir == "" {
		cfg.ToolsDir = DefaultToolsDir()
	}
	if cfg.ToolsDir, err = filepath.Abs(cfg.ToolsDir); err != nil {
		return nil, fmt.Errorf("resolve sandbox tools directory: %w", err)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Stdout == nil {
		cfg.Stdout = os.Stdout
	}
	if cfg.Stderr == nil {
		cfg.Stderr = os.Stderr
	}
	if cfg.ReadyTimeout <= 0 {
		cfg.ReadyTimeout = defaultReadyTimeout
	}
	return &Manager{cfg: cfg, log: cfg.Logger, tools: toolchain{dir: cfg.ToolsDir}}, nil
}

// StateDir is the directory that holds the clusters' state.
func (m *Manager) StateDir() string { return m.cfg.StateDir }

// ToolsDir is the sandbox toolchain directory the Manager uses.
func (m *Manager) ToolsDir() string { return m.cfg.ToolsDir }

// CheckToolchain returns an error wrapping ErrToolchainMissing, naming the
// directory and `make tools`, if a toolchain binary is missing.
func (m *Manager) CheckToolchain() error { return m.tools.check() }

func (m *Manager) clusterDir(name string) string {
	return filepath.Join(m.cfg.StateDir, "clusters", name)
}

// configPath is the kwokctl configuration file the cluster was created
// with; containerLogPath is the log its simulated containers show. Both sit
// beside kwokctl's cluster directory, which must not exist before creation.
func (m *Manager) configPath(name string) string {
	return filepath.Join(m.cfg.StateDir, "configs", name+".yaml")
}

func (m *Manager) containerLogPath(name string) string {
	return filepath.Join(m.cfg.StateDir, "configs", name+".log")
}

// kubeconfigPath is the kubeconfig kwokctl writes for a cluster: server
// https://127.0.0.1:PORT, admin client certificate files in its pki/.
func (m *Manager) kubeconfigPath(name string) string {
	return filepath.Join(m.clusterDir(name), "kubeconfig.yaml")
}

func (m *Manager) exists(name string) (bool, error) {
	_, err := os.Stat(filepath.Join(m.clusterDir(name), "kwok.yaml"))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	default:
		return false, fmt.Errorf("inspect cluster %q: %w", name, err)
	}
}

// prepare validates the arguments and the toolchain and takes the state
// directory's lock; the caller must call the returned unlock.
func (m *Manager) prepare(ctx context.Context, name string) (unlock func(), err error) {
	if err := ValidateName(name); err != nil {
		return nil, err
	}
	if err := m.tools.check(); err != nil {
		return nil, err
	}
	l, err := lockFile(ctx, filepath.Join(m.cfg.StateDir, ".lock"))
	if err != nil {
		return nil, err
	}
	return l.unlock, nil
}

// Up makes sure the cluster exists, runs, has exactly nodes simulated
// nodes and that all of them are Ready: it creates the cluster if absent,
// starts its processes if stopped and scales its nodes. Repeating it is
// cheap and changes nothing.
func (m *Manager) Up(ctx context.Context, name string, nodes int) (Status, error) {
	if err := ValidateNodes(nodes); err != nil {
		return Status{}, err
	}
	unlock, err := m.prepare(ctx, name)
	if err != nil {
		return Status{}, err
	}
	defer unlock()

	start := time.Now()
	ok, err := m.exists(name)
	if err != nil {
		return Status{}, err
	}
	if ok {
		if err := m.start(ctx, name); err != nil {
			return Status{}, err
		}
	} else if err := m.create(ctx, name); err != nil {
		return Status{}, err
	}
	if err := m.scale(ctx, name, nodes); err != nil {
		return Status{}, err
	}
	if err := m.waitServiceAccount(ctx, name); err != nil {
		return Status{}, err
	}
	st, err := m.status(ctx, name)
	if err != nil {
		return Status{}, err
	}
	m.log.Info("Sandbox cluster is up", "name", name, "server", st.Server, "nodes", st.ReadyNodes, "elapsed", time.Since(start).Round(time.Millisecond))
	return st, nil
}

// create creates and starts a new cluster. Port choice and start-up run
// under a machine-wide lock so that concurrent creations cannot pick the
// same ports; a failed creation is deleted again.
func (m *Manager) create(ctx context.Context, name string) (err error) {
	m.log.Info("Creating sandbox cluster", "name", name, "stateDir", m.cfg.StateDir)
	l, err := lockFile(ctx, filepath.Join(os.TempDir(), portsLockName))
	if err != nil {
		return fmt.Errorf("create cluster %q: %w", name, err)
	}
	defer l.unlock()

	p, err := pickPorts(newRand(), portFree)
	if err != nil {
		return fmt.Errorf("create cluster %q: %w", name, err)
	}
	var ms *metricsServerSettings
	if m.cfg.MetricsServer {
		if err := m.tools.checkMetricsServer(); err != nil {
			return fmt.Errorf("create cluster %q: %w", name, err)
		}
		dir, err := m.writeMetricsManifest(name)
		if err != nil {
			return fmt.Errorf("create cluster %q: %w", name, err)
		}
		ms = &metricsServerSettings{Binary: m.tools.path(binMetricsServer), ManifestDir: dir}
	}
	conf, err := renderKwokctlConfig(kwokctlInput{
		ports: p, cacheDir: filepath.Join(m.cfg.StateDir, "cache"), logsFile: m.containerLogPath(name),
		disableQPSLimits: m.cfg.DisableQPSLimits, metricsServer: ms, execDir: m.cfg.HostExecDir, serviceRange: m.cfg.ServiceClusterIPRange,
	})
	if err != nil {
		return fmt.Errorf("create cluster %q: %w", name, err)
	}
	if err := os.MkdirAll(filepath.Dir(m.configPath(name)), 0o750); err != nil {
		return fmt.Errorf("create cluster %q: %w", name, err)
	}
	if err := os.WriteFile(m.containerLogPath(name), containerLog(time.Now()), 0o600); err != nil {
		return fmt.Errorf("create cluster %q: write container log: %w", name, err)
	}
	if err := os.WriteFile(m.configPath(name), conf, 0o600); err != nil {
		return fmt.Errorf("create cluster %q: write kwokctl configuration: %w", name, err)
	}
	defer func() {
		if err != nil {
			if derr := m.delete(context.WithoutCancel(ctx), name); derr != nil {
				err = errors.Join(err, derr)
			}
		}
	}()
	// --kubeconfig= keeps kwokctl from adding a context to ~/.kube/config.
	//
	// --node-lease-duration-seconds=0: the kwok controller manages all nodes
	// without node Leases and heartbeats through node status. With Leases
	// (kwokctl's default, 200 s with its heartbeat factor) a restarted
	// controller, which has a new identity, may only take over nodes once
	// the Leases of its predecessor expire: after `stop` and `start` pods
	// would stay Pending for up to four minutes.
	//
	// metrics-server may be started before the API server listens; it then
	// exits at once ("unable to load configmap based
	// request-header-client-ca-file: ... connection refused", seen under
	// the load of the test suite), so its exit does not fail the creation:
	// it is started again once the API server answers.
	if err := m.kwokctlWatched(ctx, name, []string{binMetricsServer}, "create", "cluster", "--config", m.configPath(name), "--kubeconfig=",
		"--node-lease-duration-seconds=0"); err != nil {
		return fmt.Errorf("create cluster %q: %w", name, err)
	}
	if err := m.waitAPI(ctx, name, binMetricsServer); err != nil {
		return fmt.Errorf("create cluster %q: %w", name, err)
	}
	if c, _ := m.deadComponent(name); c == binMetricsServer {
		m.log.Info("Starting metrics-server again: it started before the API server answered", "name", name)
		// kwokctl's start restarts the components that have exited.
		if err := m.kwokctlWatched(ctx, name, nil, "start", "cluster"); err != nil {
			return fmt.Errorf("create cluster %q: %w", name, err)
		}
	}
	return nil
}

// start starts the processes of an existing cluster that are not running
// and waits for its API server. If the cluster was stopped and does not
// come up, it is stopped again: nothing half-started is left behind, and
// the state stays for another try.
func (m *Manager) start(ctx context.Context, name string) (err error) {
	wasRunning := m.apiReady(ctx, name)
	if !wasRunning {
		m.log.Info("Starting sandbox cluster", "name", name)
		defer func() {
			if err == nil {
				return
			}
			if _, serr := m.kwokctl(context.WithoutCancel(ctx), name, "stop", "cluster"); serr != nil {
				err = errors.Join(err, serr)
			}
		}()
	}
	// Even when the API server answers, kwokctl restarts any component that
	// has died; it leaves running ones alone.
	if err := m.kwokctlWatched(ctx, name, nil, "start", "cluster"); err != nil {
		return fmt.Errorf("start cluster %q: %w", name, err)
	}
	if err := m.waitAPI(ctx, name); err != nil {
		return fmt.Errorf("start cluster %q: %w", name, err)
	}
	return nil
}

// Start starts the processes of a stopped cluster, keeping its state, and
// waits until its API server answers. Starting a running cluster is a no-op.
func (m *Manager) Start(ctx context.Context, name string) error {
	unlock, err := m.prepare(ctx, name)
	if err != nil {
		return err
	}
	defer unlock()
	if err := m.mustExist(name); err != nil {
		return err
	}
	return m.start(ctx, name)
}

// Stop ends the processes of a cluster and keeps its state (etcd data,
// PKI, ports) for Start or Up. Stopping a stopped cluster is a no-op.
func (m *Manager) Stop(ctx context.Context, name string) error {
	unlock, err := m.prepare(ctx, name)
	if err != nil {
		return err
	}
	defer unlock()
	if err := m.mustExist(name); err != nil {
		return err
	}
	m.log.Info("Stopping sandbox cluster", "name", name)
	if _, err := m.kwokctl(ctx, name, "stop", "cluster"); err != nil {
		return fmt.Errorf("stop cluster %q: %w", name, err)
	}
	return nil
}

// Down stops a cluster and deletes all its state. Deleting a cluster that
// does not exist succeeds.
func (m *Manager) Down(ctx context.Context, name string) error {
	if err := ValidateName(name); err != nil {
		return err
	}
	ok, err := m.exists(name)
	if err != nil {
		return err
	}
	if !ok {
		// Nothing to stop: remove leftovers without needing the toolchain.
		return m.removeState(name)
	}
	unlock, err := m.prepare(ctx, name)
	if err != nil {
		return err
	}
	defer unlock()
	m.log.Info("Deleting sandbox cluster", "name", name)
	return m.delete(ctx, name)
}

// delete runs kwokctl's delete, which kills the processes and removes the
// cluster directory, then removes what the sandbox keeps beside it.
func (m *Manager) delete(ctx context.Context, name string) error {
	ok, err := m.exists(name)
	if err != nil {
		return err
	}
	if ok {
		// kwokctl removes the cluster's context from --kubeconfig: point it at
		// a file that does not exist so it never touches ~/.kube/config.
		none := filepath.Join(m.clusterDir(name), "no-kubeconfig")
		if _, err := m.kwokctl(ctx, name, "delete", "cluster", "--kubeconfig", none); err != nil {
			return fmt.Errorf("delete cluster %q: %w", name, err)
		}
	}
	return m.removeState(name)
}

func (m *Manager) removeState(name string) error {
	if err := os.RemoveAll(m.clusterDir(name)); err != nil {
		return fmt.Errorf("delete cluster %q: %w", name, err)
	}
	for _, f := range []string{m.configPath(name), m.containerLogPath(name), m.metricsManifestDir(name)} {
		if err := os.RemoveAll(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("delete cluster %q: %w", name, err)
		}
	}
	return nil
}

// Scale sets the number of simulated nodes of a running cluster and waits
// until exactly that many nodes exist and are Ready.
func (m *Manager) Scale(ctx context.Context, name string, nodes int) error {
	if err := ValidateNodes(nodes); err != nil {
		return err
	}
	unlock, err := m.prepare(ctx, name)
	if err != nil {
		return err
	}
	defer unlock()
	if err := m.mustExist(name); err != nil {
		return err
	}
	if !m.apiReady(ctx, name) {
		return fmt.Errorf("scale cluster %q: not running (run `wheelhouse sandbox up --name %s`)", name, name)
	}
	return m.scale(ctx, name, nodes)
}

func (m *Manager) scale(ctx context.Context, name string, nodes int) error {
	current, _, err := m.nodeCounts(ctx, name)
	if err != nil {
		return fmt.Errorf("scale cluster %q: %w", name, err)
	}
	if current != nodes {
		m.log.Info("Scaling sandbox cluster", "name", name, "from", current, "to", nodes)
		if _, err := m.kwokctl(ctx, name, "scale", "node", "--replicas", fmt.Sprint(nodes)); err != nil {
			return fmt.Errorf("scale cluster %q to %d nodes: %w", name, nodes, err)
		}
	}
	if err := m.waitNodes(ctx, name, nodes); err != nil {
		return fmt.Errorf("scale cluster %q to %d nodes: %w", name, nodes, err)
	}
	return nil
}

func (m *Manager) mustExist(name string) error {
	ok, err := m.exists(name)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w: %q in %s", ErrNotFound, name, m.cfg.StateDir)
	}
	return nil
}

// kwokctl runs kwokctl for the named cluster with the sandbox environment
// and returns its standard output. Its log output goes to the debug log and,
// on failure, into the error.
func (m *Manager) kwokctl(ctx context.Context, name string, args ...string) ([]byte, error) {
	args = append([]string{"--name", name}, args...)
	cmd := exec.CommandContext(ctx, m.tools.path(binKwokctl), args...)
	cmd.Env = m.tools.env(os.Environ(), m.cfg.StateDir)
	cmd.Dir = m.cfg.StateDir
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := os.MkdirAll(m.cfg.StateDir, 0o750); err != nil {
		return nil, fmt.Errorf("create sandbox state directory: %w", err)
	}
	start := time.Now()
	err := cmd.Run()
	m.log.Debug("Ran kwokctl", "args", args, "elapsed", time.Since(start).Round(time.Millisecond), "output", stderr.String())
	if err != nil {
		return nil, fmt.Errorf("kwokctl %s: %w: %s", strings.Join(args, " "), err, lastLines(stderr.String(), 15))
	}
	return stdout.Bytes(), nil
}

// lastLines returns at most n trailing lines of s, trimmed.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// sleepCtx waits for d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
