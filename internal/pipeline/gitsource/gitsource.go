// Package gitsource reads the repositories pipelines build, with the git
// binary, through a bare mirror per repository kept between uses: a
// trigger resolves a branch to its commit and reads the pipeline file at
// that commit, and an engine checks the commit out from the same mirror,
// so one execution fetches the repository once and a warm mirror fetches
// only what is new.
//
// Credentials go to git as an HTTP authorization header through its
// environment (GIT_CONFIG_COUNT), never in a URL, an argument or a log, and
// git never prompts.
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
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline"
)

// Errors a Source's methods wrap.
var (
	// ErrNotFound: the repository, the reference or the file does not
	// exist (or the credentials may not see it).
	ErrNotFound = errors.New("not found")
	// ErrUnauthorized: the forge refused the credentials.
	ErrUnauthorized = errors.New("unauthorized")
)

// systemCAs is Debian's bundle; a repository's own CA certificates are
// trusted in addition to it.
const systemCAs = "/etc/ssl/certs/ca-certificates.crt"

// Source keeps one bare mirror per repository URL under its root.
type Source struct {
	root string

	mu    sync.Mutex
	locks map[string]*sync.Mutex
}

// New returns a Source whose mirrors live under root.
func New(root string) (*Source, error) {
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("git mirrors: %w", err)
	}
	return &Source{root: root, locks: map[string]*sync.Mutex{}}, nil
}

// Mirror returns the directory of url's bare mirror and locks it until
// unlock is called; the mirror exists (perhaps empty) when it returns.
func (s *Source) Mirror(ctx context.Context, url string) (dir string, unlock func(), err error) {
	sum := sha256.Sum256([]byte(url))
	dir = filepath.Join(s.root, hex.EncodeToString(sum[:12])+".git")
	s.mu.Lock()
	l := s.locks[dir]
	if l == nil {
		l = &sync.Mutex{}
		s.locks[dir] = l
	}
	s.mu.Unlock()
	l.Lock()
	if _, err := os.Stat(filepath.Join(dir, "HEAD")); err != nil {
		tmp, err := os.MkdirTemp(s.root, "new-")
		if err == nil {
			_, err = run(ctx, tmp, pipeline.GitAccess{}, "init", "--bare", "-q")
		}
		if err == nil {
			_, err = run(ctx, tmp, pipeline.GitAccess{}, "config", "remote.origin.url", url)
		}
		if err == nil {
			err = os.Rename(tmp, dir)
		}
		if err != nil {
			os.RemoveAll(tmp)
			l.Unlock()
			return "", nil, fmt.Errorf("create the mirror of %s: %w", url, err)
		}
	}
	return dir, l.Unlock, nil
}

// refspecs are what a fetch of the mirror brings: branches and tags as
// they are at the forge (pull request heads are fetched one by one).
var refspecs = []string{"+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"}

var fullCommit = regexp.MustCompile(`^[0-9a-f]{40}([0-9a-f]{24})?$`)

// Resolve returns the commit ref names in url's repository: a commit id
// (when the mirror has it, nothing is fetched), a branch, a tag, or a full
// reference such as refs/pull/4/head.
func (s *Source) Resolve(ctx context.Context, url string, access pipeline.GitAccess, ref string) (string, error) {
	if ref == "" {
		return "", fmt.Errorf("resolve: no branch, tag or commit named: %w", ErrNotFound)
	}
	dir, unlock, err := s.Mirror(ctx, url)
	if err != nil {
		return "", err
	}
	defer unlock()
	if fullCommit.MatchString(ref) {
		if _, err := run(ctx, dir, access, "cat-file", "-e", ref+"^{commit}"); err == nil {
			return ref, nil
		}
	}
	args := append([]string{"fetch", "--prune", "--quiet", "origin"}, refspecs...)
	if strings.HasPrefix(ref, "refs/") && !strings.HasPrefix(ref, "refs/heads/") && !strings.HasPrefix(ref, "refs/tags/") {
		args = append(args, "+"+ref+":"+ref)
	}
	if _, err := run(ctx, dir, access, args...); err != nil {
		return "", fmt.Errorf("fetch %s: %w", url, err)
	}
	candidates := []string{ref}
	if !strings.HasPrefix(ref, "refs/") {
		candidates = []string{"refs/heads/" + ref, "refs/tags/" + ref, ref}
	}
	for _, c := range candidates {
		out, err := run(ctx, dir, access, "rev-parse", "--verify", "--quiet", c+"^{commit}")
		if err == nil {
			return strings.TrimSpace(out), nil
		}
	}
	return "", fmt.Errorf("%s has no branch, tag or commit %q: %w", url, ref, ErrNotFound)
}

