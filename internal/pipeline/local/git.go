package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline"
	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline/gitsource"
)

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
// commit the mirror kept; only a fetch with the same credentials in the
// last freshFetch (the execution's own trigger, a moment before) spares
// it. The mirror's objects are pruned only by git's
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
	g, err := e.source.Env(job.RepositoryURL, job.Git)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer g.Close()
	mirror := e.source.MirrorDir(job.RepositoryURL)
	dir := src(ws)
	commit := ""
	if isCommitID(job.Commit) && e.source.Fresh(job.RepositoryURL, job.Git, freshFetch) && checkout(ctx, g, mirror, dir, job.Commit, job.RepositoryURL) == nil {
		// The trigger fetched it a moment ago with these credentials.
		commit = job.Commit
	} else if _, err := os.Stat(filepath.Join(mirror, "HEAD")); err == nil && isCommitID(job.Commit) {
		fetched := make(chan error, 1)
		go func() { fetched <- e.source.Fetch(ctx, g, job.RepositoryURL, job.Ref) }()
		if checkout(ctx, g, mirror, dir, job.Commit, job.RepositoryURL) == nil {
			commit = job.Commit
		}
		if err := <-fetched; err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
	} else if err := e.source.Fetch(ctx, g, job.RepositoryURL, job.Ref); err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	if commit == "" {
		// Not there before the fetch (or not a commit id): resolve it in
		// the fetched mirror.
		want := job.Commit
		if want == "" {
			want = job.Ref
		}
		if commit, err = e.source.ResolveIn(ctx, g, job.RepositoryURL, want); err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
		if err := checkout(ctx, g, mirror, dir, commit, job.RepositoryURL); err != nil {
			return fmt.Errorf("prepare: check out %s: %w", commit, err)
		}
	}
	fmt.Fprintf(log, "Checked out %s at %s\n", job.RepositoryURL, commit)
	return nil
}

// checkout makes dir a repository at commit (detached) whose objects are
// mirror's and whose origin is url, with mirror's branches as origin's and
// its tags (for git describe), and checks the tree out.
func checkout(ctx context.Context, g *gitsource.Env, mirror, dir, commit, url string) error {
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
	_, err = g.Run(ctx, dir, "reset", "--hard", "--quiet")
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

// freshFetch is how recent a fetch of the mirror with the job's
// credentials spares Prepare its own.
const freshFetch = 30 * time.Second

// isCommitID is a full SHA-1 or SHA-256 object id.
func isCommitID(s string) bool { return gitsource.IsCommitID(s) }
