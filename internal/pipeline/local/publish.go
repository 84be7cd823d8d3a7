package local

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"

	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline"
)

// publishImage builds the step's Dockerfile with buildah and pushes the
// image to step.Registry (with pushRemote false, or no registry, it is
// built and not pushed: the build checks the Dockerfile).
//
// buildah keeps its own storage under Root/buildah (vfs, chroot
// isolation: no daemon, no cgroup, works inside a container). The built
// image is removed after the push; the base images it pulled stay, as a
// pull cache for the next build. The registry's credentials go in an
// auth file (0600, in a directory of its own, removed after), never on a
// command line. Variables are substituted in the tag, the Dockerfile's
// path and the context's.
func (e *Engine) publishImage(ctx context.Context, job *pipeline.Job, ws string, step *pipeline.StepJob, log io.Writer) (pipeline.StepResult, error) {
	res := pipeline.StepResult{Node: e.opts.Host}
	p := step.Step.PublishImage
	if _, err := exec.LookPath("buildah"); err != nil {
		return res, fmt.Errorf("publishImage needs buildah on the server's host: %w", err)
	}
	checkout := src(ws)
	dockerfile, err := inside(checkout, pipeline.Substitute(p.DockerfilePath, step.Env))
	if err != nil {
		res.ExitCode, res.Message = 1, "dockerfilePath: "+err.Error()
		return res, nil
	}
	context_, err := inside(checkout, pipeline.Substitute(p.BuildContext, step.Env))
	if err != nil {
		res.ExitCode, res.Message = 1, "buildContext: "+err.Error()
		return res, nil
	}
	image := pipeline.Substitute(p.Tag, step.Env)
	reg := step.Registry
	if reg != nil {
		image = reg.Host + "/" + image
	}

	dir, err := os.MkdirTemp(filepath.Join(e.opts.Root, "tmp"), "buildah-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	authFile := filepath.Join(dir, "auth.json")
	auths := map[string]any{}
	if reg != nil && reg.Username != "" {
		auths[reg.Host] = map[string]string{"auth": base64.StdEncoding.EncodeToString([]byte(reg.Username + ":" + reg.Password))}
	}
	b, _ := json.Marshal(map[string]any{"auths": auths})
	if err := os.WriteFile(authFile, b, 0o600); err != nil {
		return res, fmt.Errorf("write the registry's auth file: %w", err)
	}
	global := e.buildahGlobal()
	tls := "--tls-verify=true"
	if reg != nil && reg.Insecure {
		tls = "--tls-verify=false"
	}
	env := []string{
		"PATH=" + e.opts.Path,
		"HOME=" + filepath.Join(ws, "home"),
		"TMPDIR=" + dir,
		"REGISTRY_AUTH_FILE=" + authFile,
	}
	id := stepID(step)
	steps := []struct {
		what string
		args []string
	}{
		{"build", []string{"bud", "--isolation", "chroot", "--authfile", authFile, tls, "--layers=false", "--force-rm", "-f", dockerfile, "-t", image, context_}},
	}
	if reg != nil && p.PushRemote {
		steps = append(steps, struct {
			what string
			args []string
		}{"push", []string{"push", "--authfile", authFile, tls, image, "docker://" + image}})
	}
	defer func() {
		// The image built is in the registry now (or failed); keep
		// nothing of it but the base layers.
		_ = e.buildah("rmi", "--force", image).Run()
	}()
	for _, s := range steps {
		fmt.Fprintf(log, "buildah %s %s\n", s.what, image)
		end, err := e.run(ctx, proc{
			argv:   append(slices.Clone(global), s.args...),
			env:    env,
			dir:    checkout,
			out:    log,
			record: filepath.Join(ws, "run", id+".json"),
		})
		if err != nil {
			return res, err
		}
		if end.ctxEnded != nil {
			res.ExitCode, res.Message = int32(max(end.code, 1)), endMessage(end.ctxEnded, step.Timeout)
			return res, nil
		}
		if end.code != 0 {
			res.ExitCode = int32(end.code)
			res.Message = fmt.Sprintf("%s of %s failed (buildah exited %d)", s.what, image, end.code)
			return res, nil
		}
	}
	switch {
	case reg == nil:
		fmt.Fprintf(log, "Built %s; not pushed (no registry to push to)\n", image)
	case !p.PushRemote:
		fmt.Fprintf(log, "Built %s; not pushed (pushRemote is false)\n", image)
	default:
		fmt.Fprintf(log, "Pushed %s\n", image)
	}
	return res, nil
}

// buildahGlobal is buildah's command with the engine's own storage.
func (e *Engine) buildahGlobal() []string {
	storage := filepath.Join(e.opts.Root, "buildah")
	return []string{"buildah", "--root", filepath.Join(storage, "root"), "--runroot", filepath.Join(storage, "run"), "--storage-driver", "vfs"}
}

// buildah is a short buildah command of the engine's storage.
func (e *Engine) buildah(args ...string) *exec.Cmd {
	g := e.buildahGlobal()
	cmd := exec.Command(g[0], append(g[1:], args...)...)
	cmd.Env = []string{"PATH=" + e.opts.Path, "HOME=" + filepath.Join(e.opts.Root, "tmp", "git-home")}
	return cmd
}

// inside is rel (relative to dir, without `..` leading out or a symbolic
// link on the way) as a path under dir.
func inside(dir, rel string) (string, error) {
	clean, err := relPath(rel)
	if err != nil {
		return "", err
	}
	if clean != "." && linked(dir, clean) {
		return "", fmt.Errorf("path %s goes through a symbolic link", rel)
	}
	return filepath.Join(dir, clean), nil
}
