package local

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline"
)

// Where a step's directories are in its container.
const (
	containerWorkspace = "/workspace"
	containerHome      = "/wheelhouse/home"
	containerScript    = "/wheelhouse/step.sh"
)

// containersConf is podman's configuration on hosts like Wheelhouse's
// (cgroup v1, no CAP_SYS_RESOURCE): cgroupfs rather than systemd, runc
// (crun fails there), and ulimits within the host's own, since podman's
// default ones cannot be set.
const containersConf = `[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]

[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
`

// podmanGlobal are the options before podman's command: the engine's own
// storage (vfs: works on any file system, in any container).
func (e *Engine) podmanGlobal() []string {
	return []string{
		"--root", filepath.Join(e.opts.Root, "podman", "root"), "--runroot", e.podmanRunRoot(),
		"--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--runtime", "runc",
	}
}

// podmanRunRoot is podman's directory of transient state (locks,
// sockets). podman refuses one longer than 50 characters, which a Root of
// any depth gives, so it is a short one named after Root: in /run (a
// tmpfs, where such state belongs) or else the temporary directory.
func (e *Engine) podmanRunRoot() string {
	sum := sha256.Sum256([]byte(e.opts.Root))
	name := "wheelhouse-podman-" + hex.EncodeToString(sum[:6])
	if unix := "/run"; writable(unix) {
		return filepath.Join(unix, name)
	}
	return filepath.Join(os.TempDir(), name)
}

// writable says whether the engine may make directories in dir.
func writable(dir string) bool {
	return syscall.Access(dir, 2 /* W_OK */) == nil
}

// podmanEnv is podman's own environment: its configuration files, written
// once, on first use.
func (e *Engine) podmanEnv() ([]string, error) {
	e.podmanOnce.Do(func() { e.podmanEnvs, e.podmanErr = e.writePodmanConf() })
	return e.podmanEnvs, e.podmanErr
}

func (e *Engine) writePodmanConf() ([]string, error) {
	dir := filepath.Join(e.opts.Root, "podman")
	if err := os.MkdirAll(filepath.Join(dir, "home"), 0o700); err != nil {
		return nil, err
	}
	conf := filepath.Join(dir, "containers.conf")
	if err := os.WriteFile(conf, []byte(containersConf), 0o600); err != nil {
		return nil, err
	}
	var reg strings.Builder
	reg.WriteString("unqualified-search-registries = [\"docker.io\"]\nshort-name-mode = \"permissive\"\n")
	for _, r := range e.opts.InsecureRegistries {
		fmt.Fprintf(&reg, "\n[[registry]]\nlocation = %q\ninsecure = true\n", r)
	}
	registries := filepath.Join(dir, "registries.conf")
	if err := os.WriteFile(registries, []byte(reg.String()), 0o600); err != nil {
		return nil, err
	}
	return []string{
		"PATH=" + e.opts.Path,
		"HOME=" + filepath.Join(dir, "home"),
		"CONTAINERS_CONF=" + conf,
		"CONTAINERS_REGISTRIES_CONF=" + registries,
	}, nil
}

