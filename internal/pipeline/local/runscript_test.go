package local

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
)

func TestRunScriptProcess(t *testing.T) {
	t.Setenv("WHEELHOUSE_SERVER_SECRET", "do-not-leak")
	e := newEngine(t)
	r := newRepo(t, t.TempDir(), "app.git", map[string]string{"README": "hello\n"})
	job := prepared(t, e, r, "run-1")
	ws, _ := e.workspace(job)

	for _, tc := range []struct {
		name     string
		script   string
		env      map[string]string
		code     int32
		message  string
		log      []string
		notInLog []string
	}{
		{name: "success in the checkout", script: "cat README; pwd", code: 0, log: []string{"hello", src(ws)}},
		{name: "non-zero exit", script: "echo before; exit 3", code: 3, message: "exited with code 3", log: []string{"before"}},
		{name: "stops at the first failing command", script: "false\necho after", code: 1, message: "exited with code 1", notInLog: []string{"after"}},
		{name: "stderr is logged", script: "echo oops >&2", log: []string{"oops"}},
		{
			name: "exactly the step's environment", script: "env | sort",
			env:      map[string]string{"CICD_GIT_BRANCH": "main", "TOKEN": "from-envFrom"},
			log:      []string{"CICD_GIT_BRANCH=main", "TOKEN=from-envFrom", "HOME=" + filepath.Join(ws, "home"), "TMPDIR=" + filepath.Join(ws, "tmp"), "PATH=" + DefaultPath},
			notInLog: []string{"WHEELHOUSE_", "do-not-leak"},
		},
		{name: "variables expand in the shell", script: `echo "branch=${CICD_GIT_BRANCH}"`, env: map[string]string{"CICD_GIT_BRANCH": "dev"}, log: []string{"branch=dev"}},
		{name: "a step's PATH wins", script: "echo $PATH", env: map[string]string{"PATH": "/bin"}, log: []string{"/bin\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var log bytes.Buffer
			res, err := e.RunStep(t.Context(), job, scriptStep(tc.script, tc.env), &log)
			if err != nil {
				t.Fatal(err)
			}
			if res.ExitCode != tc.code || res.Message != tc.message || res.Node != "node-1" {
				t.Errorf("result = %+v, want exit %d, message %q on node-1", res, tc.code, tc.message)
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
		})
	}
}

var pidLine = regexp.MustCompile(`pid=(\d+)`)

// runAndEnd runs script after a line printing its pid (its process
// group), and ends ctx with end once the step is running. It returns the
// step's exit code, message and process group.
func runAndEnd(t *testing.T, e *Engine, script string, timeout time.Duration, end func(cancel context.CancelFunc)) (code int32, message string, pgid int) {
	t.Helper()
	r := newRepo(t, t.TempDir(), "app.git", map[string]string{"README": "x\n"})
	job := prepared(t, e, r, "run-1")
	ctx, cancel := context.WithCancel(t.Context())
	if timeout > 0 {
		ctx, cancel = context.WithTimeout(t.Context(), timeout)
	}
	defer cancel()
	step := scriptStep("echo pid=$$\n"+script, nil)
	step.Timeout = timeout
	log := &syncBuffer{}
	go func() {
		for !pidLine.MatchString(log.String()) {
			time.Sleep(5 * time.Millisecond)
		}
		if end != nil {
			end(cancel)
		}
	}()
	result, err := e.RunStep(ctx, job, step, log)
	if err != nil {
		t.Fatal(err)
	}
	m := pidLine.FindStringSubmatch(log.String())
	if m == nil {
		t.Fatalf("the step printed no pid: %s", log.String())
	}
	pgid, _ = strconv.Atoi(m[1])
	return result.ExitCode, result.Message, pgid
}

// Ending a step kills its whole process group, background children
// included, and a process that ignores SIGTERM gets SIGKILL after the
// grace; a step that ends by itself leaves nothing running either.
func TestRunScriptLeavesNothingRunning(t *testing.T) {
	for _, tc := range []struct {
		name    string
		script  string
		timeout time.Duration
		abort   bool
		code    int32
		message string
	}{
		{name: "timeout", script: "sleep 1000 & sleep 1000", timeout: 700 * time.Millisecond, message: "killed after its timeout of 700ms"},
		{name: "abort", script: "sleep 1000 & sleep 1000", abort: true, message: "aborted"},
		{name: "ignores SIGTERM", script: "trap '' TERM\nsleep 1000 & sleep 1000", abort: true, message: "aborted"},
		{name: "ends leaving a child", script: "sleep 1000 &\nexit 0", message: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEngine(t)
			var end func(context.CancelFunc)
			if tc.abort {
				end = func(cancel context.CancelFunc) { time.Sleep(100 * time.Millisecond); cancel() }
			}
			code, message, pgid := runAndEnd(t, e, tc.script, tc.timeout, end)
			if message != tc.message {
				t.Errorf("message = %q, want %q", message, tc.message)
			}
			if (message == "") != (code == 0) {
				t.Errorf("exit code %d with message %q", code, message)
			}
			if left := groupMembers(pgid, 0); len(left) > 0 {
				t.Errorf("processes of the step's group %d still run: %v", pgid, left)
			}
		})
	}
}

