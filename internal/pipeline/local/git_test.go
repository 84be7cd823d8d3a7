package local

import (
	"bytes"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline"
)

func TestPrepareChecksOutTheCommit(t *testing.T) {
	e := newEngine(t)
	r := newRepo(t, t.TempDir(), "app.git", map[string]string{"README": "one\n"})
	first := r.commit
	work := t.TempDir()
	gitT(t, "", "clone", "--quiet", r.url, work)
	gitT(t, work, "-c", "user.name=t", "-c", "user.email=t@example.com", "tag", "-a", "-m", "v1", "v1.0.0")
	gitT(t, work, "push", "--quiet", r.url, "v1.0.0")
	second := r.push(t, work, map[string]string{"README": "two\n"})

	for _, tc := range []struct {
		name, commit, ref, want, wantCommit string
	}{
		{name: "old commit by id", commit: first, want: "one\n", wantCommit: first},
		{name: "new commit by id", commit: second, want: "two\n", wantCommit: second},
		{name: "branch name", commit: "main", want: "two\n", wantCommit: second},
		{name: "ref only", ref: "refs/heads/main", want: "two\n", wantCommit: second},
		{name: "tag name", commit: "v1.0.0", want: "one\n", wantCommit: first},
	} {
		t.Run(tc.name, func(t *testing.T) {
			job := jobFor(r, "run-"+strings.ReplaceAll(tc.name, " ", "-"))
			job.Commit, job.Ref = tc.commit, tc.ref
			var log bytes.Buffer
			if err := e.Prepare(t.Context(), job, &log); err != nil {
				t.Fatalf("prepare: %v", err)
			}
			got, err := e.ReadFile(t.Context(), job, "README")
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("README = %q, want %q", got, tc.want)
			}
			ws, _ := e.workspace(job)
			origin := gitT(t, src(ws), "remote", "get-url", "origin")
			if strings.TrimSpace(origin) != r.url {
				t.Errorf("origin = %q, want the repository's URL %q", origin, r.url)
			}
			if got := strings.TrimSpace(gitT(t, src(ws), "rev-parse", "HEAD")); got != tc.wantCommit {
				t.Errorf("HEAD = %s, want %s", got, tc.wantCommit)
			}
			if d := gitT(t, src(ws), "describe", "--tags"); !strings.HasPrefix(d, "v1.0.0") {
				t.Errorf("git describe --tags = %q, want v1.0.0...", d)
			}
			if b := gitT(t, src(ws), "branch", "-r"); !strings.Contains(b, "origin/main") {
				t.Errorf("git branch -r = %q, want origin/main", b)
			}
			if st := gitT(t, src(ws), "status", "--porcelain"); st != "" {
				t.Errorf("the checkout is not clean: %q", st)
			}
		})
	}
}

