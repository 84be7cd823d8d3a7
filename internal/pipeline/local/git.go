package local

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline"
)

// systemCAs is Debian's bundle of the system's certificates, which a
// GIT_SSL_CAINFO file must repeat (git then trusts that file alone).
const systemCAs = "/etc/ssl/certs/ca-certificates.crt"

// Prepare implements pipeline.Engine: it fetches the repository into its
// mirror and checks job.Commit out into a fresh workspace.
//
// The checkout borrows the mirror's objects (objects/info/alternates, as
// git clone --shared does) and its .git is written by the engine itself,
// origin's branches and the tags included, so it costs one git process
// and the files of one tree, whatever the repository's history. That path
// is what a trigger waits for before its first step, so when the mirror
// already has job.Commit (a full id) the checkout runs while the mirror
// fetches, and Prepare waits for both.
//
// The mirror is fetched before every execution, so that a token that no
// longer reads the repository fails the execution rather than running a
// commit the mirror kept. The mirror's objects are pruned only by git's
// own gc (unreachable objects older than two weeks), longer than any
// execution keeps a workspace that borrows them.
func (e *Engine) Prepare(ctx context.Context, job *pipeline.Job, log io.Writer) error {
	if job.RepositoryURL == "" {
		return errors.New("prepare: the execution has no repository URL")
	}
	if job.Commit == "" && job.Ref == "" {
		return errors.New("prepare: the execution names neither a commit nor a ref")
	}
	ws, err := e.workspace(job)
	if err != nil {
		return err
	}
	// A second Prepare (after a restart) starts afresh: whatever a step
	// of the first left running goes first.
	e.killRecorded(ctx, filepath.Join(ws, "run"))
	if err := os.RemoveAll(ws); err != nil {
		return fmt.Errorf("prepare: remove the old workspace: %w", err)
	}
	for _, d := range []string{"home", "tmp", "run"} {
		if err := os.MkdirAll(filepath.Join(ws, d), 0o700); err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
	}
	g, err := e.gitEnv(job)
	if err != nil {
		return err
	}
	defer g.close()
	mirror := e.mirrorDir(job.RepositoryURL)
	dir := src(ws)
	commit := ""
	if _, err := os.Stat(filepath.Join(mirror, "HEAD")); err == nil && isCommitID(job.Commit) {
		fetched := make(chan error, 1)
		go func() { fetched <- e.fetch(ctx, job, g, mirror) }()
		if g.checkout(ctx, mirror, dir, job.Commit, job.RepositoryURL) == nil {
			commit = job.Commit
		}
		if err := <-fetched; err != nil {
			return err
		}
	} else if err := e.fetch(ctx, job, g, mirror); err != nil {
		return err
	}
	if commit == "" {
		// Not there before the fetch (or not a commit id): resolve it in
		// the fetched mirror.
		if commit, err = resolve(ctx, g, mirror, job); err != nil {
			return err
		}
		if err := g.checkout(ctx, mirror, dir, commit, job.RepositoryURL); err != nil {
			return fmt.Errorf("prepare: check out %s: %w", commit, err)
		}
	}
	fmt.Fprintf(log, "Checked out %s at %s\n", job.RepositoryURL, commit)
	return nil
}

// mirrorDir is the mirror of the repository at url.
func (e *Engine) mirrorDir(url string) string {
	sum := sha256.Sum256([]byte(url))
	return filepath.Join(e.opts.Root, "mirrors", hex.EncodeToString(sum[:12]))
}

// checkout makes dir a repository at commit (detached) whose objects are
// mirror's and whose origin is url, with mirror's branches as origin's and
// its tags (for git describe), and checks the tree out.
func (g *gitEnv) checkout(ctx context.Context, mirror, dir, commit, url string) error {
	_ = os.RemoveAll(dir)
	gitDir := filepath.Join(dir, ".git")
	for _, d := range []string{"objects/info", "refs/heads", "refs/tags", "info"} {
		if err := os.MkdirAll(filepath.Join(gitDir, d), 0o755); err != nil {
			return err
		}
	}
	refs, err := mirrorRefs(mirror)
	if err != nil {
		return err
	}
	config := fmt.Sprintf("[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n\tlogallrefupdates = true\n"+
		"[remote \"origin\"]\n\turl = %s\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n", gitQuote(url))
	for name, content := range map[string]string{
		"HEAD":                    commit + "\n",
		"config":                  config,
		"objects/info/alternates": filepath.Join(mirror, "objects") + "\n",
		"packed-refs":             refs,
	} {
		if err := os.WriteFile(filepath.Join(gitDir, name), []byte(content), 0o644); err != nil {
			return err
		}
	}
	_, err = g.run(ctx, dir, "reset", "--hard", "--quiet")
	return err
}

