package local

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline"
)

// A cache is a directory per pipeline and key:
//
//	<CacheRoot>/<namespace>/<pipeline>/<key>/
//	  gens/<time>-<random>/<i>   generations, path i of the step under <i>
//	  current                    symbolic link to the newest generation
//	  lock                       flock: shared while claiming, exclusive to
//	                             remove old generations
//	  tmp/                       generations being written
//
// Restoring claims the current generation: it is renamed into the
// workspace, a constant cost whatever its size. A hard-linked copy would
// cost little more, but every file would then be shared with the cache
// and with other executions that restored it, and a step that writes a
// file in place (`echo x > f`, most tools' lock and index files) would
// change their copies under them. So a generation belongs to one
// execution at a time: a concurrent execution of the pipeline finds none
// (a Miss), and a step that fails gives back nothing (the cache starts
// again from the next success). Saving copies the paths (cp, with
// reflinks where the file system has them) into a new generation written
// aside and makes it current with a rename, so no one ever sees a half
// written cache; the last save wins. The copy is paid after a successful
// step, not before the next one.
type cache struct {
	key   string
	dir   string
	paths []cachePath
}

// cachePath is one path a step caches.
type cachePath struct {
	// host is where the path is on the host: in the checkout for a
	// relative path; for an absolute one (Podman isolation), a directory
	// of the workspace mounted at container.
	host, container string
	// checkout and rel are a relative path's, checked again before a
	// save: the step may have made a symbolic link of a directory on
	// the way.
	checkout, rel string
}

var unsafeKey = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// cacheFor is step's cache, nil when it has none. A cache the step
// cannot have is a message (the step fails), not an error.
func (e *Engine) cacheFor(job *pipeline.Job, ws string, step *pipeline.StepJob, podman bool) (*cache, string, error) {
	spec := step.Step.Cache
	if spec == nil {
		return nil, "", nil
	}
	if !safeName(job.Pipeline) {
		return nil, "", fmt.Errorf("pipeline %q: not a name the engine can keep a cache for", job.Pipeline)
	}
	root := job.CacheRoot
	if root == "" {
		root = filepath.Join(e.opts.Root, "cache")
	}
	key := pipeline.Substitute(spec.Key, step.Env)
	c := &cache{key: key, dir: filepath.Join(root, job.Namespace, job.Pipeline, sanitizeKey(key))}
	checkout := src(ws)
	for i, p := range spec.Paths {
		if filepath.IsAbs(p) {
			if !podman {
				return nil, fmt.Sprintf("cache path %s is absolute: only Podman isolation keeps an absolute path (with Process isolation it would be the host's)", p), nil
			}
			c.paths = append(c.paths, cachePath{host: filepath.Join(ws, "mounts", fmt.Sprintf("cache-%d", i)), container: filepath.Clean(p)})
			continue
		}
		rel, err := relPath(p)
		if err != nil || rel == "." {
			return nil, fmt.Sprintf("cache path %s: must name a directory inside the workspace", p), nil
		}
		if linked(checkout, rel) {
			return nil, fmt.Sprintf("cache path %s: goes through a symbolic link", p), nil
		}
		c.paths = append(c.paths, cachePath{host: filepath.Join(checkout, rel), checkout: checkout, rel: rel})
	}
	return c, "", nil
}

// sanitizeKey makes key one directory name: characters other than
// letters, digits, '.', '_' and '-' become '_', and a hash of the key
// tells apart keys that would then collide (a/b and a_b).
func sanitizeKey(key string) string {
	s := unsafeKey.ReplaceAllString(key, "_")
	if len(s) > 100 {
		s = s[:100]
	}
	sum := sha256.Sum256([]byte(key))
	return s + "-" + hex.EncodeToString(sum[:6])
}

// linked says whether a component of rel under dir is a symbolic link, so
// restoring through it could write outside the workspace.
func linked(dir, rel string) bool {
	p := dir
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		p = filepath.Join(p, part)
		fi, err := os.Lstat(p)
		if err != nil {
			return false
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return true
		}
	}
	return false
}

// restore claims the newest generation and moves its paths into place
// (replacing what the checkout has there): a Hit, or a Miss when there is
// none to claim. ws holds the claimed generation while its paths move.
func (c *cache) restore(ws string) (devopsv1alpha1.CacheResult, error) {
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return "", fmt.Errorf("cache %s: %w", c.key, err)
	}
	claim := filepath.Join(ws, "run", "cache-"+random())
	claimed, err := c.claim(claim)
	if err != nil || !claimed {
		return devopsv1alpha1.CacheMiss, err
	}
	defer os.RemoveAll(claim)
	for i, p := range c.paths {
		from := filepath.Join(claim, fmt.Sprint(i))
		if _, err := os.Lstat(from); err != nil {
			continue
		}
		if err := os.RemoveAll(p.host); err != nil {
			return "", fmt.Errorf("cache %s: restore: %w", c.key, err)
		}
		if err := os.MkdirAll(filepath.Dir(p.host), 0o755); err != nil {
			return "", fmt.Errorf("cache %s: restore: %w", c.key, err)
		}
		if err := os.Rename(from, p.host); err != nil {
			return "", fmt.Errorf("cache %s: restore: %w", c.key, err)
		}
	}
	return devopsv1alpha1.CacheHit, nil
}

