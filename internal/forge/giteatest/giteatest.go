//go:build !unit

// Package giteatest runs a real Gitea for tests: the forge the Gitea
// client of internal/forge is tested against, with its real API, access
// tokens, OAuth2 provider and webhook deliveries. It is the only place
// that ties Gitea to package testing.
//
// Gitea is the binary `make tools` builds (hack/tools/gitea) into the
// toolchain directory, $WHEELHOUSE_TOOLS_DIR/bin/gitea (or
// sandbox.DefaultToolsDir()'s), with its templates in share/gitea. A
// missing binary fails the test with the hint to run `make tools`; it
// never skips.
//
// Like sandboxtest it carries `//go:build !unit`: a server takes a few
// seconds to start and a test file that uses it must carry the same
// constraint, or it fails to build under `make test-unit`.
package giteatest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox"
)

// Timeouts of the server's life.
const (
	startTimeout = 2 * time.Minute
	stopTimeout  = 15 * time.Second
	pollInterval = 100 * time.Millisecond
	// requestTimeout bounds one call of a helper to Gitea's API.
	requestTimeout = 30 * time.Second
)

// Server is a running Gitea on 127.0.0.1, stopped when its test ends.
type Server struct {
	// URL is the server's address, http://127.0.0.1:PORT, with no slash
	// at the end: the host to give forge.New.
	URL string
	// Admin is the site administrator's user name, Password its password
	// and Token an access token of it with every scope.
	Admin    string
	Password string
	Token    string

	dir  string
	bin  string
	env  []string
	conf string
	cmd  *exec.Cmd
	done chan error
	log  string
}

// String names the server for logs.
func (s *Server) String() string { return "gitea at " + s.URL }

// Binary is where the tests look for Gitea, and the share directory its
// templates are in.
func Binary() (bin, share string) {
	dir := sandbox.DefaultToolsDir()
	return filepath.Join(dir, "bin", "gitea"), filepath.Join(dir, "share", "gitea")
}

// Start starts a Gitea for t in a temporary directory (SQLite, no mail,
// no SSH, webhooks allowed to loopback addresses, API lists of two items
// a page so that pagination shows with few items), creates its
// administrator and a token for it, and stops it when t ends. A missing
// binary fails t.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, share := Binary()
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("gitea not found at %s: run `make tools` (hack/tools/gitea/build.sh builds it): %v", bin, err)
	}
	if _, err := os.Stat(filepath.Join(share, "templates")); err != nil {
		t.Fatalf("gitea's templates not found in %s: run `make tools` again: %v", share, err)
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatalf("gitea needs the git binary: %v (hack/setup-test-deps.sh installs it)", err)
	}
	port, err := freePort()
	if err != nil {
		t.Fatalf("gitea: pick a port: %v", err)
	}
	s := &Server{
		URL:      "http://127.0.0.1:" + strconv.Itoa(port),
		Admin:    "wheelhouse",
		Password: "Wh-" + randomHex(12),
		dir:      t.TempDir(),
		bin:      bin,
	}
	s.conf = filepath.Join(s.dir, "custom", "conf", "app.ini")
	s.log = filepath.Join(s.dir, "gitea.log")
	if err := s.writeConfig(port, share); err != nil {
		t.Fatalf("gitea: write app.ini: %v", err)
	}
	home := filepath.Join(s.dir, "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	s.env = append(os.Environ(),
		"HOME="+home,
		"GITEA_WORK_DIR="+s.dir,
		"GITEA_CUSTOM="+filepath.Join(s.dir, "custom"),
		// Gitea refuses to run as root unless told it is a sandbox.
		"GITEA_I_AM_BEING_UNSAFE_RUNNING_AS_ROOT=true",
	)
	if err := s.start(); err != nil {
		t.Fatalf("gitea: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("stop gitea: %v", err)
		}
		if t.Failed() {
			t.Logf("gitea's log (%s):\n%s", s.log, tail(s.log, 60))
		}
	})
	ctx, cancel := context.WithTimeout(t.Context(), startTimeout)
	defer cancel()
	if err := s.waitReady(ctx); err != nil {
		t.Fatalf("gitea did not become ready at %s: %v\n%s", s.URL, err, tail(s.log, 40))
	}
	if out, err := s.run(ctx, "admin", "user", "create", "--username", s.Admin, "--password", s.Password,
		"--email", s.Admin+"@example.test", "--admin", "--must-change-password=false"); err != nil {
		t.Fatalf("gitea admin user create: %v: %s", err, out)
	}
	s.Token = s.CreateToken(t, s.Admin, s.Password, "wheelhouse-test")
	return s
}

