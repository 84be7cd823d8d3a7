//go:build !unit

package pipelines

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/config/crd"
	"github.com/wheelhouse-dev/wheelhouse/internal/controller/ctrlkit"
	"github.com/wheelhouse-dev/wheelhouse/internal/events"
	"github.com/wheelhouse-dev/wheelhouse/internal/logstore"
	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline/gittest"
	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline/local"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
)

// env is a sandbox cluster with the pipeline CRDs and the controllers
// running on the local engine.
type env struct {
	c    client.Client
	ctl  *Controllers
	logs logstore.Store
	repo string
	git  *gittest.Repo
	bus  *events.Bus
}

// eventually is the package's one way to wait.
func eventually(t testing.TB, f any) gomega.AsyncAssertion {
	t.Helper()
	return gomega.NewWithT(t).Eventually(f).WithTimeout(time.Minute).WithPolling(100 * time.Millisecond)
}

// startEnv starts the sandbox and the controllers (holder names the
// runner's lease holder).
func startEnv(t *testing.T, holder string) *env {
	t.Helper()
	kubeconfig := sandboxtest.Start(t, 0)
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cfg.QPS, cfg.Burst = -1, 0
	scheme, err := ctrlkit.NewScheme()
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	if err := crd.Install(t.Context(), c, crd.Options{Timeout: time.Minute, Groups: []string{crd.GroupDevOps}}); err != nil {
		t.Fatalf("install CRDs: %v", err)
	}
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	log.SetLogger(ctrlkit.Logr(logger, ""))
	mgr, err := ctrlkit.NewManager(cfg, ctrlkit.Options{Cluster: "local", Logger: logger, Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	engine, err := local.New(local.Options{Root: filepath.Join(root, "engine"), Host: "test-host"})
	if err != nil {
		t.Fatal(err)
	}
	logs, err := logstore.NewFS(filepath.Join(root, "logs"))
	if err != nil {
		t.Fatal(err)
	}
	bus := events.New()
	ctl, err := Setup(mgr, Options{Cluster: "local", Engine: engine, Logs: logs, Source: engine.Source(), Logger: logger, LeaseDuration: 3 * time.Second, Events: bus}, holder)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("manager: %v", err)
		}
	})
	git := gittest.New(t, "app", pipelineFiles, gittest.Options{})
	return &env{c: c, ctl: ctl, logs: logs, repo: git.URL, git: git, bus: bus}
}

// pipelineFiles are the test repository's files: one pipeline file per
// test, chosen through each Pipeline's configPath.
var pipelineFiles = map[string]string{
	"ok.yml": `stages:
- name: build
  steps:
  - name: hello
    runScript: {image: busybox, shellScript: 'echo hello from $CICD_GIT_BRANCH; cat ok.yml >/dev/null'}
  - name: side
    runScript: {image: busybox, shellScript: 'echo side'}
- name: later
  steps:
  - name: bye
    runScript: {image: busybox, shellScript: 'echo bye'}
`,
	"fail.yml": `stages:
- name: build
  steps:
  - name: boom
    runScript: {image: busybox, shellScript: 'echo failing; exit 3'}
- name: later
  steps:
  - name: never
    runScript: {image: busybox, shellScript: 'echo never'}
`,
	"slow.yml": `stages:
- name: build
  steps:
  - name: sleep
    runScript: {image: busybox, shellScript: 'sleep 30'}
`,
	"short.yml": `timeout: 2s
stages:
- name: build
  steps:
  - name: sleep
    runScript: {image: busybox, shellScript: 'sleep 30'}
`,
	"secret.yml": `stages:
- name: build
  steps:
  - name: uses
    runScript: {image: busybox, shellScript: 'echo $TOKEN'}
    envFrom:
    - sourceName: missing
      sourceKey: token
      targetKey: TOKEN
`,
	// As Rancher 2.x wrote it: read unchanged when no Wheelhouse file is
	// there (the pipeline names no configPath).
	".rancher-pipeline.yml": `stages:
- name: clone
  steps:
  - sourceCodeConfig: {}
- name: test
  steps:
  - runScriptConfig:
      image: golang:1.26
      shellScript: echo "rancher $CICD_GIT_BRANCH $GREETING"
    env:
      GREETING: unchanged
  - runScriptConfig:
      image: busybox
      shellScript: echo never
    when:
      branch: release-*
timeout: 60
`,
	"bad.yml": `stages:
- name: build
  steps:
  - name: x
    runScript: {image: busybox}
    bogus: 1
`,
}

