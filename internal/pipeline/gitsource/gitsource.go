// Package gitsource reads the repositories pipelines build, with the git
// binary, through a bare mirror per repository kept between uses: a
// trigger resolves a branch to its commit and reads the pipeline file at
// that commit, and the local engine checks the commit out from the same
// mirror, so one execution fetches its repository once and a warm mirror
// fetches only what is new.
//
// git runs with an environment of its own (nothing of the server's): the
// credentials as configuration given through GIT_CONFIG_COUNT (never in a
// URL, an argument or a log), scoped to the repository's URL, and never a
// prompt.
package gitsource

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline"
)

// Errors the Source's errors wrap.
var (
	// ErrNotFound: the repository, the reference, the commit or the file
	// does not exist (or the credentials may not see it).
	ErrNotFound = errors.New("not found")
	// ErrUnauthorized: the repository refused the credentials.
	ErrUnauthorized = errors.New("unauthorized")
)

// systemCAs is Debian's bundle of the system's certificates, which a
// GIT_SSL_CAINFO file must repeat (git then trusts that file alone).
const systemCAs = "/etc/ssl/certs/ca-certificates.crt"

// DefaultPath is the PATH git runs with.
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// Source keeps one bare mirror per repository URL under its root.
type Source struct {
	root string
	// mirrors serializes the fetches into each mirror (by directory).
	mirrors sync.Map // string -> *sync.Mutex
	// fetched is when each mirror was last fetched with each credential
	// (by a digest of it), for Fresh.
	fetched sync.Map // string -> time.Time
}

// Fresh reports whether the mirror of url was fetched with access's
// credentials within the last within. An execution that follows its
// trigger by a moment then need not fetch again: the trigger's fetch
// already proved the credentials read the repository.
func (s *Source) Fresh(url string, access pipeline.GitAccess, within time.Duration) bool {
	at, ok := s.fetched.Load(fetchKey(s.MirrorDir(url), access))
	return ok && time.Since(at.(time.Time)) < within
}

// fetchKey names a mirror fetched with a credential.
func fetchKey(mirror string, access pipeline.GitAccess) string {
	sum := sha256.Sum256([]byte(access.Username + "\x00" + access.Token))
	return mirror + "\x00" + hex.EncodeToString(sum[:])
}

// New returns a Source whose mirrors live under root.
func New(root string) (*Source, error) {
	for _, d := range []string{root, filepath.Join(root, "tmp")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("git mirrors: %w", err)
		}
	}
	return &Source{root: root}, nil
}

// MirrorDir is the mirror of the repository at url.
func (s *Source) MirrorDir(url string) string {
	sum := sha256.Sum256([]byte(url))
	return filepath.Join(s.root, hex.EncodeToString(sum[:12]))
}

// Resolve returns the commit ref names in url's repository (a branch, a
// tag, a full reference such as refs/pull/4/head, or a commit id or
// prefix), fetching the mirror first unless it already holds a full commit
// id.
func (s *Source) Resolve(ctx context.Context, url string, access pipeline.GitAccess, ref string) (string, error) {
	if ref == "" {
		return "", fmt.Errorf("resolve: no branch, tag or commit named: %w", ErrNotFound)
	}
	g, err := s.Env(url, access)
	if err != nil {
		return "", err
	}
	defer g.Close()
	mirror := s.MirrorDir(url)
	if IsCommitID(ref) {
		if _, err := g.Run(ctx, mirror, "cat-file", "-e", ref+"^{commit}"); err == nil {
			return ref, nil
		}
	}
	fetchRef := ""
	if strings.HasPrefix(ref, "refs/") {
		fetchRef = ref
	}
	if err := s.Fetch(ctx, g, url, fetchRef); err != nil {
		return "", err
	}
	return s.ResolveIn(ctx, g, url, ref)
}

