package main

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// binary is the wheelhouse binary built once for these tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "wheelhouse-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "wheelhouse")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build wheelhouse: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// run runs the binary to completion and returns its exit code and output.
func run(t *testing.T, env []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), binary, args...)
	cmd.Env = append(cleanEnv(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()
}

// cleanEnv drops WHEELHOUSE_* variables of the surrounding shell.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WHEELHOUSE_") {
			env = append(env, kv)
		}
	}
	return env
}

// freePort returns a 127.0.0.1 address nothing listens on.
func freePort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestUsageAndConfigErrorsExitTwo(t *testing.T) {
	tests := []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"unknown flag", nil, []string{"serve", "--bogus"}, "unknown flag: --bogus"},
		{"unknown command", nil, []string{"serve", "extra"}, "unknown command"},
		{"bad listen", nil, []string{"serve", "--listen", "nope"}, "invalid setting listen"},
		{"bad env", []string{"WHEELHOUSE_SESSION_TTL=forever"}, []string{"serve"}, "invalid setting session-ttl"},
		{"bad database", nil, []string{"migrate", "--database", "oracle://x"}, "invalid setting database"},
		{"bad key", []string{"WHEELHOUSE_SECRET_KEY=short"}, []string{"serve", "--data-dir", "/nonexistent"}, "invalid setting secret-key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.env, tt.args...)
			if code != 2 {
				t.Errorf("exit code %d, want 2 (stderr %q)", code, stderr)
			}
			if !strings.Contains(stderr, tt.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("stderr %q: want one line containing %q", stderr, tt.want)
			}
		})
	}
}

