package local

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline"
	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline/gitsource"
)

// Name is the local engine's name in status and logs.
const Name = "local"

// DefaultPath is the PATH a step gets when its env sets none.
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// Options configure the local engine.
type Options struct {
	// Root holds the mirrors, workspaces, default caches and image
	// storage. Required.
	Root string
	// Host is the node name steps report; empty means os.Hostname.
	Host string
	// KillGrace is how long a step's processes have between SIGTERM and
	// SIGKILL on abort or timeout; default 10s.
	KillGrace time.Duration
	// Path is the PATH of a step whose env sets none; default DefaultPath.
	Path string
	// InsecureRegistries are registries (host[:port]) podman pulls step
	// images from over plain HTTP or without verifying certificates.
	InsecureRegistries []string
	// Logger receives what the engine does on its own (leftovers it
	// kills); default slog.Default().
	Logger *slog.Logger
	// Source keeps the repositories' mirrors, shared with the triggers
	// (which resolve commits and read pipeline files from them); default
	// one under Root/mirrors.
	Source *gitsource.Source
}

// Engine is the local engine. It is safe for concurrent use by many
// executions; steps of one execution may run at the same time.
type Engine struct {
	opts   Options
	bootID string

	// source holds the mirrors.
	source *gitsource.Source

	podmanOnce sync.Once
	podmanEnvs []string
	podmanErr  error
}

var _ pipeline.Engine = (*Engine)(nil)

// New makes the engine's directories and kills what steps a previous
// server on the same Root left running (it was killed before it could),
// so that a restart leaves nothing behind.
func New(opts Options) (*Engine, error) {
	if opts.Root == "" {
		return nil, errors.New("local engine: Root is required")
	}
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return nil, fmt.Errorf("local engine root: %w", err)
	}
	opts.Root = root
	if opts.Host == "" {
		if opts.Host, err = os.Hostname(); err != nil {
			return nil, fmt.Errorf("local engine host name: %w", err)
		}
	}
	if opts.KillGrace <= 0 {
		opts.KillGrace = 10 * time.Second
	}
	if opts.Path == "" {
		opts.Path = DefaultPath
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	for _, dir := range []string{"mirrors", "workspaces", "cache", "tmp"} {
		if err := os.MkdirAll(filepath.Join(root, dir), 0o700); err != nil {
			return nil, fmt.Errorf("local engine: %w", err)
		}
	}
	e := &Engine{opts: opts, bootID: bootID(), source: opts.Source}
	if e.source == nil {
		if e.source, err = gitsource.New(filepath.Join(root, "mirrors")); err != nil {
			return nil, fmt.Errorf("local engine: %w", err)
		}
	}
	if err := e.killLeftovers(); err != nil {
		return nil, err
	}
	return e, nil
}

// Identity names this engine's place, its host and root directory: an
// engine started again with the same identity kills what the one before
// left running (New), so a lease held by an earlier instance of the same
// identity is known to be dead.
func (e *Engine) Identity() string {
	sum := sha256.Sum256([]byte(e.opts.Root))
	return e.opts.Host + ":" + hex.EncodeToString(sum[:4])
}

// Source is the engine's repository mirrors, for the triggers to share.
func (e *Engine) Source() *gitsource.Source { return e.source }

// Name implements pipeline.Engine.
func (e *Engine) Name() string { return Name }

// workspace is the directory of job's execution.
func (e *Engine) workspace(job *pipeline.Job) (string, error) {
	for _, s := range []string{job.Namespace, job.Name} {
		if !safeName(s) {
			return "", fmt.Errorf("execution %s/%s: not a name the engine can make a directory of", job.Namespace, job.Name)
		}
	}
	return filepath.Join(e.opts.Root, "workspaces", job.Namespace, job.Name), nil
}

// safeName is a Kubernetes name: one path element, never "." or "..".
func safeName(s string) bool {
	return s != "" && s != "." && s != ".." && !strings.ContainsAny(s, "/\\\x00")
}

// src is the checkout of the workspace ws, where steps run.
func src(ws string) string { return filepath.Join(ws, "src") }

// relPath checks that p names something inside a directory: relative,
// without `..`. Symbolic links are the opener's to refuse (os.Root).
func relPath(p string) (string, error) {
	if p == "" {
		return "", errors.New("empty path")
	}
	if filepath.IsAbs(p) {
		return "", fmt.Errorf("path %s: must be relative to the workspace", p)
	}
	clean := filepath.Clean(p)
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "", fmt.Errorf("path %s: leads out of the workspace", p)
	}
	return clean, nil
}

// RunStep implements pipeline.Engine.
func (e *Engine) RunStep(ctx context.Context, job *pipeline.Job, step *pipeline.StepJob, log io.Writer) (pipeline.StepResult, error) {
	ws, err := e.workspace(job)
	if err != nil {
		return pipeline.StepResult{}, err
	}
	if _, err := os.Stat(src(ws)); err != nil {
		return pipeline.StepResult{}, fmt.Errorf("execution %s/%s has no workspace (Prepare it first): %w", job.Namespace, job.Name, err)
	}
	if step.Timeout > 0 {
		// The runner ends ctx at the timeout too; holding to it here
		// keeps the engine's promise whoever calls it.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, step.Timeout)
		defer cancel()
	}
	s := &step.Step
	switch {
	case s.RunScript != nil:
		return e.runScript(ctx, job, ws, step, log)
	case s.PublishImage != nil:
		return e.publishImage(ctx, job, ws, step, log)
	case s.ApplyYaml != nil, s.ApplyApp != nil:
		return pipeline.StepResult{}, fmt.Errorf("step %q: applyYaml and applyApp steps are run by the execution runner, not by an engine", s.Name)
	}
	return pipeline.StepResult{}, fmt.Errorf("step %q has no kind the local engine runs", s.Name)
}

// Cleanup implements pipeline.Engine: it stops whatever of job's steps
// still runs and removes the workspace.
func (e *Engine) Cleanup(ctx context.Context, job *pipeline.Job) error {
	ws, err := e.workspace(job)
	if err != nil {
		return err
	}
	e.killRecorded(ctx, filepath.Join(ws, "run"))
	if err := os.RemoveAll(ws); err != nil {
		return fmt.Errorf("remove workspace of %s/%s: %w", job.Namespace, job.Name, err)
	}
	return nil
}

// isolation is job's isolation, Process unless Podman.
func isolation(job *pipeline.Job) devopsv1alpha1.StepIsolation {
	if job.Isolation == devopsv1alpha1.IsolationPodman {
		return devopsv1alpha1.IsolationPodman
	}
	return devopsv1alpha1.IsolationProcess
}