func TestPrepareAgainStartsAfresh(t *testing.T) {
	e := newEngine(t)
	r := newRepo(t, t.TempDir(), "app.git", map[string]string{"README": "one\n"})
	job := prepared(t, e, r, "run-1")
	ws, _ := e.workspace(job)
	if err := os.WriteFile(filepath.Join(src(ws), "stale"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := e.Prepare(t.Context(), job, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(src(ws), "stale")); !os.IsNotExist(err) {
		t.Errorf("a file of the first Prepare survived the second: %v", err)
	}
}

func TestPrepareErrorsSayWhatFailed(t *testing.T) {
	e := newEngine(t)
	root := t.TempDir()
	r := newRepo(t, root, "app.git", map[string]string{"README": "one\n"})
	for _, tc := range []struct {
		name, url, commit, ref, want string
	}{
		{name: "no repository", url: "file://" + filepath.Join(root, "missing.git"), commit: r.commit, want: "repository not found"},
		{name: "no commit", url: r.url, commit: strings.Repeat("ab", 20), want: "commit " + strings.Repeat("ab", 20) + " not found"},
		{name: "no branch", url: r.url, commit: "nosuchbranch", want: `"nosuchbranch" not found`},
		{name: "no pull request ref", url: r.url, ref: "refs/pull/9/head", want: "ref not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			job := jobFor(r, "run-1")
			job.RepositoryURL, job.Commit = tc.url, tc.commit
			if tc.ref != "" {
				job.Ref = tc.ref
			}
			err := e.Prepare(t.Context(), job, &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one saying %q", err, tc.want)
			}
		})
	}
}

// The token reaches the server as a basic authorization header, and
// nowhere else: not in a command line (checked in /proc while git is
// fetching), the log, an error or the workspace's configuration.
func TestPrepareOverHTTPSendsTheTokenAsAHeaderOnly(t *testing.T) {
	const token = "s3cr3t-t0ken-5a1t"
	root := t.TempDir()
	r := newRepo(t, root, "app.git", map[string]string{"README": "over http\n"})
	var mu sync.Mutex
	var leaks []string
	scan := func() {
		mu.Lock()
		defer mu.Unlock()
		procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
		for _, p := range procs {
			b, _ := os.ReadFile(p)
			if bytes.Contains(b, []byte(token)) {
				leaks = append(leaks, p+": "+string(bytes.ReplaceAll(b, []byte{0}, []byte{' '})))
			}
		}
	}
	base := gitServer(t, root, "ci", token, scan)
	e := newEngine(t)

	job := jobFor(r, "run-1")
	job.RepositoryURL = base + "/app.git"
	job.Git.Username, job.Git.Token = "ci", token
	var log bytes.Buffer
	if err := e.Prepare(t.Context(), job, &log); err != nil {
		t.Fatalf("prepare: %v", err)
	}
	got, err := e.ReadFile(t.Context(), job, "README")
	if err != nil || string(got) != "over http\n" {
		t.Fatalf("README = %q, %v", got, err)
	}
	if len(leaks) > 0 {
		t.Errorf("the token is on a command line: %v", leaks)
	}
	if strings.Contains(log.String(), token) {
		t.Errorf("the token is in the log: %s", log.String())
	}
	ws, _ := e.workspace(job)
	for _, f := range []string{filepath.Join(src(ws), ".git", "config")} {
		if b, _ := os.ReadFile(f); bytes.Contains(b, []byte(token)) {
			t.Errorf("the token is in %s", f)
		}
	}
	// A warm mirror fetches again, with the header again; a token that no
	// longer reads the repository fails though the mirror has the commit.
	if err := e.Prepare(t.Context(), job, &log); err != nil {
		t.Fatalf("prepare on a warm mirror: %v", err)
	}
	revoked := *job
	revoked.Git.Token = "revoked-" + token
	if err := e.Prepare(t.Context(), &revoked, &log); err == nil || !strings.Contains(err.Error(), "unauthorized") {
		t.Errorf("prepare with a revoked token on a warm mirror: %v, want unauthorized", err)
	}

	for _, tc := range []struct{ name, user, token string }{
		{name: "wrong token", user: "ci", token: "wrong-" + token},
		{name: "no token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			job := jobFor(r, "run-2")
			job.RepositoryURL = base + "/app.git"
			job.Git.Username, job.Git.Token = tc.user, tc.token
			err := newEngine(t).Prepare(t.Context(), job, &log)
			if err == nil || !strings.Contains(err.Error(), "unauthorized") {
				t.Fatalf("error = %v, want unauthorized", err)
			}
			if strings.Contains(err.Error(), token) {
				t.Errorf("the error names the token: %v", err)
			}
		})
	}
	if strings.Contains(log.String(), token) {
		t.Errorf("the token is in the log: %s", log.String())
	}
}

// Over HTTPS, the repository's certificate is checked against the
// system's CAs and the job's own; InsecureSkipVerify turns the check off.
func TestPrepareOverHTTPSTrustsTheJobsCAs(t *testing.T) {
	root := t.TempDir()
	r := newRepo(t, root, "app.git", map[string]string{"README": "over https\n"})
	srv := startGitServer(t, root, "ci", "t0ken", nil, true)
	caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
	for _, tc := range []struct {
		name   string
		access pipeline.GitAccess
		want   string
	}{
		{name: "untrusted", access: pipeline.GitAccess{Username: "ci", Token: "t0ken"}, want: "not trusted"},
		{name: "the job's CA", access: pipeline.GitAccess{Username: "ci", Token: "t0ken", CACertificates: caPEM}},
		{name: "no verification", access: pipeline.GitAccess{Username: "ci", Token: "t0ken", InsecureSkipVerify: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEngine(t)
			job := jobFor(r, "run-1")
			job.RepositoryURL, job.Git = srv.URL+"/app.git", tc.access
			err := e.Prepare(t.Context(), job, &bytes.Buffer{})
			if tc.want == "" && err != nil {
				t.Fatalf("prepare: %v", err)
			}
			if tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("error = %v, want one saying %q", err, tc.want)
			}
			if left, _ := filepath.Glob(filepath.Join(e.opts.Root, "tmp", "git-ca-*")); len(left) > 0 {
				t.Errorf("CA files left: %v", left)
			}
		})
	}
}

// Executions of one repository prepare side by side: the first makes the
// mirror, the others fetch into it in turn.
func TestPrepareConcurrently(t *testing.T) {
	e := newEngine(t)
	r := newRepo(t, t.TempDir(), "app.git", map[string]string{"README": "x\n"})
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			job := jobFor(r, fmt.Sprintf("run-%d", i))
			if err := e.Prepare(t.Context(), job, &bytes.Buffer{}); err != nil {
				t.Errorf("prepare %s: %v", job.Name, err)
				return
			}
			if b, err := e.ReadFile(t.Context(), job, "README"); err != nil || string(b) != "x\n" {
				t.Errorf("%s: README = %q, %v", job.Name, b, err)
			}
		})
	}
	wg.Wait()
	if mirrors, _ := filepath.Glob(filepath.Join(e.opts.Root, "mirrors", "*", "HEAD")); len(mirrors) != 1 {
		t.Errorf("%d mirrors, want 1", len(mirrors))
	}
}