// ReadFile returns the file at path in commit (which Resolve fetched).
func (s *Source) ReadFile(ctx context.Context, url string, access pipeline.GitAccess, commit, path string) ([]byte, error) {
	dir, unlock, err := s.Mirror(ctx, url)
	if err != nil {
		return nil, err
	}
	defer unlock()
	out, err := run(ctx, dir, access, "cat-file", "blob", commit+":"+strings.TrimPrefix(path, "/"))
	if err != nil {
		if _, verr := run(ctx, dir, access, "cat-file", "-e", commit+"^{commit}"); verr != nil {
			return nil, fmt.Errorf("commit %s of %s: %w", commit, url, ErrNotFound)
		}
		return nil, fmt.Errorf("%s at %.7s: %w", path, commit, ErrNotFound)
	}
	return []byte(out), nil
}

// Env is the environment git runs with to reach a repository with access:
// the process's own, git's prompts off, and the credentials and CA
// certificates as configuration entries. The returned cleanup removes the
// CA bundle it may have written.
func Env(access pipeline.GitAccess) (env []string, cleanup func(), err error) {
	env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "GIT_ASKPASS=/bin/false", "SSH_ASKPASS=/bin/false")
	var config [][2]string
	if access.Username != "" || access.Token != "" {
		user := access.Username
		if user == "" {
			user = "oauth2"
		}
		basic := base64.StdEncoding.EncodeToString([]byte(user + ":" + access.Token))
		config = append(config, [2]string{"http.extraHeader", "Authorization: Basic " + basic})
	}
	cleanup = func() {}
	switch {
	case access.InsecureSkipVerify:
		config = append(config, [2]string{"http.sslVerify", "false"})
	case access.CACertificates != "":
		bundle, rerr := os.ReadFile(systemCAs)
		if rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
			return nil, nil, rerr
		}
		f, ferr := os.CreateTemp("", "wheelhouse-git-ca-*.pem")
		if ferr != nil {
			return nil, nil, ferr
		}
		_, werr := f.Write(append(append(bundle, '\n'), access.CACertificates...))
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			os.Remove(f.Name())
			return nil, nil, werr
		}
		cleanup = func() { os.Remove(f.Name()) }
		config = append(config, [2]string{"http.sslCAInfo", f.Name()})
	}
	env = append(env, "GIT_CONFIG_COUNT="+strconv.Itoa(len(config)))
	for i, kv := range config {
		env = append(env, fmt.Sprintf("GIT_CONFIG_KEY_%d=%s", i, kv[0]), fmt.Sprintf("GIT_CONFIG_VALUE_%d=%s", i, kv[1]))
	}
	return env, cleanup, nil
}

// run runs git in dir and returns its output; a failure says what git
// said, with the credentials taken out, and wraps ErrNotFound or
// ErrUnauthorized when git's words say so.
func run(ctx context.Context, dir string, access pipeline.GitAccess, args ...string) (string, error) {
	env, cleanup, err := Env(access)
	if err != nil {
		return "", err
	}
	defer cleanup()
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		msg := strings.TrimSpace(stderr.String())
		if access.Token != "" {
			msg = strings.ReplaceAll(msg, access.Token, "(hidden)")
		}
		if msg == "" {
			msg = err.Error()
		}
		return "", classify(fmt.Errorf("git %s: %s", args[0], msg))
	}
	return stdout.String(), nil
}

// classify wraps err with ErrUnauthorized or ErrNotFound when git's
// message says so.
func classify(err error) error {
	msg := strings.ToLower(err.Error())
	switch {
	case strings.Contains(msg, "authentication failed"), strings.Contains(msg, "could not read username"),
		strings.Contains(msg, "403"), strings.Contains(msg, "401"):
		return fmt.Errorf("%w: %w", ErrUnauthorized, err)
	case strings.Contains(msg, "not found"), strings.Contains(msg, "does not appear to be a git repository"),
		strings.Contains(msg, "couldn't find remote ref"), strings.Contains(msg, "does not exist"):
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return err
}
