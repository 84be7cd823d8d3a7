package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"sigs.k8s.io/yaml"
)

// Status describes one sandbox cluster.
type Status struct {
	// Name is the cluster's name.
	Name string `json:"name"`
	// Exists is false when there is no such cluster (the other fields are
	// then empty).
	Exists bool `json:"exists"`
	// Running is true when its API server answers /readyz.
	Running bool `json:"running"`
	// Server is the API server URL, https://127.0.0.1:PORT.
	Server string `json:"server,omitempty"`
	// Nodes and ReadyNodes count the (simulated) nodes; both are 0 while the
	// cluster is stopped.
	Nodes      int `json:"nodes"`
	ReadyNodes int `json:"readyNodes"`
	// KubeconfigPath is an admin kubeconfig for the cluster; it refers to
	// certificate files next to it (Kubeconfig returns a self-contained one).
	KubeconfigPath string `json:"kubeconfigPath,omitempty"`
	// LogsDir holds the components' logs.
	LogsDir string `json:"logsDir,omitempty"`
}

// Status reports whether the named cluster exists and runs, its API server
// URL, node counts and kubeconfig path. A missing cluster is not an error:
// its Status has Exists false.
func (m *Manager) Status(ctx context.Context, name string) (Status, error) {
	if err := ValidateName(name); err != nil {
		return Status{}, err
	}
	ok, err := m.exists(name)
	if err != nil {
		return Status{}, err
	}
	if !ok {
		return Status{Name: name}, nil
	}
	if err := m.tools.check(); err != nil {
		return Status{}, err
	}
	return m.status(ctx, name)
}

func (m *Manager) status(ctx context.Context, name string) (Status, error) {
	st := Status{
		Name:           name,
		Exists:         true,
		KubeconfigPath: m.kubeconfigPath(name),
		LogsDir:        filepath.Join(m.clusterDir(name), "logs"),
	}
	server, err := kubeconfigServer(st.KubeconfigPath)
	if err != nil {
		return Status{}, fmt.Errorf("status of cluster %q: %w", name, err)
	}
	st.Server = server
	if !m.apiReady(ctx, name) {
		return st, nil
	}
	st.Running = true
	if st.Nodes, st.ReadyNodes, err = m.nodeCounts(ctx, name); err != nil {
		return Status{}, fmt.Errorf("status of cluster %q: %w", name, err)
	}
	return st, nil
}

// List returns the Status of every cluster in the state directory, by name.
func (m *Manager) List(ctx context.Context) ([]Status, error) {
	entries, err := os.ReadDir(filepath.Join(m.cfg.StateDir, "clusters"))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("list sandbox clusters: %w", err)
	}
	var out []Status
	for _, e := range entries {
		if !e.IsDir() || ValidateName(e.Name()) != nil {
			continue
		}
		st, err := m.Status(ctx, e.Name())
		if err != nil {
			return nil, err
		}
		if st.Exists {
			out = append(out, st)
		}
	}
	slices.SortFunc(out, func(a, b Status) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Kubeconfig returns a self-contained admin kubeconfig (certificates
// embedded) whose server is https://127.0.0.1:PORT.
func (m *Manager) Kubeconfig(ctx context.Context, name string) ([]byte, error) {
	if err := ValidateName(name); err != nil {
		return nil, err
	}
	if err := m.tools.check(); err != nil {
		return nil, err
	}
	if err := m.mustExist(name); err != nil {
		return nil, err
	}
	out, err := m.kwokctl(ctx, name, "get", "kubeconfig")
	if err != nil {
		return nil, fmt.Errorf("kubeconfig of cluster %q: %w", name, err)
	}
	return out, nil
}

// KubectlPath is the toolchain's kubectl binary.
func (m *Manager) KubectlPath() string { return m.tools.path(binKubectl) }

// IOStreams are the standard streams of a command. A nil Out or ErrOut
// means the Manager's Stdout or Stderr; a nil In means no input.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
}

// Kubectl runs the toolchain's kubectl against the named cluster with args
// (a --kubeconfig flag is added in front). A non-zero exit is returned as
// an error wrapping *exec.ExitError, whose ExitCode() is kubectl's status.
func (m *Manager) Kubectl(ctx context.Context, name string, args []string, streams IOStreams) error {
	if err := ValidateName(name); err != nil {
		return err
	}
	if err := m.tools.check(); err != nil {
		return err
	}
	if err := m.mustExist(name); err != nil {
		return err
	}
	cmd := m.kubectlCommand(ctx, name, args...)
	cmd.Stdin = streams.In
	cmd.Stdout = orDefault(streams.Out, m.cfg.Stdout)
	cmd.Stderr = orDefault(streams.ErrOut, m.cfg.Stderr)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("kubectl %s: %w", strings.Join(args, " "), err)
	}
	return nil
}

func orDefault(w, fallback io.Writer) io.Writer {
	if w == nil {
		return fallback
	}
	return w
}

func (m *Manager) kubectlCommand(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, m.KubectlPath(), append([]string{"--kubeconfig=" + m.kubeconfigPath(name)}, args...)...)
	env := make([]string, 0, len(os.Environ()))
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KUBECONFIG=") {
			env = append(env, kv)
		}
	}
	cmd.Env = env
	return cmd
}