// project makes a namespace with a provider, a repository of env's repo and
// a pipeline per file, quota executors.
func (e *env) project(t *testing.T, ns string, quota int32, files ...string) {
	t.Helper()
	ctx := t.Context()
	objs := []client.Object{
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}},
		&devopsv1alpha1.SourceCodeProviderConfig{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "git"},
			Spec: devopsv1alpha1.SourceCodeProviderConfigSpec{Type: devopsv1alpha1.ProviderGit}},
		&devopsv1alpha1.SourceCodeRepository{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "app"},
			Spec: devopsv1alpha1.SourceCodeRepositorySpec{URL: e.repo, Provider: "git", DefaultBranch: "main"}},
		&devopsv1alpha1.PipelineSetting{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: devopsv1alpha1.DefaultPipelineSettingName},
			Spec: devopsv1alpha1.PipelineSettingSpec{ExecutorQuota: quota}},
	}
	for _, f := range files {
		p := &devopsv1alpha1.Pipeline{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: strings.TrimSuffix(f, ".yml")},
			Spec: devopsv1alpha1.PipelineSpec{Repository: "app", ConfigPath: f}}
		if f == ".rancher-pipeline.yml" {
			p.Name, p.Spec.ConfigPath = "rancher", ""
		}
		objs = append(objs, p)
	}
	for _, o := range objs {
		if err := e.c.Create(ctx, o); err != nil {
			t.Fatalf("create %T %s: %v", o, o.GetName(), err)
		}
	}
}

// run triggers the pipeline by hand and returns the execution's key.
func (e *env) run(t *testing.T, ns, name string) (client.ObjectKey, error) {
	t.Helper()
	var p devopsv1alpha1.Pipeline
	if err := e.c.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: name}, &p); err != nil {
		t.Fatal(err)
	}
	x, err := e.ctl.Trigger.Run(t.Context(), &p, Request{Trigger: devopsv1alpha1.TriggerManual, Event: devopsv1alpha1.EventManual, TriggeredBy: "tester"})
	if err != nil {
		return client.ObjectKey{}, err
	}
	return client.ObjectKeyFromObject(x), nil
}

// waitState waits until the execution is in state and returns it.
func (e *env) waitState(t *testing.T, key client.ObjectKey, state devopsv1alpha1.ExecutionState) *devopsv1alpha1.PipelineExecution {
	t.Helper()
	var x devopsv1alpha1.PipelineExecution
	eventually(t, func() (devopsv1alpha1.ExecutionState, error) {
		err := e.c.Get(context.Background(), key, &x)
		return x.Status.State, err
	}).Should(gomega.Equal(state), "execution %s", key)
	return &x
}

// waitStep waits until the execution's first step is in state.
func (e *env) waitStep(t *testing.T, key client.ObjectKey, state devopsv1alpha1.StepState) {
	t.Helper()
	eventually(t, func() (devopsv1alpha1.StepState, error) {
		var x devopsv1alpha1.PipelineExecution
		err := e.c.Get(context.Background(), key, &x)
		if len(x.Status.Stages) == 0 || len(x.Status.Stages[0].Steps) == 0 {
			return "", err
		}
		return x.Status.Stages[0].Steps[0].State, err
	}).Should(gomega.Equal(state), "first step of %s", key)
}