// writeConfig writes app.ini: everything under the temporary directory,
// nothing that reaches out (mail, update checks, avatars).
func (s *Server) writeConfig(port int, share string) error {
	who, err := user.Current()
	if err != nil {
		return err
	}
	ini := fmt.Sprintf(`APP_NAME = wheelhouse-test
RUN_MODE = prod
RUN_USER = %[1]s
WORK_PATH = %[2]s

[server]
PROTOCOL = http
HTTP_ADDR = 127.0.0.1
HTTP_PORT = %[3]d
DOMAIN = 127.0.0.1
ROOT_URL = http://127.0.0.1:%[3]d/
DISABLE_SSH = true
START_SSH_SERVER = false
OFFLINE_MODE = true
LFS_START_SERVER = false
STATIC_ROOT_PATH = %[4]s
APP_DATA_PATH = %[2]s/data

[database]
DB_TYPE = sqlite3
PATH = %[2]s/data/gitea.db
SQLITE_JOURNAL_MODE = WAL

[repository]
ROOT = %[2]s/repositories
DEFAULT_BRANCH = main

[security]
INSTALL_LOCK = true
SECRET_KEY = %[5]s
INTERNAL_TOKEN = %[6]s
PASSWORD_HASH_ALGO = pbkdf2_hi
PASSWORD_COMPLEXITY = off
MIN_PASSWORD_LENGTH = 8

[oauth2]
ENABLED = true
JWT_SECRET = %[7]s

[service]
DISABLE_REGISTRATION = true
ENABLE_NOTIFY_MAIL = false
DEFAULT_KEEP_EMAIL_PRIVATE = false

[mailer]
ENABLED = false

[webhook]
ALLOWED_HOST_LIST = loopback
; Test servers (servertest's) sign with certificates of their own.
SKIP_TLS_VERIFY = true
DELIVER_TIMEOUT = 10

[api]
; Lists answer two items a page, so that a listing's pagination is
; exercised by a test with three repositories.
MAX_RESPONSE_ITEMS = 2
DEFAULT_PAGING_NUM = 2

[session]
PROVIDER = memory

[cache]
ADAPTER = memory

[indexer]
ISSUE_INDEXER_TYPE = db
REPO_INDEXER_ENABLED = false

[picture]
DISABLE_GRAVATAR = true
ENABLE_FEDERATED_AVATAR = false

[cron.update_checker]
ENABLED = false

[actions]
ENABLED = false

[packages]
ENABLED = false

[log]
MODE = file
LEVEL = Info
ROOT_PATH = %[2]s/log

[log.file]
FILE_NAME = %[8]s
`, who.Username, s.dir, port, share, randomHex(32), randomHex(48), randomBase64URL(), s.log)
	if err := os.MkdirAll(filepath.Dir(s.conf), 0o700); err != nil {
		return err
	}
	return os.WriteFile(s.conf, []byte(ini), 0o600)
}