// mirrorRefs are mirror's branches (as origin's) and tags, in
// packed-refs' format: its packed-refs file, then its loose refs, which
// are newer.
func mirrorRefs(mirror string) (string, error) {
	refs := map[string]string{}
	if b, err := os.ReadFile(filepath.Join(mirror, "packed-refs")); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			id, name, ok := strings.Cut(line, " ")
			if ok && isCommitID(id) {
				refs[name] = id
			}
		}
	}
	for _, kind := range []string{"heads", "tags"} {
		base := filepath.Join(mirror, "refs", kind)
		_ = filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			b, err := os.ReadFile(p)
			if id := strings.TrimSpace(string(b)); err == nil && isCommitID(id) {
				rel, _ := filepath.Rel(base, p)
				refs["refs/"+kind+"/"+filepath.ToSlash(rel)] = id
			}
			return nil
		})
	}
	var out strings.Builder
	for _, name := range slices.Sorted(maps.Keys(refs)) {
		local := name
		if rest, ok := strings.CutPrefix(name, "refs/heads/"); ok {
			local = "refs/remotes/origin/" + rest
		} else if !strings.HasPrefix(name, "refs/tags/") {
			continue
		}
		fmt.Fprintf(&out, "%s %s\n", refs[name], local)
	}
	return out.String(), nil
}

// gitQuote quotes a value of git's configuration.
func gitQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// fetch brings mirror, the mirror of job's repository, up to date
// (making it on first use). Fetches into one mirror take turns; different
// repositories fetch side by side.
func (e *Engine) fetch(ctx context.Context, job *pipeline.Job, g *gitEnv, mirror string) error {
	mu, _ := e.mirrors.LoadOrStore(mirror, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()

	if _, err := os.Stat(filepath.Join(mirror, "HEAD")); err == nil {
		return g.fetchRefs(ctx, mirror, job)
	}
	// A new mirror is made aside and renamed into place once it is whole,
	// so a failed first fetch leaves nothing half made.
	tmp, err := os.MkdirTemp(filepath.Join(e.opts.Root, "tmp"), "mirror-")
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer os.RemoveAll(tmp)
	if _, err := g.run(ctx, "", "init", "--quiet", "--bare", tmp); err != nil {
		return fmt.Errorf("prepare: make the mirror: %w", err)
	}
	if err := g.fetchRefs(ctx, tmp, job); err != nil {
		return err
	}
	if err := os.Rename(tmp, mirror); err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	return nil
}

// fetchRefs fetches the branches and tags of job's repository, and
// job.Ref when it is elsewhere (a pull request's refs/pull/N/head).
func (g *gitEnv) fetchRefs(ctx context.Context, mirror string, job *pipeline.Job) error {
	specs := []string{"+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"}
	if r := job.Ref; strings.HasPrefix(r, "refs/") && !strings.HasPrefix(r, "refs/heads/") && !strings.HasPrefix(r, "refs/tags/") {
		specs = append(specs, "+"+r+":"+r)
	}
	args := append([]string{"fetch", "--quiet", "--prune", "--no-write-fetch-head", job.RepositoryURL}, specs...)
	if _, err := g.run(ctx, mirror, args...); err != nil {
		return fmt.Errorf("prepare: fetch %s: %w", job.RepositoryURL, err)
	}
	return nil
}

// resolve is the full id of the commit job names in mirror: job.Commit (a
// full id, or a ref) else job.Ref. A full id the fetched refs do not
// reach is fetched by itself, which servers allow for reachable commits.
func resolve(ctx context.Context, g *gitEnv, mirror string, job *pipeline.Job) (string, error) {
	want := job.Commit
	if want == "" {
		want = job.Ref
	}
	var candidates []string
	if isCommitID(want) {
		candidates = []string{want}
	} else {
		candidates = []string{want, "refs/heads/" + want, "refs/tags/" + want}
	}
	for _, c := range candidates {
		if out, err := g.run(ctx, mirror, "rev-parse", "--verify", "--quiet", c+"^{commit}"); err == nil {
			return strings.TrimSpace(out), nil
		}
	}
	if isCommitID(want) {
		if _, err := g.run(ctx, mirror, "fetch", "--quiet", "--no-write-fetch-head", job.RepositoryURL, want); err == nil {
			if out, err := g.run(ctx, mirror, "rev-parse", "--verify", "--quiet", want+"^{commit}"); err == nil {
				return strings.TrimSpace(out), nil
			}
		}
		return "", fmt.Errorf("prepare: commit %s not found in %s", want, job.RepositoryURL)
	}
	return "", fmt.Errorf("prepare: branch, tag or ref %q not found in %s", want, job.RepositoryURL)
}

// isCommitID is a full SHA-1 or SHA-256 object id.
func isCommitID(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// gitEnv runs git for one job: its own environment (nothing of the
// server's), the credentials as configuration in that environment, and
// the job's certificates in a temporary file.
type gitEnv struct {
	env    []string
	caFile string
}

// gitEnv builds the environment git runs with for job. The token goes in
// an http.<url>.extraHeader given through GIT_CONFIG_COUNT/KEY/VALUE:
// never in the URL (which git prints and stores), argv (which every user
// of the host can read in /proc) or a file; and scoped to the
// repository's URL (curl drops it on a redirect to another host).
func (e *Engine) gitEnv(job *pipeline.Job) (*gitEnv, error) {
	home := filepath.Join(e.opts.Root, "tmp", "git-home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	g := &gitEnv{env: []string{
		"PATH=" + e.opts.Path,
		"HOME=" + home,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_TERMINAL_PROMPT=0",
		"GIT_ASKPASS=",
		"SSH_ASKPASS=",
		"GIT_SSH_COMMAND=ssh -o BatchMode=yes",
		"LC_ALL=C",
	}}
	var config [][2]string
	a := job.Git
	if a.Token != "" {
		user := a.Username
		if user == "" {
			user = "x-access-token"
		}
		auth := base64.StdEncoding.EncodeToString([]byte(user + ":" + a.Token))
		config = append(config, [2]string{"http." + job.RepositoryURL + ".extraHeader", "Authorization: Basic " + auth})
	}
	if a.InsecureSkipVerify {
		config = append(config, [2]string{"http.sslVerify", "false"})
	} else if a.CACertificates != "" {
		f, err := os.CreateTemp(filepath.Join(e.opts.Root, "tmp"), "git-ca-")
		if err != nil {
			return nil, fmt.Errorf("prepare: %w", err)
		}
		g.caFile = f.Name()
		system, _ := os.ReadFile(systemCAs) // none: the job's alone
		_, werr := f.Write(append(append(system, '\n'), a.CACertificates...))
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			g.close()
			return nil, fmt.Errorf("prepare: write the CA certificates: %w", werr)
		}
		g.env = append(g.env, "GIT_SSL_CAINFO="+g.caFile)
	}
	g.env = append(g.env, "GIT_CONFIG_COUNT="+strconv.Itoa(len(config)))
	for i, kv := range config {
		g.env = append(g.env, fmt.Sprintf("GIT_CONFIG_KEY_%d=%s", i, kv[0]), fmt.Sprintf("GIT_CONFIG_VALUE_%d=%s", i, kv[1]))
	}
	return g, nil
}

