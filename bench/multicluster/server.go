package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	adminPassword = "bench-multicluster-password"
	serverStartup = time.Minute
	stopGrace     = 15 * time.Second
)

// buildWheelhouse builds cmd/wheelhouse of the module in the working
// directory into dir, as `make build` does.
func buildWheelhouse(ctx context.Context, dir string, logger *slog.Logger) (string, error) {
	bin := filepath.Join(dir, "wheelhouse")
	start := time.Now()
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", bin, "./cmd/wheelhouse")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build wheelhouse (run from the repository root): %w: %s", err, lastLines(string(out), 20))
	}
	logger.Info("Built wheelhouse", "binary", bin, "elapsed", time.Since(start).Round(time.Millisecond))
	return bin, nil
}

// server is a running `wheelhouse serve` with a fresh data directory.
type server struct {
	cmd     *exec.Cmd
	exited  chan struct{}
	logPath string
	url     string
	client  *http.Client
	logger  *slog.Logger
}

// startServer starts bin over HTTPS on a free 127.0.0.1 port and waits
// until /readyz answers, trusting the CA the server generates.
func startServer(ctx context.Context, bin, tmp string, logger *slog.Logger) (*server, error) {
	dataDir := filepath.Join(tmp, "server")
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("server data directory: %w", err)
	}
	port, err := freePort(ctx)
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(tmp, "server.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("server log: %w", err)
	}
	defer logFile.Close()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	// Not CommandContext: the server is stopped by stop, with a grace period.
	cmd := exec.Command(bin, "serve", "--data-dir", dataDir, "--listen", addr, "--log-level", "info")
	cmd.Env = append(os.Environ(), "WHEELHOUSE_ADMIN_PASSWORD="+adminPassword)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Its own process group: an interrupt of the benchmark reaches the
	// server through stop, after the benchmark has finished with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s serve: %w", bin, err)
	}
	s := &server{cmd: cmd, exited: make(chan struct{}), logPath: logPath, url: "https://" + addr, logger: logger}
	go func() {
		_ = cmd.Wait()
		close(s.exited)
	}()
	if err := s.waitReady(ctx, filepath.Join(dataDir, "tls", "ca.crt")); err != nil {
		s.stop()
		return nil, err
	}
	logger.Info("Server ready", "url", s.url, "pid", cmd.Process.Pid)
	return s, nil
}

