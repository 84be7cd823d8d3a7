//go:build !unit

package local

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline"
)

// Steps run in their image with real podman (runc, vfs, cgroupfs): the
// images are built by the engine's own publishImage and pushed to a real
// registry over plain HTTP, from which podman pulls them.
func TestRunScriptPodman(t *testing.T) {
	for _, prog := range []string{"podman", "runc"} {
		if _, err := exec.LookPath(prog); err != nil {
			t.Fatalf("%s is needed for Podman isolation (Debian's podman and runc): %v", prog, err)
		}
	}
	t.Setenv("WHEELHOUSE_SERVER_SECRET", "do-not-leak")
	reg := startRegistry(t, "", "")
	r := busyboxRepo(t, map[string]string{
		"noshell/Dockerfile": "FROM scratch\nCOPY hello.txt /hello.txt\n",
		"noshell/hello.txt":  "hello\n",
	})
	e, err := New(Options{Root: t.TempDir(), Host: "node-1", KillGrace: time.Second, InsecureRegistries: []string{reg.Host}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(e.podmanRunRoot()) })
	job := prepared(t, e, r, "run-1")
	access := &pipeline.RegistryAccess{Host: reg.Host, Insecure: true}
	for _, img := range []struct{ dockerfile, context, tag string }{
		{"base/Dockerfile", "base", "busybox:1"},
		{"noshell/Dockerfile", "noshell", "noshell:1"},
	} {
		if res, log := publish(t, e, job, access, img.dockerfile, img.context, img.tag); res.ExitCode != 0 {
			t.Fatalf("publish %s: %+v\n%s", img.tag, res, log)
		}
	}
	busybox := reg.Host + "/busybox:1"
	job.Isolation = devopsv1alpha1.IsolationPodman

	podmanStep := func(image, script string, env map[string]string) *pipeline.StepJob {
		s := scriptStep(script, env)
		s.Step.RunScript.Image = image
		return s
	}
	memory := resource.MustParse("64Mi")
	limited := podmanStep(busybox, "cat /sys/fs/cgroup/memory/memory.limit_in_bytes", nil)
	limited.Step.Resources = &devopsv1alpha1.StepResources{MemoryLimit: &memory}

	for _, tc := range []struct {
		name     string
		step     *pipeline.StepJob
		timeout  time.Duration
		code     int32
		message  string
		log      []string
		notInLog []string
	}{
		{
			name: "success in the workspace", step: podmanStep(busybox, "cat README; pwd; env | sort", map[string]string{"FOO": "bar baz", "CICD_GIT_BRANCH": "main"}),
			log:      []string{"from the repository", "/workspace\n", "FOO=bar baz", "CICD_GIT_BRANCH=main", "HOME=" + containerHome},
			notInLog: []string{"WHEELHOUSE_", "do-not-leak"},
		},
		{name: "non-zero exit", step: podmanStep(busybox, "exit 4", nil), code: 4, message: "exited with code 4"},
		{name: "a script's missing command", step: podmanStep(busybox, "no-such-command", nil), code: 127, message: "exited with code 127"},
		{name: "memory limit", step: limited, log: []string{"67108864"}},
		{name: "image without a shell", step: podmanStep(reg.Host+"/noshell:1", "true", nil), message: "image " + reg.Host + "/noshell:1 cannot run here"},
		{name: "image that is not there", step: podmanStep(reg.Host+"/nothing:1", "true", nil), message: "image " + reg.Host + "/nothing:1 cannot run here"},
		{name: "timeout", step: podmanStep(busybox, "sleep 1000 & sleep 1000", nil), timeout: 3 * time.Second, message: "killed after its timeout of 3s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			if tc.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.timeout)
				defer cancel()
				tc.step.Timeout = tc.timeout
			}
			var log bytes.Buffer
			res, err := e.RunStep(ctx, job, tc.step, &log)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(res.Message, tc.message) || (tc.message == "") != (res.ExitCode == 0) || (tc.code != 0 && res.ExitCode != tc.code) {
				t.Errorf("result = %+v, want exit %d, message %q\n%s", res, tc.code, tc.message, log.String())
			}
			for _, s := range tc.log {
				if !strings.Contains(log.String(), s) {
					t.Errorf("log lacks %q:\n%s", s, log.String())
				}
			}
			for _, s := range tc.notInLog {
				if strings.Contains(log.String(), s) {
					t.Errorf("log has %q:\n%s", s, log.String())
				}
			}
			out, err := exec.Command("podman", append(slices.Clone(e.podmanGlobal()), "ps", "--all", "--quiet")...).CombinedOutput()
			if err != nil || len(bytes.TrimSpace(out)) > 0 {
				t.Errorf("containers left (%v): %s", err, out)
			}
		})
	}

	t.Run("cache of an absolute path", func(t *testing.T) {
		step := func() *pipeline.StepJob {
			s := podmanStep(busybox, "cat /root/.deps/v 2>/dev/null || echo none; mkdir -p /root/.deps; echo kept > /root/.deps/v", nil)
			s.Step.Cache = &devopsv1alpha1.Cache{Key: "deps", Paths: []string{"/root/.deps"}}
			return s
		}
		for i, want := range []struct {
			result devopsv1alpha1.CacheResult
			log    string
		}{{devopsv1alpha1.CacheMiss, "none"}, {devopsv1alpha1.CacheHit, "kept"}} {
			job := prepared(t, e, r, "cache-"+string(rune('a'+i)))
			job.Isolation = devopsv1alpha1.IsolationPodman
			var log bytes.Buffer
			res, err := e.RunStep(t.Context(), job, step(), &log)
			if err != nil || res.ExitCode != 0 || res.Cache == nil || res.Cache.Result != want.result || !strings.Contains(log.String(), want.log) {
				t.Errorf("run %d: %+v, %v, want %s and %q in\n%s", i, res, err, want.result, want.log, log.String())
			}
		}
	})
}

// A server killed with SIGKILL leaves its step's container running
// (conmon is not its child); the next New on its root removes it.
func TestNewRemovesTheContainerOfAKilledServer(t *testing.T) {
	reg := startRegistry(t, "", "")
	r := busyboxRepo(t, nil)
	root := t.TempDir()
	e, err := New(Options{Root: root, Host: "node-1", InsecureRegistries: []string{reg.Host}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(e.podmanRunRoot()) })
	job := prepared(t, e, r, "build")
	if res, log := publish(t, e, job, &pipeline.RegistryAccess{Host: reg.Host, Insecure: true}, "base/Dockerfile", "base", "busybox:1"); res.ExitCode != 0 {
		t.Fatalf("publish: %+v\n%s", res, log)
	}
	running := func() string {
		out, _ := e.podman(t.Context(), "ps", "--all", "--quiet").Output()
		return strings.TrimSpace(string(out))
	}
	killedServer(t, root, r.url, reg.Host+"/busybox:1", func(rec record) bool { return rec.Container != "" && running() != "" })
	if running() == "" {
		t.Fatal("the container did not outlive its server: the test proves nothing")
	}
	if _, err := New(Options{Root: root}); err != nil {
		t.Fatal(err)
	}
	if left := running(); left != "" {
		t.Errorf("New left the killed server's container: %s", left)
	}
}
