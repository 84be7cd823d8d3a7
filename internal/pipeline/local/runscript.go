package local

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline"
)

// runScript runs a runScript step: its cache restored, its script run
// with Process or Podman isolation, its cache saved when it succeeds.
//
// The script runs as `sh -e <file>`: from a file because a script may be
// longer than one argument may be (128 KiB), and with -e because
// Rancher's steps ran under Jenkins' sh step, which stops at the first
// failing command. Variables are not substituted in the script: the shell
// expands ${VAR} from the step's environment, which holds the same values,
// and secrets stay out of files and command lines.
//
// Resources: with Podman isolation, the container's cgroup enforces them
// (see runPodman). With Process isolation, the step runs niced (stepNice)
// under the server, and its CPU and memory limits and requests are
// enforced by cgroups of its own where the host has cgroup v1 controllers
// the server may write (see limits); elsewhere its log says they are not.
// RLIMIT_AS, the one memory limit a process can have without cgroups, is
// not used: it counts address space, not memory, and fails Go and JVM
// builds far below their real use.
func (e *Engine) runScript(ctx context.Context, job *pipeline.Job, ws string, step *pipeline.StepJob, log io.Writer) (pipeline.StepResult, error) {
	res := pipeline.StepResult{Node: e.opts.Host}
	podman := isolation(job) == devopsv1alpha1.IsolationPodman
	c, msg, err := e.cacheFor(job, ws, step, podman)
	if err != nil {
		return res, err
	}
	if msg != "" {
		res.ExitCode, res.Message = 1, msg
		return res, nil
	}
	if c != nil {
		result, err := c.restore(ws)
		if err != nil {
			return res, err
		}
		res.Cache = &devopsv1alpha1.CacheStatus{Key: c.key, Result: result}
		fmt.Fprintf(log, "Cache %s: %s\n", c.key, result)
	}
	id := stepID(step)
	script := filepath.Join(ws, "run", id+".sh")
	if err := os.WriteFile(script, []byte(step.Step.RunScript.ShellScript), 0o600); err != nil {
		return res, fmt.Errorf("write the step's script: %w", err)
	}
	defer os.Remove(script)
	var end ended
	if podman {
		var ok bool
		end, ok, err = e.runPodman(ctx, job, ws, step, script, c, log)
		if err != nil {
			return res, err
		}
		if !ok {
			res.ExitCode = int32(end.code)
			image := pipeline.Substitute(step.Step.RunScript.Image, step.Env)
			res.Message = fmt.Sprintf("image %s cannot run here (podman exited %d; its error is in the log)", image, end.code)
			return res, nil
		}
	} else {
		sum := sha256.Sum256([]byte(ws))
		l, note, err := limitsFor("wheelhouse-"+hex.EncodeToString(sum[:6])+"-"+id, step.Step.Resources)
		if err != nil {
			return res, err
		}
		if note != "" {
			fmt.Fprintln(log, note)
		}
		defer l.remove()
		p := proc{
			argv:   l.wrap([]string{"/bin/sh", "-e", script}),
			env:    e.stepEnv(ws, step.Env, false),
			dir:    src(ws),
			out:    log,
			record: filepath.Join(ws, "run", id+".json"),
		}
		if l != nil {
			p.cgroups = l.dirs
		}
		if end, err = e.run(ctx, p); err != nil {
			return res, err
		}
		if end.code != 0 && end.ctxEnded == nil && l.oomKilled() {
			res.ExitCode = int32(end.code)
			res.Message = "killed for going beyond its memoryLimit of " + step.Step.Resources.MemoryLimit.String()
			return res, nil
		}
	}
	return e.finish(res, end, step, c, log)
}

// finish turns how a step's command ended into its result, saving its
// cache when it succeeded.
func (e *Engine) finish(res pipeline.StepResult, end ended, step *pipeline.StepJob, c *cache, log io.Writer) (pipeline.StepResult, error) {
	res.ExitCode = int32(end.code)
	switch {
	case end.ctxEnded != nil:
		if res.ExitCode == 0 {
			res.ExitCode = 128 + 15
		}
		res.Message = endMessage(end.ctxEnded, step.Timeout)
	case end.code != 0:
		res.Message = fmt.Sprintf("exited with code %d", end.code)
	case c != nil:
		if err := c.save(); err != nil {
			return res, err
		}
		fmt.Fprintf(log, "Cache %s: saved\n", c.key)
	}
	return res, nil
}

// stepEnv is a step's environment: its Env alone, plus PATH, HOME and
// TMPDIR of the engine's when Env sets none (HOME and TMPDIR inside the
// workspace, so a step writes nothing of the host's). Nothing of the
// server's own environment is passed on. inContainer gives the paths as
// the container sees them.
func (e *Engine) stepEnv(ws string, env map[string]string, inContainer bool) []string {
	all := map[string]string{
		"PATH":   e.opts.Path,
		"HOME":   filepath.Join(ws, "home"),
		"TMPDIR": filepath.Join(ws, "tmp"),
	}
	if inContainer {
		all["HOME"], all["TMPDIR"] = containerHome, "/tmp"
		delete(all, "PATH") // the image's own
	}
	maps.Copy(all, env)
	out := make([]string, 0, len(all))
	for _, k := range slices.Sorted(maps.Keys(all)) {
		out = append(out, k+"="+all[k])
	}
	return out
}

// stepID names a step's files in its workspace.
func stepID(step *pipeline.StepJob) string {
	return fmt.Sprintf("step-%d-%d", step.Stage, step.Index)
}