// claim renames the current generation to to. Across file systems (a
// CacheRoot elsewhere) it copies it instead, and the generation stays.
func (c *cache) claim(to string) (bool, error) {
	unlock, err := flock(filepath.Join(c.dir, "lock"), syscall.LOCK_SH)
	if err != nil {
		return false, fmt.Errorf("cache %s: %w", c.key, err)
	}
	defer unlock()
	gen, err := os.Readlink(filepath.Join(c.dir, "current"))
	if err != nil {
		return false, nil
	}
	gen = filepath.Join(c.dir, gen)
	err = os.Rename(gen, to)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, nil // claimed by another execution
	case errors.Is(err, syscall.EXDEV):
		if err := copyTree(gen, to); err != nil {
			return false, fmt.Errorf("cache %s: restore: %w", c.key, err)
		}
		return true, nil
	}
	return false, fmt.Errorf("cache %s: restore: %w", c.key, err)
}

// save writes the paths as a new generation, makes it current, and
// removes the generations before it that no restore is reading.
func (c *cache) save() error {
	for _, d := range []string{"gens", "tmp"} {
		if err := os.MkdirAll(filepath.Join(c.dir, d), 0o700); err != nil {
			return fmt.Errorf("cache %s: %w", c.key, err)
		}
	}
	tmp, err := os.MkdirTemp(filepath.Join(c.dir, "tmp"), "gen-")
	if err != nil {
		return fmt.Errorf("cache %s: %w", c.key, err)
	}
	defer os.RemoveAll(tmp)
	for i, p := range c.paths {
		if _, err := os.Lstat(p.host); err != nil {
			continue // the step made nothing there
		}
		if p.rel != "" && linked(p.checkout, filepath.Dir(p.rel)) {
			continue // not the workspace's any more: nothing to keep
		}
		if err := copyTree(p.host, filepath.Join(tmp, fmt.Sprint(i))); err != nil {
			return fmt.Errorf("cache %s: save: %w", c.key, err)
		}
	}
	name := fmt.Sprintf("%020d-%s", time.Now().UnixNano(), random())
	if err := os.Rename(tmp, filepath.Join(c.dir, "gens", name)); err != nil {
		return fmt.Errorf("cache %s: %w", c.key, err)
	}
	current := filepath.Join(c.dir, "current")
	if cur, err := os.Readlink(current); err == nil && filepath.Base(cur) > name {
		// A newer save won the race; ours is garbage already.
		os.RemoveAll(filepath.Join(c.dir, "gens", name))
		return nil
	}
	link := current + ".tmp-" + random()
	if err := os.Symlink(filepath.Join("gens", name), link); err != nil {
		return fmt.Errorf("cache %s: %w", c.key, err)
	}
	if err := os.Rename(link, current); err != nil {
		os.Remove(link)
		return fmt.Errorf("cache %s: %w", c.key, err)
	}
	c.collect(name)
	return nil
}

// collect removes generations older than keep when no restore holds the
// lock; otherwise a later save does.
func (c *cache) collect(keep string) {
	unlock, err := flock(filepath.Join(c.dir, "lock"), syscall.LOCK_EX|syscall.LOCK_NB)
	if err != nil {
		return
	}
	defer unlock()
	gens, _ := os.ReadDir(filepath.Join(c.dir, "gens"))
	for _, g := range gens {
		if g.Name() < keep {
			os.RemoveAll(filepath.Join(c.dir, "gens", g.Name()))
		}
	}
	// Generations a killed server was writing (no copy takes a day).
	tmp, _ := os.ReadDir(filepath.Join(c.dir, "tmp"))
	for _, t := range tmp {
		if info, err := t.Info(); err == nil && time.Since(info.ModTime()) > 24*time.Hour {
			os.RemoveAll(filepath.Join(c.dir, "tmp", t.Name()))
		}
	}
}

// flock locks path (made if missing) how says, until the returned
// function is called.
func flock(path string, how int) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), how); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}

// copyTree copies from (a directory, file or link) to to, which must not
// exist, with modes, times and links: GNU cp, which copies in the kernel
// and clones blocks where the file system can.
func copyTree(from, to string) error {
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	out, err := exec.Command("cp", "-a", "--reflink=auto", "--", from, to).CombinedOutput()
	if err != nil {
		return fmt.Errorf("copy %s: %w: %s", from, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// random is a short random string for unique names.
func random() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
