package local

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline"
)

// httpBackend is Debian git's CGI program that serves repositories over
// HTTP.
const httpBackend = "/usr/lib/git-core/git-http-backend"

// repo is a bare repository the tests push to.
type repo struct {
	dir, url, commit string
}

// newRepo makes a bare repository named name under root (git init --bare
// -b main) and pushes one commit of files to main.
func newRepo(t *testing.T, root, name string, files map[string]string) *repo {
	t.Helper()
	bare := filepath.Join(root, name)
	gitT(t, "", "init", "--quiet", "--bare", "-b", "main", bare)
	work := t.TempDir()
	gitT(t, "", "init", "--quiet", "-b", "main", work)
	r := &repo{dir: bare, url: "file://" + bare}
	r.commit = r.push(t, work, files)
	return r
}

// push commits files in work and pushes them to main; it returns the
// commit's id.
func (r *repo) push(t *testing.T, work string, files map[string]string) string {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(work, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(content, "symlink:") {
			if err := os.Symlink(strings.TrimPrefix(content, "symlink:"), p); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gitT(t, work, "add", "-A")
	gitT(t, work, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet", "-m", "files")
	gitT(t, work, "push", "--quiet", r.url, "HEAD:refs/heads/main")
	return strings.TrimSpace(gitT(t, work, "rev-parse", "HEAD"))
}

// gitT runs git (which the tests need: a missing git fails them).
func gitT(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// gitServer serves the bare repositories under root over HTTP with git's
// http-backend, asking for basic authentication as user/token when token
// is set. during, when set, runs while each request is being served.
func gitServer(t *testing.T, root, user, token string, during func()) string {
	t.Helper()
	return startGitServer(t, root, user, token, during, false).URL
}

// startGitServer is gitServer, over TLS (a certificate of httptest's
// own) when tls is set.
func startGitServer(t *testing.T, root, user, token string, during func(), tls bool) *httptest.Server {
	t.Helper()
	if _, err := os.Stat(httpBackend); err != nil {
		t.Fatalf("git's http-backend is needed (Debian's git package): %v", err)
	}
	backend := &cgi.Handler{
		Path: httpBackend,
		Env:  []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1", "REMOTE_USER=test"},
	}
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+token))
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if during != nil {
			during()
		}
		if token != "" && r.Header.Get("Authorization") != want {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		backend.ServeHTTP(w, r)
	}))
	if tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv
}

// newEngine makes an engine on a new root with a short kill grace.
func newEngine(t *testing.T) *Engine {
	t.Helper()
	e, err := New(Options{Root: t.TempDir(), Host: "node-1", KillGrace: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// jobFor is an execution of r's commit.
func jobFor(r *repo, name string) *pipeline.Job {
	return &pipeline.Job{
		Namespace: "team", Name: name, Pipeline: "app",
		RepositoryURL: r.url, Commit: r.commit, Ref: "refs/heads/main",
		Isolation: devopsv1alpha1.IsolationProcess,
	}
}

// prepared is jobFor(r, name) with its workspace prepared.
func prepared(t *testing.T, e *Engine, r *repo, name string) *pipeline.Job {
	t.Helper()
	job := jobFor(r, name)
	if err := e.Prepare(t.Context(), job, &bytes.Buffer{}); err != nil {
		t.Fatalf("prepare: %v", err)
	}
	t.Cleanup(func() { _ = e.Cleanup(context.Background(), job) })
	return job
}

// scriptStep is a runScript step.
func scriptStep(script string, env map[string]string) *pipeline.StepJob {
	return &pipeline.StepJob{
		Step: devopsv1alpha1.Step{Name: "s", RunScript: &devopsv1alpha1.RunScriptStep{Image: "busybox:1", ShellScript: script}},
		Env:  env,
	}
}

// syncBuffer is a log written by one goroutine and read by another.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