// abort asks for the execution's abort, as the API does.
func (e *env) abort(t *testing.T, key client.ObjectKey) {
	t.Helper()
	eventually(t, func() error {
		var x devopsv1alpha1.PipelineExecution
		if err := e.c.Get(context.Background(), key, &x); err != nil {
			return err
		}
		x.Spec.Abort = true
		return e.c.Update(context.Background(), &x)
	}).Should(gomega.Succeed())
}

// logOf reads one step's log whole.
func (e *env) logOf(t *testing.T, key client.ObjectKey, stage, step int) string {
	t.Helper()
	var b strings.Builder
	err := e.logs.Follow(t.Context(), logstore.Key{Namespace: key.Namespace, Execution: key.Name, Stage: stage, Step: step}, 0, func(p []byte) error {
		b.Write(p)
		return nil
	})
	if err != nil {
		t.Fatalf("follow the log of %s %d/%d: %v", key, stage, step, err)
	}
	return b.String()
}

func TestPipelines(t *testing.T) {
	e := startEnv(t, "local/test/one")

	t.Run("Success", func(t *testing.T) {
		e.project(t, "p-ok", 2, "ok.yml")
		key, err := e.run(t, "p-ok", "ok")
		if err != nil {
			t.Fatal(err)
		}
		if key.Name != "ok-1" {
			t.Errorf("first execution %s, want ok-1", key.Name)
		}
		x := e.waitState(t, key, devopsv1alpha1.StateSuccess)
		for _, st := range x.Status.Stages {
			if st.State != devopsv1alpha1.StepSuccess {
				t.Errorf("stage %s: %s", st.Name, st.State)
			}
			for _, step := range st.Steps {
				if step.State != devopsv1alpha1.StepSuccess || step.ExitCode == nil || *step.ExitCode != 0 || step.Started == nil || step.Ended == nil {
					t.Errorf("step %s: %+v", step.Name, step)
				}
			}
		}
		if x.Status.Lease != nil || x.Status.Started == nil || x.Status.Ended == nil {
			t.Errorf("status after success: lease %v, started %v, ended %v", x.Status.Lease, x.Status.Started, x.Status.Ended)
		}
		if got := e.logOf(t, key, 0, 0); !strings.Contains(got, "hello from main") {
			t.Errorf("log of build/hello: %q", got)
		}
		if got := e.logOf(t, key, 1, 0); !strings.Contains(got, "bye") {
			t.Errorf("log of later/bye: %q", got)
		}
		// The pipeline sums it up, and the next run gets the next number.
		eventually(t, func() (string, error) {
			var p devopsv1alpha1.Pipeline
			err := e.c.Get(context.Background(), client.ObjectKey{Namespace: "p-ok", Name: "ok"}, &p)
			if p.Status.LastExecution == nil {
				return "", err
			}
			return fmt.Sprintf("%s %d", p.Status.LastExecution.State, p.Status.NextRun), err
		}).Should(gomega.Equal("Success 2"))
		key2, err := e.run(t, "p-ok", "ok")
		if err != nil || key2.Name != "ok-2" {
			t.Fatalf("second run: %v %v", key2, err)
		}
		e.waitState(t, key2, devopsv1alpha1.StateSuccess)
	})

	t.Run("RancherFileRunsUnchanged", func(t *testing.T) {
		e.project(t, "p-rancher", 2, ".rancher-pipeline.yml")
		key, err := e.run(t, "p-rancher", "rancher")
		if err != nil {
			t.Fatal(err)
		}
		x := e.waitState(t, key, devopsv1alpha1.StateSuccess)
		if n := len(x.Spec.Config.Stages); n != 1 {
			t.Errorf("%d stages, want the test stage alone (the clone stage is the engine's checkout)", n)
		}
		if st := x.Status.Stages[0].Steps[1].State; st != devopsv1alpha1.StepSkipped {
			t.Errorf("the step for release-* branches: %s", st)
		}
		if got := e.logOf(t, key, 0, 0); !strings.Contains(got, "rancher main unchanged") {
			t.Errorf("log %q", got)
		}
	})

	t.Run("FailingStepSkipsLaterStages", func(t *testing.T) {
		e.project(t, "p-fail", 2, "fail.yml")
		key, err := e.run(t, "p-fail", "fail")
		if err != nil {
			t.Fatal(err)
		}
		x := e.waitState(t, key, devopsv1alpha1.StateFailed)
		boom := x.Status.Stages[0].Steps[0]
		if boom.State != devopsv1alpha1.StepFailed || boom.ExitCode == nil || *boom.ExitCode != 3 {
			t.Errorf("failing step: %+v", boom)
		}
		if st := x.Status.Stages[1]; st.State != devopsv1alpha1.StepSkipped || st.Steps[0].State != devopsv1alpha1.StepSkipped {
			t.Errorf("later stage: %+v", st)
		}
		if !strings.Contains(x.Status.Message, `"boom"`) {
			t.Errorf("message %q does not name the step", x.Status.Message)
		}
	})

	t.Run("MissingSecretFailsNamingIt", func(t *testing.T) {
		e.project(t, "p-secret", 2, "secret.yml")
		key, err := e.run(t, "p-secret", "secret")
		if err != nil {
			t.Fatal(err)
		}
		x := e.waitState(t, key, devopsv1alpha1.StateFailed)
		if msg := x.Status.Stages[0].Steps[0].Message; !strings.Contains(msg, `secret "missing" does not exist`) {
			t.Errorf("step message %q", msg)
		}
	})

	t.Run("InvalidFileIsRefusedWithItsLine", func(t *testing.T) {
		e.project(t, "p-bad", 2, "bad.yml")
		_, err := e.run(t, "p-bad", "bad")
		if !errors.Is(err, ErrInvalidFile) || !strings.Contains(err.Error(), "line ") || !strings.Contains(err.Error(), "bogus") {
			t.Fatalf("error %v, want an invalid file naming line and field", err)
		}
	})

	t.Run("AbortAndTimeout", func(t *testing.T) {
		e.project(t, "p-abort", 2, "slow.yml", "short.yml")
		key, err := e.run(t, "p-abort", "slow")
		if err != nil {
			t.Fatal(err)
		}
		e.waitStep(t, key, devopsv1alpha1.StepBuilding)
		e.abort(t, key)
		got := e.waitState(t, key, devopsv1alpha1.StateAborted)
		if st := got.Status.Stages[0].Steps[0].State; st != devopsv1alpha1.StepAborted {
			t.Errorf("aborted step: %s", st)
		}
		key, err = e.run(t, "p-abort", "short")
		if err != nil {
			t.Fatal(err)
		}
		got = e.waitState(t, key, devopsv1alpha1.StateFailed)
		if !strings.Contains(got.Status.Message, "timeout of 2s") {
			t.Errorf("timed out message %q", got.Status.Message)
		}
	})

	t.Run("Quota", func(t *testing.T) {
		e.project(t, "p-quota", 1, "slow.yml")
		var keys []client.ObjectKey
		for range 3 {
			key, err := e.run(t, "p-quota", "slow")
			if err != nil {
				t.Fatal(err)
			}
			keys = append(keys, key)
		}
		e.waitState(t, keys[0], devopsv1alpha1.StateBuilding)
		x := e.waitState(t, keys[1], devopsv1alpha1.StateQueueing)
		if !strings.Contains(x.Status.Message, "1 of 1 running") {
			t.Errorf("queued message %q", x.Status.Message)
		}
		// Abort the running one: the next takes its executor, never two.
		for i, key := range keys {
			e.abort(t, key)
			e.waitState(t, key, devopsv1alpha1.StateAborted)
			if i+1 < len(keys) {
				e.waitState(t, keys[i+1], devopsv1alpha1.StateBuilding)
			}
			var list devopsv1alpha1.PipelineExecutionList
			if err := e.c.List(t.Context(), &list, client.InNamespace("p-quota")); err != nil {
				t.Fatal(err)
			}
			building := 0
			for _, z := range list.Items {
				if z.Status.State == devopsv1alpha1.StateBuilding || z.Status.State == devopsv1alpha1.StatePending {
					building++
				}
			}
			if building > 1 {
				t.Fatalf("%d executions running under a quota of 1", building)
			}
		}
	})

	t.Run("LapsedLeaseFails", func(t *testing.T) {
		e.project(t, "p-lapse", 2, "slow.yml")
		key, err := e.run(t, "p-lapse", "slow")
		if err != nil {
			t.Fatal(err)
		}
		e.waitStep(t, key, devopsv1alpha1.StepBuilding)
		// Another server took the execution and died: its lease lapsed a
		// minute ago. This runner loses the execution at its next write,
		// and the controller gives it up.
		eventually(t, func() error {
			var x devopsv1alpha1.PipelineExecution
			if err := e.c.Get(context.Background(), key, &x); err != nil {
				return err
			}
			x.Status.Lease = &devopsv1alpha1.EngineLease{Holder: "local/gone/0", RenewTime: metav1.NewMicroTime(time.Now().Add(-time.Minute)), DurationSeconds: 15}
			return e.c.Status().Update(context.Background(), &x)
		}).Should(gomega.Succeed())
		got := e.waitState(t, key, devopsv1alpha1.StateFailed)
		if !strings.Contains(got.Status.Message, "local/gone/0 stopped renewing its lease") || got.Status.Lease != nil {
			t.Errorf("message %q, lease %v", got.Status.Message, got.Status.Lease)
		}
		if st := got.Status.Stages[0].Steps[0]; st.State != devopsv1alpha1.StepFailed || st.Ended == nil {
			t.Errorf("step left %+v", st)
		}
		// The log is readable and ends: no reader waits for a writer gone.
		e.logOf(t, key, 0, 0)
	})

	t.Run("NotifiesAndKeepsTheLastLogs", func(t *testing.T) {
		got := make(chan Notification, 4)
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			var n Notification
			if err := json.NewDecoder(req.Body).Decode(&n); err != nil {
				t.Errorf("notification body: %v", err)
			}
			got <- n
		}))
		defer hook.Close()
		e.git.Push("main", map[string]string{"notify.yml": `notification:
  webhooks: [` + hook.URL + `]
  message: run ${CICD_EXECUTION_SEQUENCE} of ${CICD_PIPELINE_ID}
stages:
- name: build
  steps:
  - name: boom
    runScript: {image: busybox, shellScript: 'echo failing; exit 1'}
`})
		e.project(t, "p-notify", 2, "notify.yml")
		keep := int32(1)
		eventually(t, func() error {
			var s devopsv1alpha1.PipelineSetting
			if err := e.c.Get(context.Background(), client.ObjectKey{Namespace: "p-notify", Name: "default"}, &s); err != nil {
				return err
			}
			s.Spec.LogRetention.MaxExecutions = &keep
			return e.c.Update(context.Background(), &s)
		}).Should(gomega.Succeed())
		first, err := e.run(t, "p-notify", "notify")
		if err != nil {
			t.Fatal(err)
		}
		e.waitState(t, first, devopsv1alpha1.StateFailed)
		select {
		case n := <-got:
			if n.State != devopsv1alpha1.StateFailed || n.Message != "run 1 of notify" || n.Execution != "notify-1" {
				t.Errorf("notification %+v", n)
			}
		case <-time.After(time.Minute):
			t.Fatal("no notification of the failed execution")
		}
		second, err := e.run(t, "p-notify", "notify")
		if err != nil {
			t.Fatal(err)
		}
		e.waitState(t, second, devopsv1alpha1.StateFailed)
		// One execution's logs are kept: the first's go.
		eventually(t, func() error {
			rc, err := e.logs.Open(context.Background(), logstore.Key{Namespace: "p-notify", Execution: first.Name}, 0)
			if err == nil {
				rc.Close()
				return errors.New("the first execution's log is still there")
			}
			return nil
		}).Should(gomega.Succeed())
		if _, err := e.logs.Open(context.Background(), logstore.Key{Namespace: "p-notify", Execution: second.Name}, 0); err != nil {
			t.Errorf("the last execution's log: %v", err)
		}
		// A second failure is told too (the default conditions are Failed
		// and Changed), with the state before it.
		select {
		case n := <-got:
			if n.Execution != "notify-2" || n.PreviousState != devopsv1alpha1.StateFailed {
				t.Errorf("second notification %+v", n)
			}
		case <-time.After(time.Minute):
			t.Error("the second failure was not notified")
		}
	})

	t.Run("ImagePush", func(t *testing.T) {
		e.project(t, "p-image", 2, "ok.yml")
		eventually(t, func() error {
			var p devopsv1alpha1.Pipeline
			if err := e.c.Get(context.Background(), client.ObjectKey{Namespace: "p-image", Name: "ok"}, &p); err != nil {
				return err
			}
			p.Spec.Triggers.ImagePush = &devopsv1alpha1.ImagePushTrigger{Registry: "hub", Repository: "team/base", Tag: "v*"}
			return e.c.Update(context.Background(), &p)
		}).Should(gomega.Succeed())
		// A tag the trigger does not match, then one it does; the bus may
		// be read before the controllers' cache has the change, so the
		// matching push is sent until an execution comes.
		e.bus.Publish(events.ImagePushed{Registry: "hub", Repository: "team/base", Tag: "latest", Digest: "sha256:aa"})
		eventually(t, func() error {
			var list devopsv1alpha1.PipelineExecutionList
			if err := e.c.List(context.Background(), &list, client.InNamespace("p-image")); err != nil {
				return err
			}
			if len(list.Items) == 0 {
				e.bus.Publish(events.ImagePushed{Registry: "hub", Repository: "team/base", Tag: "v2", Digest: "sha256:bb"})
				return errors.New("no execution yet")
			}
			x := list.Items[0]
			if x.Spec.Trigger != devopsv1alpha1.TriggerImagePush || x.Spec.Event != devopsv1alpha1.EventImagePush || !strings.Contains(x.Spec.TriggeredBy, "team/base:v2") {
				return fmt.Errorf("execution %s: trigger %s, event %s, by %q", x.Name, x.Spec.Trigger, x.Spec.Event, x.Spec.TriggeredBy)
			}
			return nil
		}).Should(gomega.Succeed())
	})

	t.Run("Cron", func(t *testing.T) {
		e.project(t, "p-cron", 2, "ok.yml")
		key := client.ObjectKey{Namespace: "p-cron", Name: "ok"}
		eventually(t, func() error {
			var p devopsv1alpha1.Pipeline
			if err := e.c.Get(context.Background(), key, &p); err != nil {
				return err
			}
			// The last tick was long ago: the next pass runs one now.
			last := metav1.NewTime(time.Now().Add(-time.Hour))
			p.Status.LastCronTime = &last
			if err := e.c.Status().Update(context.Background(), &p); err != nil {
				return err
			}
			p.Spec.Triggers.Cron = &devopsv1alpha1.CronTrigger{Schedule: "* * * * *"}
			return e.c.Update(context.Background(), &p)
		}).Should(gomega.Succeed())
		x := e.waitState(t, client.ObjectKey{Namespace: "p-cron", Name: "ok-1"}, devopsv1alpha1.StateSuccess)
		if x.Spec.Trigger != devopsv1alpha1.TriggerCron || x.Spec.Branch != "main" {
			t.Errorf("cron execution: trigger %s, branch %q", x.Spec.Trigger, x.Spec.Branch)
		}
	})
}