func (s *server) waitReady(ctx context.Context, caPath string) error {
	deadline := time.Now().Add(serverStartup)
	for time.Now().Before(deadline) {
		select {
		case <-s.exited:
			return fmt.Errorf("wheelhouse serve exited during start: %s", s.logTail())
		case <-ctx.Done():
			return fmt.Errorf("wait for server: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
		if s.client == nil {
			pem, err := os.ReadFile(caPath)
			if err != nil {
				continue
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				continue // still being written
			}
			tr := &http.Transport{
				TLSClientConfig:     &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
				ForceAttemptHTTP2:   true,
				MaxIdleConnsPerHost: 8,
			}
			s.client = &http.Client{Transport: tr, Timeout: time.Minute}
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url+"/readyz", nil)
		if err != nil {
			return fmt.Errorf("readyz request: %w", err)
		}
		resp, err := s.client.Do(req)
		if err != nil {
			continue
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			return nil
		}
	}
	return fmt.Errorf("server not ready after %s: %s", serverStartup, s.logTail())
}

// pid is the server's process id.
func (s *server) pid() int { return s.cmd.Process.Pid }

// stop ends the server: SIGTERM, then SIGKILL after a grace period.
func (s *server) stop() {
	select {
	case <-s.exited:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(stopGrace):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
	s.logger.Info("Server stopped")
}

func (s *server) logTail() string {
	raw, err := os.ReadFile(s.logPath)
	if err != nil {
		return "(no server log: " + err.Error() + ")"
	}
	return lastLines(string(raw), 20)
}

// apiClient calls the Wheelhouse API as the first admin.
type apiClient struct {
	base   string
	token  string
	client *http.Client
}

// login logs in as the first admin.
func (s *server) login(ctx context.Context) (*apiClient, error) {
	a := &apiClient{base: s.url, client: s.client}
	var out struct {
		Token string `json:"token"`
	}
	body := map[string]string{"username": "admin", "password": adminPassword}
	if _, err := a.do(ctx, http.MethodPost, "/api/v1/login", body, http.StatusOK, &out); err != nil {
		return nil, fmt.Errorf("log in: %w", err)
	}
	a.token = out.Token
	return a, nil
}

// do sends a JSON request and decodes a JSON answer into out (unless nil);
// any status but want is an error carrying the body. It returns the time
// from sending the request to having read the whole answer.
func (a *apiClient) do(ctx context.Context, method, path string, in any, want int, out any) (time.Duration, error) {
	var body io.Reader
	if in != nil {
		raw, err := json.Marshal(in)
		if err != nil {
			return 0, fmt.Errorf("encode %s %s: %w", method, path, err)
		}
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, body)
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	start := time.Now()
	resp, err := a.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	took := time.Since(start)
	if err != nil {
		return 0, fmt.Errorf("%s %s: read answer: %w", method, path, err)
	}
	if resp.StatusCode != want {
		return 0, fmt.Errorf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, truncate(string(raw), 500))
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return 0, fmt.Errorf("%s %s: decode answer: %w", method, path, err)
		}
	}
	return took, nil
}

// clusterView is the part of GET /api/v1/clusters/{cluster} the benchmark
// reads.
type clusterView struct {
	Phase     string `json:"phase"`
	Message   string `json:"message"`
	Resources *struct {
		Nodes int `json:"nodes"`
		Pods  int `json:"pods"`
	} `json:"resources"`
}

// importCluster posts c's kubeconfig and returns how long the POST took.
func (a *apiClient) importCluster(ctx context.Context, c *benchCluster) (time.Duration, error) {
	body := map[string]string{"name": c.name, "kubeconfig": string(c.kubeconfig)}
	took, err := a.do(ctx, http.MethodPost, "/api/v1/clusters", body, http.StatusCreated, nil)
	if err != nil {
		return 0, fmt.Errorf("import %s: %w", c.name, err)
	}
	return took, nil
}

// waitSynced polls the cluster every interval until it is Ready and its
// cache holds all of c's pods.
func (a *apiClient) waitSynced(ctx context.Context, c *benchCluster, timeout, interval time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var last clusterView
	for {
		var v clusterView
		if _, err := a.do(ctx, http.MethodGet, "/api/v1/clusters/"+url.PathEscape(c.name), nil, http.StatusOK, &v); err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("cluster %s not synced after %s (last: phase %s %s): %w", c.name, timeout, last.Phase, last.Message, ctx.Err())
			}
			return err
		}
		last = v
		if v.Phase == "Ready" && v.Resources != nil && v.Resources.Pods == c.pods {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("cluster %s not synced after %s (last: phase %s %s): %w", c.name, timeout, last.Phase, last.Message, ctx.Err())
		case <-time.After(interval):
		}
	}
}

// hasRoute reports whether the server's OpenAPI document has a GET
// operation at path.
func (a *apiClient) hasRoute(ctx context.Context, path string) (bool, error) {
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if _, err := a.do(ctx, http.MethodGet, "/openapi.json", nil, http.StatusOK, &doc); err != nil {
		return false, err
	}
	_, ok := doc.Paths[path]["get"]
	return ok, nil
}

// metric returns the value of an unlabelled metric from /metrics.
func (a *apiClient) metric(ctx context.Context, name string) (float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.base+"/metrics", nil)
	if err != nil {
		return 0, fmt.Errorf("metrics request: %w", err)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("get /metrics: %w", err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return 0, fmt.Errorf("metric %s: %w", name, err)
			}
			return f, nil
		}
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("read /metrics: %w", err)
	}
	return 0, fmt.Errorf("metric %s not in /metrics", name)
}

// procStatusKiB reads a "kB" field (VmRSS, VmHWM) of /proc/PID/status.
func procStatusKiB(pid int, field string) (int64, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read process status: %w", err)
	}
	for line := range strings.Lines(string(raw)) {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			num, _, _ := strings.Cut(strings.TrimSpace(v), " ")
			n, err := strconv.ParseInt(num, 10, 64)
			if err != nil {
				return 0, fmt.Errorf("parse %s: %w", field, err)
			}
			return n, nil
		}
	}
	return 0, fmt.Errorf("%s not in /proc/%d/status", field, pid)
}

// freePort asks the kernel for a free port on 127.0.0.1.
func freePort(ctx context.Context) (int, error) {
	var lc net.ListenConfig
	l, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return 0, errors.New("find a free port: not a TCP address")
	}
	return addr.Port, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