// runPodman runs a runScript step in its image. ok is false when podman
// could not run the image at all (pull failed, no /bin/sh, runtime error).
//
// The checkout is mounted at /workspace (the working directory), the
// workspace's home at /wheelhouse/home (HOME); the network is the host's,
// as a step run as a process would have it (builds fetch dependencies).
// The step's variables are given by name only (-e NAME), their values in
// podman's environment, so secrets never reach a command line. cpuLimit
// and memoryLimit are enforced by the container's cgroup (--cpus,
// --memory); the requests become --cpu-shares and --memory-reservation.
func (e *Engine) runPodman(ctx context.Context, job *pipeline.Job, ws string, step *pipeline.StepJob, script string, c *cache, log io.Writer) (ended, bool, error) {
	env, err := e.podmanEnv()
	if err != nil {
		return ended{}, false, fmt.Errorf("podman configuration: %w", err)
	}
	image := pipeline.Substitute(step.Step.RunScript.Image, step.Env)
	id := stepID(step)
	global := e.podmanGlobal()
	if err := e.podman(ctx, "image", "exists", image).Run(); err != nil {
		if _, lookErr := exec.LookPath("podman"); lookErr != nil {
			return ended{}, false, fmt.Errorf("podman isolation needs podman: %w", lookErr)
		}
		fmt.Fprintf(log, "Pulling %s\n", image)
		end, err := e.run(ctx, proc{
			argv: append(append([]string{"podman"}, global...), "pull", "--quiet", image),
			env:  env, out: log, record: filepath.Join(ws, "run", id+"-pull.json"),
		})
		if err != nil {
			return ended{}, false, err
		}
		if end.ctxEnded != nil || end.code != 0 {
			return end, end.ctxEnded != nil, nil
		}
	}
	sum := sha256.Sum256([]byte(ws))
	name := "wheelhouse-" + hex.EncodeToString(sum[:8]) + "-" + id
	args := append(append([]string{"podman"}, global...), "run", "--rm", "--pull=never",
		"--name", name, "--label", "wheelhouse.dev/engine="+Name,
		"--network=host", "--workdir", containerWorkspace, "--entrypoint", "/bin/sh",
		"--volume", src(ws)+":"+containerWorkspace,
		"--volume", filepath.Join(ws, "home")+":"+containerHome,
		"--volume", script+":"+containerScript+":ro",
	)
	if c != nil {
		for _, p := range c.paths {
			if p.container == "" {
				continue
			}
			if err := os.MkdirAll(p.host, 0o755); err != nil {
				return ended{}, false, err
			}
			args = append(args, "--volume", p.host+":"+p.container)
		}
	}
	if step.Step.Privileged {
		args = append(args, "--privileged")
	}
	args = append(args, resourceArgs(step)...)
	stepEnv := e.stepEnv(ws, step.Env, true)
	own := map[string]bool{}
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		own[k] = true
	}
	var byName []string
	for _, kv := range stepEnv {
		k, _, _ := strings.Cut(kv, "=")
		if own[k] {
			// podman needs its own HOME and PATH: these (never
			// secrets) go by value.
			args = append(args, "--env", kv)
			continue
		}
		args = append(args, "--env", k)
		byName = append(byName, kv)
	}
	args = append(args, image, "-e", containerScript)

	// podman reads the values of --env NAME from its own environment; its
	// configuration comes last so a step cannot point it elsewhere.
	tail := &tailWriter{max: 4096}
	end, err := e.run(ctx, proc{
		argv:      args,
		env:       append(byName, env...),
		out:       io.MultiWriter(log, tail),
		record:    filepath.Join(ws, "run", id+".json"),
		container: name,
		stop: func() {
			_ = e.podman(context.Background(), "stop", "--ignore", "--time", strconv.Itoa(int(e.opts.KillGrace.Seconds())), name).Run()
		},
	})
	if err != nil {
		return ended{}, false, err
	}
	if end.ctxEnded != nil {
		_ = e.podman(context.Background(), "rm", "--force", "--ignore", "--time", "0", name).Run()
		return end, true, nil
	}
	// 125: podman failed; 126, 127: the image's /bin/sh cannot be run. A
	// script's own 127 (a command it calls is missing) has no podman
	// error before it.
	if (end.code == 125 || end.code == 126 || end.code == 127) && bytes.Contains(tail.buf, []byte("Error: ")) {
		return end, false, nil
	}
	return end, true, nil
}

// podman is a podman command of the engine's storage and configuration,
// for the short ones (the step's own goes through run).
func (e *Engine) podman(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "podman", append(e.podmanGlobal(), args...)...)
	cmd.Env, _ = e.podmanEnv()
	return cmd
}

// resourceArgs are podman's options for step's resources.
func resourceArgs(step *pipeline.StepJob) []string {
	r := step.Step.Resources
	if r == nil {
		return nil
	}
	var args []string
	if r.CPULimit != nil && !r.CPULimit.IsZero() {
		args = append(args, "--cpus", strconv.FormatFloat(float64(r.CPULimit.MilliValue())/1000, 'f', 3, 64))
	}
	if r.CPURequest != nil && !r.CPURequest.IsZero() {
		args = append(args, "--cpu-shares", strconv.FormatInt(max(2, r.CPURequest.MilliValue()*1024/1000), 10))
	}
	if r.MemoryLimit != nil && !r.MemoryLimit.IsZero() {
		args = append(args, "--memory", strconv.FormatInt(r.MemoryLimit.Value(), 10))
	}
	if r.MemoryRequest != nil && !r.MemoryRequest.IsZero() {
		args = append(args, "--memory-reservation", strconv.FormatInt(r.MemoryRequest.Value(), 10))
	}
	return args
}

// tailWriter keeps the last max bytes written to it.
type tailWriter struct {
	buf []byte
	max int
}

func (t *tailWriter) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = t.buf[len(t.buf)-t.max:]
	}
	return len(p), nil
}