func TestStartupFaultsAreClearAndWriteNothing(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	data := filepath.Join(t.TempDir(), "data")
	code, _, stderr := run(t, nil, "serve", "--data-dir", data, "--listen", busy.Addr().String())
	if code != 1 || !strings.Contains(stderr, "cannot listen on "+busy.Addr().String()) || strings.Contains(stderr, "goroutine") {
		t.Errorf("port in use: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Errorf("a failed start created %s", data)
	}

	data = t.TempDir()
	code, _, stderr = run(t, nil, "serve", "--data-dir", data, "--listen", freePort(t),
		"--database", "postgres://wheel:hunter2secret@127.0.0.1:1/wheelhouse")
	if code != 1 || !strings.Contains(stderr, "connect to postgres at 127.0.0.1:1") || strings.Contains(stderr, "goroutine") {
		t.Errorf("database down: exit %d, stderr %q", code, stderr)
	}
	if strings.Contains(stderr, "hunter2secret") {
		t.Error("the database password reached the output")
	}
	if entries, _ := os.ReadDir(data); len(entries) != 0 {
		t.Errorf("a failed start wrote %v", entries)
	}
}

// process is a running `wheelhouse serve`.
type process struct {
	cmd *exec.Cmd
	url string
	// stdout is read while the process writes it.
	stdout *servertest.SyncBuffer
	client *http.Client
}

func startServer(t testing.TB, data string, env ...string) *process {
	t.Helper()
	addr := freePort(t)
	cmd := exec.Command(binary, "serve", "--data-dir", data, "--listen", addr)
	cmd.Env = append(cleanEnv(), env...)
	var stdout servertest.SyncBuffer
	cmd.Stdout, cmd.Stderr = &stdout, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &process{cmd: cmd, url: "https://" + addr, stdout: &stdout}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	NewWithT(t).Eventually(func() (int, error) {
		if s.client == nil {
			if s.client = trustingClient(filepath.Join(data, "tls", "ca.crt")); s.client == nil {
				return 0, errors.New("no CA certificate yet")
			}
		}
		return readyz(s.client, s.url)
	}).WithTimeout(startTimeout).WithPolling(startPolling).Should(Equal(http.StatusOK), func() string {
		return "server did not become ready; stdout: " + stdout.String()
	})
	return s
}

// Bounds of the wait for a started server to answer.
const (
	startTimeout = 30 * time.Second
	startPolling = 20 * time.Millisecond
)

// readyz returns the status of GET base/readyz.
func readyz(client *http.Client, base string) (int, error) {
	resp, err := client.Get(base + "/readyz")
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// trustingClient trusts the CA the server generated, once it exists.
func trustingClient(caFile string) *http.Client {
	pemBytes, err := os.ReadFile(caFile)
	if err != nil {
		return nil
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		return nil
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
}

func (s *process) post(t testing.TB, path, token string, body any) (int, map[string]any) {
	t.Helper()
	return s.do(t, http.MethodPost, path, token, body)
}

// do sends a request with a JSON body; status 0 when the server is gone.
func (s *process) do(t testing.TB, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, s.url+path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func (s *process) login(t testing.TB, password string) string {
	t.Helper()
	code, body := s.post(t, "/api/v1/login", "", map[string]string{"username": "admin", "password": password})
	if code != 200 {
		t.Fatalf("login: %d %v", code, body)
	}
	return body["token"].(string)
}

func TestFirstStartPrintsCredentialsAndRestartReusesData(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data)
	saved, err := os.ReadFile(filepath.Join(data, "admin-password"))
	if err != nil {
		t.Fatal(err)
	}
	password := strings.TrimSpace(string(saved))
	if !strings.Contains(s.stdout.String(), "admin / "+password) || !strings.Contains(s.stdout.String(), s.url) {
		t.Errorf("banner lacks URL or credentials: %s", s.stdout.String())
	}
	for _, f := range []string{"admin-password", "secret.key"} {
		if fi, err := os.Stat(filepath.Join(data, f)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v mode %v, want 0600", f, err, fi.Mode().Perm())
		}
	}
	token := s.login(t, password)
	if code, _ := s.post(t, "/api/v1/users", token, map[string]string{"username": "kept", "password": "kept-password", "role": "user"}); code != 201 {
		t.Fatalf("create user: %d", code)
	}

	// SIGTERM stops the server cleanly.
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Wait(); err != nil {
		t.Errorf("server did not exit cleanly on SIGTERM: %v", err)
	}

	s = startServer(t, data)
	if strings.Contains(s.stdout.String(), password) {
		t.Error("the password was printed again on restart")
	}
	s.login(t, password)
	code, _ := s.post(t, "/api/v1/login", "", map[string]string{"username": "kept", "password": "kept-password"})
	if code != 200 {
		t.Errorf("user made before the restart cannot log in: %d", code)
	}
}

func TestAdminPasswordFromEnvironment(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data, "WHEELHOUSE_ADMIN_PASSWORD=from-the-env-1")
	s.login(t, "from-the-env-1")
	if _, err := os.Stat(filepath.Join(data, "admin-password")); !os.IsNotExist(err) {
		t.Error("a given password was written to a file")
	}
	if strings.Contains(s.stdout.String(), "from-the-env-1") {
		t.Error("a given password was printed")
	}
}

// TestSIGKILLLosesNoCommittedWrite kills the server while a client creates
// users as fast as it can, then checks that every user the server answered
// 201 for exists after a restart.
func TestSIGKILLLosesNoCommittedWrite(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data, "WHEELHOUSE_ADMIN_PASSWORD=kill-test-pass")
	token := s.login(t, "kill-test-pass")

	created := make(chan string, 10000)
	go func() {
		defer close(created)
		for i := 0; ; i++ {
			name := fmt.Sprintf("user%05d", i)
			code, _ := s.post(t, "/api/v1/users", token, map[string]string{"username": name, "password": "password-1", "role": "user"})
			if code == 0 {
				return // the server is gone
			}
			if code == 201 {
				created <- name
			}
		}
	}()
	var confirmed []string
	for len(confirmed) < 30 {
		confirmed = append(confirmed, <-created)
	}
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for name := range created {
		confirmed = append(confirmed, name)
	}
	_ = s.cmd.Wait()

	s = startServer(t, data, "WHEELHOUSE_ADMIN_PASSWORD=kill-test-pass")
	token = s.login(t, "kill-test-pass")
	for _, name := range confirmed {
		req, _ := http.NewRequest(http.MethodGet, s.url+"/api/v1/users/"+name, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := s.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("user %s was confirmed with 201 before SIGKILL but is gone: %d", name, resp.StatusCode)
		}
	}
	t.Logf("%d confirmed writes survived SIGKILL", len(confirmed))
}

func TestMigrateCommand(t *testing.T) {
	data := t.TempDir()
	code, stdout, stderr := run(t, nil, "migrate", "--data-dir", data)
	if code != 0 || !strings.Contains(stdout, fmt.Sprintf("Applied %d migration(s)", len(store.Migrations))) {
		t.Fatalf("migrate: %d %s %s", code, stdout, stderr)
	}
	code, stdout, _ = run(t, nil, "migrate", "--data-dir", data, "--status")
	sc := bufio.NewScanner(strings.NewReader(stdout))
	applied := 0
	for sc.Scan() {
		if strings.Contains(sc.Text(), "applied") {
			applied++
		}
	}
	if code != 0 || applied != len(store.Migrations) || strings.Contains(stdout, "pending") {
		t.Errorf("migrate --status: %d %s", code, stdout)
	}
	code, stdout, _ = run(t, nil, "migrate", "--data-dir", data)
	if code != 0 || !strings.Contains(stdout, "Applied 0 migration(s)") {
		t.Errorf("second migrate: %d %s", code, stdout)
	}
}

func TestVersion(t *testing.T) {
	code, stdout, _ := run(t, nil, "version", "--json")
	var v map[string]string
	if code != 0 || json.Unmarshal([]byte(stdout), &v) != nil || v["goVersion"] == "" {
		t.Errorf("version: %d %q", code, stdout)
	}
}

func TestInsecureHTTPAndOwnCertificate(t *testing.T) {
	addr := freePort(t)
	cmd := exec.CommandContext(t.Context(), binary, "serve", "--data-dir", t.TempDir(), "--listen", addr, "--insecure-http")
	cmd.Env = cleanEnv()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	NewWithT(t).Eventually(func() (int, error) { return readyz(http.DefaultClient, "http://"+addr) }).
		WithTimeout(startTimeout).WithPolling(startPolling).Should(Equal(http.StatusOK), "--insecure-http server did not answer plain HTTP")

	code, _, stderr := run(t, nil, "serve", "--tls-cert-file", "/nope.crt")
	if code != 2 || !strings.Contains(stderr, "tls-cert-file and tls-key-file go together") {
		t.Errorf("cert without key: %d %q", code, stderr)
	}
	code, _, stderr = run(t, nil, "serve", "--data-dir", t.TempDir(), "--listen", freePort(t), "--tls-cert-file", "/nope.crt", "--tls-key-file", "/nope.key")
	if code != 2 || !strings.Contains(stderr, "invalid setting tls-cert-file") {
		t.Errorf("missing cert file: %d %q", code, stderr)
	}
}