// kubectlOutput runs kubectl and returns its standard output; its standard
// error goes into the error.
func (m *Manager) kubectlOutput(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := m.kubectlCommand(ctx, name, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("kubectl %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// apiReady reports whether the cluster's API server answers /readyz.
func (m *Manager) apiReady(ctx context.Context, name string) bool {
	if _, err := os.Stat(m.kubeconfigPath(name)); err != nil {
		return false
	}
	_, err := m.kubectlOutput(ctx, name, "get", "--raw=/readyz", "--request-timeout=5s")
	return err == nil
}

// waitFor polls check until it reports done, ReadyTimeout passes or ctx is
// done; what describes the awaited state in the error.
func (m *Manager) waitFor(ctx context.Context, name, what string, check func(context.Context) (bool, error)) error {
	ctx, cancel := context.WithTimeout(ctx, m.cfg.ReadyTimeout)
	defer cancel()
	var last error
	for {
		done, err := check(ctx)
		if done {
			return nil
		}
		var exited *componentExitedError
		if errors.As(err, &exited) {
			return fmt.Errorf("wait for %s: %w (logs in %s)", what, err, filepath.Join(m.clusterDir(name), "logs"))
		}
		if err != nil {
			last = err
		}
		if serr := sleepCtx(ctx, pollInterval); serr != nil {
			msg := fmt.Sprintf("wait for %s: %v (logs in %s)", what, serr, filepath.Join(m.clusterDir(name), "logs"))
			if last != nil {
				return fmt.Errorf("%s: last error: %w", msg, last)
			}
			return errors.New(msg)
		}
	}
}

// waitAPI waits until the API server answers /readyz. It fails at once
// when a component process other than those in ignore has exited (a port
// taken by another process, a bad flag), with the end of that component's
// log.
func (m *Manager) waitAPI(ctx context.Context, name string, ignore ...string) error {
	return m.waitFor(ctx, name, "the API server", func(ctx context.Context) (bool, error) {
		_, err := m.kubectlOutput(ctx, name, "get", "--raw=/readyz", "--request-timeout=5s")
		if err == nil {
			return true, nil
		}
		if c, logTail := m.deadComponent(name, ignore...); c != "" {
			return false, &componentExitedError{component: c, logTail: logTail}
		}
		return false, err
	})
}

// componentExitedError stops a wait: a component process has exited.
type componentExitedError struct {
	component, logTail string
}

func (e *componentExitedError) Error() string {
	return fmt.Sprintf("%s exited; end of its log:\n%s", e.component, e.logTail)
}

func (m *Manager) waitNodes(ctx context.Context, name string, want int) error {
	return m.waitFor(ctx, name, fmt.Sprintf("%d Ready nodes", want), func(ctx context.Context) (bool, error) {
		total, ready, err := m.nodeCounts(ctx, name)
		if err != nil {
			return false, err
		}
		if total != want || ready != want {
			return false, fmt.Errorf("%d nodes, %d Ready", total, ready)
		}
		return true, nil
	})
}

// waitServiceAccount waits for the "default" ServiceAccount of namespace
// default, which the controller manager creates and without which pods in
// that namespace are rejected.
func (m *Manager) waitServiceAccount(ctx context.Context, name string) error {
	return m.waitFor(ctx, name, "the default service account", func(ctx context.Context) (bool, error) {
		_, err := m.kubectlOutput(ctx, name, "get", "serviceaccount", "default", "--namespace=default", "-o=name")
		return err == nil, err
	})
}

// nodeList is the part of a NodeList the sandbox reads.
type nodeList struct {
	Items []struct {
		Status struct {
			Conditions []struct {
				Type   string `json:"type"`
				Status string `json:"status"`
			} `json:"conditions"`
		} `json:"status"`
	} `json:"items"`
}

// countNodes returns the number of nodes and of Ready nodes in a NodeList.
func countNodes(raw []byte) (total, ready int, err error) {
	var list nodeList
	if err := json.Unmarshal(raw, &list); err != nil {
		return 0, 0, fmt.Errorf("decode node list: %w", err)
	}
	for _, n := range list.Items {
		for _, c := range n.Status.Conditions {
			if c.Type == "Ready" && c.Status == "True" {
				ready++
			}
		}
	}
	return len(list.Items), ready, nil
}

func (m *Manager) nodeCounts(ctx context.Context, name string) (total, ready int, err error) {
	out, err := m.kubectlOutput(ctx, name, "get", "nodes", "-o=json", "--request-timeout=10s")
	if err != nil {
		return 0, 0, err
	}
	return countNodes(out)
}

// kubeconfigServer returns the server URL of the first cluster entry of a
// kubeconfig file.
func kubeconfigServer(path string) (string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read kubeconfig: %w", err)
	}
	var kc struct {
		Clusters []struct {
			Cluster struct {
				Server string `json:"server"`
			} `json:"cluster"`
		} `json:"clusters"`
	}
	if err := yaml.Unmarshal(raw, &kc); err != nil {
		return "", fmt.Errorf("decode kubeconfig %s: %w", path, err)
	}
	if len(kc.Clusters) == 0 || kc.Clusters[0].Cluster.Server == "" {
		return "", fmt.Errorf("kubeconfig %s names no server", path)
	}
	return kc.Clusters[0].Cluster.Server, nil
}