func (g *gitEnv) close() {
	if g.caFile != "" {
		os.Remove(g.caFile)
	}
}

// run runs git in dir (none: the current directory) and returns its
// standard output; its error says what git said went wrong, in words a
// user acts on.
func (g *gitEnv) run(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	cmd.Env = g.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", gitError(args[0], stderr.String(), err)
	}
	return stdout.String(), nil
}

// gitError classifies what git printed on failure: the repository not
// found, unauthorized, unreachable, or git's own last line.
func gitError(op, stderr string, err error) error {
	s := strings.ToLower(stderr)
	switch {
	case strings.Contains(s, "authentication failed"), strings.Contains(s, "could not read username"),
		strings.Contains(s, "could not read password"), strings.Contains(s, "the requested url returned error: 401"),
		strings.Contains(s, "the requested url returned error: 403"):
		return errors.New("unauthorized: the repository refused the credentials (or needs some)")
	case strings.Contains(s, "couldn't find remote ref"):
		return fmt.Errorf("ref not found: %s", lastLine(stderr))
	case strings.Contains(s, "repository not found"), strings.Contains(s, "does not appear to be a git repository"),
		strings.Contains(s, "the requested url returned error: 404"), strings.Contains(s, "not found"):
		return errors.New("repository not found")
	case strings.Contains(s, "ssl certificate problem"), strings.Contains(s, "server certificate verification failed"):
		return fmt.Errorf("the repository's certificate is not trusted (add its CA, or skip verification): %s", lastLine(stderr))
	case strings.Contains(s, "could not resolve host"), strings.Contains(s, "failed to connect"), strings.Contains(s, "connection refused"):
		return fmt.Errorf("repository unreachable: %s", lastLine(stderr))
	}
	if l := lastLine(stderr); l != "" {
		return fmt.Errorf("git %s: %s", op, l)
	}
	return fmt.Errorf("git %s: %w", op, err)
}

// lastLine is the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
