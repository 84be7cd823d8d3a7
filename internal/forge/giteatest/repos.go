//go:build !unit

package giteatest

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onsi/gomega"

	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

// gitTimeout bounds one git command of a helper.
const gitTimeout = time.Minute

// Repo is a repository of the test server.
type Repo struct {
	// FullName is "owner/name", the repo argument of forge.Client.
	FullName string
	// CloneURL is its HTTP clone URL.
	CloneURL string
}

// CreateRepo creates an empty public repository owned by the
// administrator, default branch main.
func (s *Server) CreateRepo(t testing.TB, name string) Repo {
	t.Helper()
	var r struct {
		FullName string `json:"full_name"`
		CloneURL string `json:"clone_url"`
	}
	s.API(t, http.MethodPost, "/user/repos", map[string]any{"name": name, "default_branch": "main", "auto_init": false}, &r)
	return Repo{FullName: r.FullName, CloneURL: r.CloneURL}
}

// Push commits files (path → content) on branch of repo with message, as
// a git client does (clone, commit, push over HTTP with the
// administrator's token), and returns the new commit. A branch that does
// not exist starts from the default branch, or as the first commit of an
// empty repository. An empty content deletes the file.
func (s *Server) Push(t testing.TB, repo Repo, branch string, files map[string]string, message string) (commit string) {
	t.Helper()
	dir := s.clone(t, repo)
	if s.git(t, dir, true, "rev-parse", "--verify", "--quiet", "refs/remotes/origin/"+branch) != "" {
		s.git(t, dir, false, "checkout", "--quiet", "-B", branch, "origin/"+branch)
	} else if s.git(t, dir, true, "rev-parse", "--verify", "--quiet", "HEAD") != "" {
		s.git(t, dir, false, "checkout", "--quiet", "-B", branch)
	} else {
		s.git(t, dir, false, "checkout", "--quiet", "--orphan", branch)
	}
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if content == "" {
			s.git(t, dir, false, "rm", "--quiet", "--", p)
			continue
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		s.git(t, dir, false, "add", "--", p)
	}
	s.git(t, dir, false, "commit", "--quiet", "-m", message)
	s.git(t, dir, false, "push", "--quiet", "origin", "HEAD:refs/heads/"+branch)
	commit = s.git(t, dir, false, "rev-parse", "HEAD")
	s.waitPushed(t, repo, branch, commit)
	return commit
}

// waitPushed waits until Gitea's API shows branch of repo at commit and
// the repository with a default branch. Gitea takes a push in through a
// queue: right after the first push to an empty repository its API still
// answers with no default branch, and reading the branch panicked in
// Gitea (a 500; CI saw both).
func (s *Server) waitPushed(t testing.TB, repo Repo, branch, commit string) {
	t.Helper()
	servertest.Eventually(t, func() error {
		var b struct {
			Commit struct {
				ID string `json:"id"`
			} `json:"commit"`
		}
		if err := s.call(t, http.MethodGet, "/api/v1/repos/"+repo.FullName+"/branches/"+branch, "token "+s.Token, nil, &b); err != nil {
			return err
		}
		if b.Commit.ID != commit {
			return fmt.Errorf("branch %s of %s at %q, pushed %s", branch, repo.FullName, b.Commit.ID, commit)
		}
		var r struct {
			DefaultBranch string `json:"default_branch"`
			Empty         bool   `json:"empty"`
		}
		if err := s.call(t, http.MethodGet, "/api/v1/repos/"+repo.FullName, "token "+s.Token, nil, &r); err != nil {
			return err
		}
		if r.Empty || r.DefaultBranch == "" {
			return fmt.Errorf("%s is not yet shown with its commits (empty %v, default branch %q)", repo.FullName, r.Empty, r.DefaultBranch)
		}
		return nil
	}).WithTimeout(requestTimeout).Should(gomega.Succeed())
}

// PushTag pushes an annotated tag of commit to repo.
func (s *Server) PushTag(t testing.TB, repo Repo, tag, commit, message string) {
	t.Helper()
	dir := s.clone(t, repo)
	s.git(t, dir, false, "tag", "-a", "-m", message, tag, commit)
	s.git(t, dir, false, "push", "--quiet", "origin", "refs/tags/"+tag)
}

// DeleteBranch deletes a branch of repo with a git push.
func (s *Server) DeleteBranch(t testing.TB, repo Repo, branch string) {
	t.Helper()
	dir := s.clone(t, repo)
	s.git(t, dir, false, "push", "--quiet", "origin", ":refs/heads/"+branch)
}

// clone clones repo into a fresh directory, with the administrator's
// token in the remote's URL.
func (s *Server) clone(t testing.TB, repo Repo) string {
	t.Helper()
	u, err := url.Parse(repo.CloneURL)
	if err != nil {
		t.Fatalf("clone URL %q: %v", repo.CloneURL, err)
	}
	u.User = url.UserPassword(s.Admin, s.Token)
	dir := filepath.Join(t.TempDir(), "clone")
	s.git(t, "", false, "clone", "--quiet", u.String(), dir)
	return dir
}

// git runs git in dir with an identity and no user or system
// configuration; mayFail returns "" on failure instead of failing t.
func (s *Server) git(t testing.TB, dir string, mayFail bool, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), gitTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_TERMINAL_PROMPT=0",
		"GIT_AUTHOR_NAME=Wheelhouse Test", "GIT_AUTHOR_EMAIL="+s.Admin+"@example.test",
		"GIT_COMMITTER_NAME=Wheelhouse Test", "GIT_COMMITTER_EMAIL="+s.Admin+"@example.test",
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		if mayFail {
			return ""
		}
		t.Fatalf("git %s: %v: %s", strings.Join(redactArgs(args, s.Token), " "), err, strings.ReplaceAll(string(out), s.Token, "[token]"))
	}
	return strings.TrimSpace(string(out))
}

func redactArgs(args []string, token string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = strings.ReplaceAll(a, token, "[token]")
	}
	return out
}