func (s *Server) start() error {
	out, err := os.OpenFile(filepath.Join(s.dir, "gitea.out"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	cmd := exec.Command(s.bin, "web", "--config", s.conf, "--work-path", s.dir)
	cmd.Dir = s.dir
	cmd.Env = s.env
	cmd.Stdout, cmd.Stderr = out, out
	// Its own process group, so that a stop reaches the git processes it
	// runs; and killed with the test binary (a test timeout), so that no
	// Gitea outlives its test.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		out.Close()
		return fmt.Errorf("start %s: %w", s.bin, err)
	}
	s.cmd = cmd
	s.done = make(chan error, 1)
	go func() {
		s.done <- cmd.Wait()
		out.Close()
	}()
	return nil
}

// waitReady polls /api/healthz until Gitea answers, or it exits.
func (s *Server) waitReady(ctx context.Context) error {
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	var last error
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/api/healthz", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("healthz answered %s", resp.Status)
		}
		last = err
		select {
		case err := <-s.done:
			s.done <- err
			return fmt.Errorf("gitea exited: %v; %s", err, tail(filepath.Join(s.dir, "gitea.out"), 20))
		case <-ctx.Done():
			return fmt.Errorf("%w (last: %v)", ctx.Err(), last)
		case <-tick.C:
		}
	}
}

// run runs a gitea command against this server's configuration.
func (s *Server) run(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, s.bin, append(args, "--config", s.conf, "--work-path", s.dir)...)
	cmd.Dir = s.dir
	cmd.Env = s.env
	return cmd.CombinedOutput()
}

// Stop stops Gitea (SIGTERM, then SIGKILL after a grace period) and
// waits for it. Start's cleanup calls it; calling it again does nothing.
func (s *Server) Stop() error {
	if s.cmd == nil {
		return nil
	}
	pgid := s.cmd.Process.Pid
	s.cmd = nil
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-s.done:
		return nil
	case <-time.After(stopTimeout):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-s.done
		return fmt.Errorf("gitea did not stop within %s of SIGTERM; killed", stopTimeout)
	}
}

// CreateToken creates an access token with every scope for user through
// the API (basic authentication with the user's password, as Gitea
// requires for tokens).
func (s *Server) CreateToken(t testing.TB, user, password, name string) string {
	t.Helper()
	var tok struct {
		SHA1 string `json:"sha1"`
	}
	body := map[string]any{"name": name, "scopes": []string{"all"}}
	if err := s.call(t, http.MethodPost, "/api/v1/users/"+user+"/tokens", basic(user, password), body, &tok); err != nil {
		t.Fatalf("gitea: create a token for %s: %v", user, err)
	}
	return tok.SHA1
}

// CreateUser creates an ordinary user with a password and returns a token
// of it with every scope.
func (s *Server) CreateUser(t testing.TB, name, password string) (token string) {
	t.Helper()
	body := map[string]any{"username": name, "password": password, "email": name + "@example.test", "must_change_password": false}
	if err := s.call(t, http.MethodPost, "/api/v1/admin/users", "token "+s.Token, body, nil); err != nil {
		t.Fatalf("gitea: create user %s: %v", name, err)
	}
	return s.CreateToken(t, name, password, "wheelhouse-test")
}

// API calls Gitea's API v1 at path as the administrator, sending in as
// JSON (when not nil) and decoding the answer into out (when not nil).
// Any answer but a success fails t.
func (s *Server) API(t testing.TB, method, path string, in, out any) {
	t.Helper()
	if err := s.call(t, method, "/api/v1"+path, "token "+s.Token, in, out); err != nil {
		t.Fatalf("gitea: %s %s: %v", method, path, err)
	}
}

func (s *Server) call(t testing.TB, method, path, auth string, in, out any) error {
	ctx, cancel := context.WithTimeout(t.Context(), requestTimeout)
	defer cancel()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.URL+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("%s: %s", resp.Status, strings.TrimSpace(string(data)))
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

func basic(user, password string) string {
	req := http.Request{Header: http.Header{}}
	req.SetBasicAuth(user, password)
	return req.Header.Get("Authorization")
}

// freePort is a TCP port on 127.0.0.1 nothing listens on now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// randomBase64URL is a 32-byte key as Gitea's JWT_SECRET wants it.
func randomBase64URL() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// tail is the last n lines of a file, for failure messages.
func tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "(no log)"
		}
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
