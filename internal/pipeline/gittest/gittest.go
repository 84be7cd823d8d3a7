// Package gittest serves git repositories over HTTP for tests, with Debian
// git's own http-backend behind net/http/cgi (as a forge would serve
// them), optionally behind basic authentication.
package gittest

import (
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// HTTPBackend is Debian git's CGI program that serves repositories.
const HTTPBackend = "/usr/lib/git-core/git-http-backend"

// Repo is a bare repository served over HTTP, with a work tree the test
// commits from.
type Repo struct {
	// URL is the repository's clone URL.
	URL string
	// Commit is the last commit pushed to main.
	Commit string

	t    testing.TB
	bare string
	work string
}

// Options configures New.
type Options struct {
	// Username and Password, when set, are required of every request.
	Username, Password string
}

// New serves a bare repository named name.git whose main branch holds
// files (one commit), until the test ends. A missing git fails the test.
func New(t testing.TB, name string, files map[string]string, opts Options) *Repo {
	t.Helper()
	root := t.TempDir()
	r := &Repo{t: t, bare: filepath.Join(root, name+".git"), work: t.TempDir()}
	r.git("", "init", "--quiet", "--bare", "-b", "main", r.bare)
	r.git(r.work, "init", "--quiet", "-b", "main")
	var h http.Handler = &cgi.Handler{Path: HTTPBackend, Env: []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1", "REMOTE_USER=test"}}
	if opts.Username != "" || opts.Password != "" {
		inner := h
		h = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if u, p, ok := req.BasicAuth(); !ok || u != opts.Username || p != opts.Password {
				w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
				http.Error(w, "unauthorized", http.StatusUnauthorized)
				return
			}
			inner.ServeHTTP(w, req)
		})
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	r.URL = srv.URL + "/" + name + ".git"
	r.Push("main", files)
	return r
}

// Push commits files (path → content) on branch and pushes it; it returns
// the commit.
func (r *Repo) Push(branch string, files map[string]string) string {
	r.t.Helper()
	if branch != "main" {
		r.git(r.work, "checkout", "--quiet", "-B", branch)
		defer r.git(r.work, "checkout", "--quiet", "main")
	}
	for name, content := range files {
		p := filepath.Join(r.work, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			r.t.Fatal(err)
		}
	}
	r.git(r.work, "add", "-A")
	r.git(r.work, "commit", "--quiet", "--allow-empty", "-m", "change "+branch)
	r.git(r.work, "push", "--quiet", "--force", "file://"+r.bare, "HEAD:refs/heads/"+branch)
	commit := strings.TrimSpace(r.git(r.work, "rev-parse", "HEAD"))
	if branch == "main" {
		r.Commit = commit
	}
	return commit
}

// git runs git in dir and returns its output.
func (r *Repo) git(dir string, args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}