// ReadFile returns the file at path in commit, which Resolve fetched.
func (s *Source) ReadFile(ctx context.Context, url string, access pipeline.GitAccess, commit, path string) ([]byte, error) {
	g, err := s.Env(url, access)
	if err != nil {
		return nil, err
	}
	defer g.Close()
	mirror := s.MirrorDir(url)
	out, err := g.Run(ctx, mirror, "cat-file", "blob", commit+":"+strings.TrimPrefix(path, "/"))
	if err != nil {
		if _, cerr := g.Run(ctx, mirror, "cat-file", "-e", commit+"^{commit}"); cerr != nil {
			return nil, fmt.Errorf("commit %s of %s: %w", commit, url, ErrNotFound)
		}
		return nil, fmt.Errorf("%s at %.7s: %w", path, commit, ErrNotFound)
	}
	return []byte(out), nil
}

// Fetch brings the mirror of url up to date (making it on first use):
// its branches and tags, and ref when it is elsewhere (a pull request's
// refs/pull/N/head). Fetches into one mirror take turns; different
// repositories fetch side by side.
func (s *Source) Fetch(ctx context.Context, g *Env, url, ref string) error {
	mirror := s.MirrorDir(url)
	mu, _ := s.mirrors.LoadOrStore(mirror, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()
	started := time.Now()
	if _, err := os.Stat(filepath.Join(mirror, "HEAD")); err == nil {
		if err := g.fetchRefs(ctx, mirror, url, ref); err != nil {
			return err
		}
		s.fetched.Store(fetchKey(mirror, g.access), started)
		return nil
	}
	// A new mirror is made aside and renamed into place once it is whole,
	// so a failed first fetch leaves nothing half made.
	tmp, err := os.MkdirTemp(filepath.Join(s.root, "tmp"), "mirror-")
	if err != nil {
		return fmt.Errorf("%w", err)
	}
	defer os.RemoveAll(tmp)
	if _, err := g.Run(ctx, "", "init", "--quiet", "--bare", tmp); err != nil {
		return fmt.Errorf("make the mirror: %w", err)
	}
	if err := g.fetchRefs(ctx, tmp, url, ref); err != nil {
		return err
	}
	if err := os.Rename(tmp, mirror); err != nil {
		return fmt.Errorf("%w", err)
	}
	s.fetched.Store(fetchKey(mirror, g.access), started)
	return nil
}

// fetchRefs fetches the branches and tags of url's repository, and ref
// when it is elsewhere (a pull request's refs/pull/N/head).
func (g *Env) fetchRefs(ctx context.Context, mirror, url, ref string) error {
	specs := []string{"+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"}
	if r := ref; strings.HasPrefix(r, "refs/") && !strings.HasPrefix(r, "refs/heads/") && !strings.HasPrefix(r, "refs/tags/") {
		specs = append(specs, "+"+r+":"+r)
	}
	args := append([]string{"fetch", "--quiet", "--prune", "--no-write-fetch-head", url}, specs...)
	if _, err := g.Run(ctx, mirror, args...); err != nil {
		return fmt.Errorf("fetch %s: %w", url, err)
	}
	return nil
}

// ResolveIn is the full id of the commit want names (a full id, a
// branch, a tag, a full reference, or a prefix git resolves) in the
// fetched mirror of url. A full id the fetched refs do not reach is
// fetched by itself, which servers allow for reachable commits.
func (s *Source) ResolveIn(ctx context.Context, g *Env, url, want string) (string, error) {
	mirror := s.MirrorDir(url)
	var candidates []string
	if IsCommitID(want) {
		candidates = []string{want}
	} else {
		candidates = []string{want, "refs/heads/" + want, "refs/tags/" + want}
	}
	for _, c := range candidates {
		if out, err := g.Run(ctx, mirror, "rev-parse", "--verify", "--quiet", c+"^{commit}"); err == nil {
			return strings.TrimSpace(out), nil
		}
	}
	if IsCommitID(want) {
		if _, err := g.Run(ctx, mirror, "fetch", "--quiet", "--no-write-fetch-head", url, want); err == nil {
			if out, err := g.Run(ctx, mirror, "rev-parse", "--verify", "--quiet", want+"^{commit}"); err == nil {
				return strings.TrimSpace(out), nil
			}
		}
		return "", fmt.Errorf("commit %s %w in %s", want, ErrNotFound, url)
	}
	return "", fmt.Errorf("branch, tag or ref %q %w in %s", want, ErrNotFound, url)
}

// IsCommitID is a full SHA-1 or SHA-256 object id.
func IsCommitID(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// Env runs git for one repository: its own environment (nothing of the
// server's), the credentials as configuration in that environment, and
// the repository's certificates in a temporary file. Close it.
type Env struct {
	env    []string
	caFile string
	access pipeline.GitAccess
}

// Env builds the environment git runs with for the repository at url
// with access. The token goes in
// an http.<url>.extraHeader given through GIT_CONFIG_COUNT/KEY/VALUE:
// never in the URL (which git prints and stores), argv (which every user
// of the host can read in /proc) or a file; and scoped to the
// repository's URL (curl drops it on a redirect to another host).
func (s *Source) Env(url string, a pipeline.GitAccess) (*Env, error) {
	home := filepath.Join(s.root, "tmp", "git-home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		return nil, fmt.Errorf("git: %w", err)
	}
	g := &Env{access: a, env: []string{
		"PATH=" + DefaultPath,
		"HOME=" + home,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_TERMINAL_PROMPT=0",
		"GIT_ASKPASS=",
		"SSH_ASKPASS=",
		"GIT_SSH_COMMAND=ssh -o BatchMode=yes",
		"LC_ALL=C",
	}}
	var config [][2]string
	if a.Token != "" {
		user := a.Username
		if user == "" {
			user = "x-access-token"
		}
		auth := base64.StdEncoding.EncodeToString([]byte(user + ":" + a.Token))
		config = append(config, [2]string{"http." + url + ".extraHeader", "Authorization: Basic " + auth})
	}
	if a.InsecureSkipVerify {
		config = append(config, [2]string{"http.sslVerify", "false"})
	} else if a.CACertificates != "" {
		f, err := os.CreateTemp(filepath.Join(s.root, "tmp"), "git-ca-")
		if err != nil {
			return nil, fmt.Errorf("git: %w", err)
		}
		g.caFile = f.Name()
		system, _ := os.ReadFile(systemCAs) // none: the job's alone
		_, werr := f.Write(append(append(system, '\n'), a.CACertificates...))
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			g.Close()
			return nil, fmt.Errorf("write the CA certificates: %w", werr)
		}
		g.env = append(g.env, "GIT_SSL_CAINFO="+g.caFile)
	}
	g.env = append(g.env, "GIT_CONFIG_COUNT="+strconv.Itoa(len(config)))
	for i, kv := range config {
		g.env = append(g.env, fmt.Sprintf("GIT_CONFIG_KEY_%d=%s", i, kv[0]), fmt.Sprintf("GIT_CONFIG_VALUE_%d=%s", i, kv[1]))
	}
	return g, nil
}

// Close removes the certificates file.
func (g *Env) Close() {
	if g.caFile != "" {
		os.Remove(g.caFile)
	}
}

// Run runs git in dir (none: the current directory) and returns its
// standard output; its error says what git said went wrong, in words a
// user acts on.
func (g *Env) Run(ctx context.Context, dir string, args ...string) (string, error) {
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
		return fmt.Errorf("%w: the repository refused the credentials (or needs some)", ErrUnauthorized)
	case strings.Contains(s, "couldn't find remote ref"):
		return fmt.Errorf("ref %w: %s", ErrNotFound, lastLine(stderr))
	case strings.Contains(s, "repository not found"), strings.Contains(s, "does not appear to be a git repository"),
		strings.Contains(s, "the requested url returned error: 404"), strings.Contains(s, "not found"):
		return fmt.Errorf("repository %w", ErrNotFound)
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