func TestRunStepRefusesRunnerSteps(t *testing.T) {
	e := newEngine(t)
	r := newRepo(t, t.TempDir(), "app.git", map[string]string{"README": "x\n"})
	job := prepared(t, e, r, "run-1")
	step := scriptStep("", nil)
	step.Step.RunScript = nil
	step.Step.ApplyYaml = &devopsv1alpha1.ApplyYamlStep{Path: "k8s.yaml"}
	if _, err := e.RunStep(t.Context(), job, step, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "execution runner") {
		t.Errorf("error = %v, want one saying the runner runs applyYaml", err)
	}
}

func TestReadFileStaysInTheWorkspace(t *testing.T) {
	e := newEngine(t)
	r := newRepo(t, t.TempDir(), "app.git", map[string]string{
		"deploy/app.yaml": "kind: ConfigMap\n",
		"k8s/b.yml":       "kind: Service",
		"k8s/a.json":      `{"kind": "Deployment"}` + "\n",
		"k8s/notes.txt":   "not a manifest\n",
		"k8s/sub/c.yaml":  "kind: Secret\n",
		"k8s/z.yaml":      "symlink:/etc/hostname",
		"passwd":          "symlink:/etc/passwd",
		"etc":             "symlink:/etc",
		"inner":           "symlink:deploy/app.yaml",
	})
	job := prepared(t, e, r, "run-1")
	for _, tc := range []struct {
		path string
		ok   bool
	}{
		{path: "deploy/app.yaml", ok: true},
		{path: "./deploy/../deploy/app.yaml", ok: true},
		{path: "inner", ok: true},
		{path: "../../../../etc/passwd"},
		{path: "deploy/../../src/deploy/app.yaml"},
		{path: "/etc/passwd"},
		{path: "passwd"},
		{path: "etc/hostname"},
		{path: ""},
		{path: "k8s"}, // z.yaml leads out
		{path: "deploy/", ok: true},
	} {
		t.Run(tc.path, func(t *testing.T) {
			b, err := e.ReadFile(t.Context(), job, tc.path)
			if tc.ok != (err == nil) {
				t.Fatalf("ReadFile(%q) = %q, %v; want ok=%v", tc.path, b, err, tc.ok)
			}
			if tc.ok && strings.TrimPrefix(string(b), "---\n") != "kind: ConfigMap\n" {
				t.Errorf("ReadFile(%q) = %q", tc.path, b)
			}
		})
	}
}

func TestCleanupRemovesTheWorkspace(t *testing.T) {
	e := newEngine(t)
	r := newRepo(t, t.TempDir(), "app.git", map[string]string{"README": "x\n"})
	job := prepared(t, e, r, "run-1")
	ws, _ := e.workspace(job)
	if err := e.Cleanup(t.Context(), job); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(ws); !os.IsNotExist(err) {
		t.Errorf("workspace %s is still there: %v", ws, err)
	}
}

// A directory reads as the YAML stream of its manifests, as kubectl
// apply -f reads one.
func TestReadFileOfADirectory(t *testing.T) {
	e := newEngine(t)
	r := newRepo(t, t.TempDir(), "app.git", map[string]string{
		"k8s/b.yml":      "kind: Service",
		"k8s/a.json":     `{"kind": "Deployment"}` + "\n",
		"k8s/notes.txt":  "not a manifest\n",
		"k8s/sub/c.yaml": "kind: Secret\n",
		"empty/x.txt":    "x\n",
	})
	job := prepared(t, e, r, "run-1")
	b, err := e.ReadFile(t.Context(), job, "k8s")
	if err != nil {
		t.Fatal(err)
	}
	if want := "---\n{\"kind\": \"Deployment\"}\n---\nkind: Service\n"; string(b) != want {
		t.Errorf("ReadFile(k8s) = %q, want %q", b, want)
	}
	if _, err := e.ReadFile(t.Context(), job, "empty"); err == nil || !strings.Contains(err.Error(), "without .yaml") {
		t.Errorf("ReadFile(empty) error = %v", err)
	}
}
