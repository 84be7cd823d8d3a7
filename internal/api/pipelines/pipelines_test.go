//go:build !unit

package pipelines_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline/gittest"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

// files is the test repository: a pipeline that checks out, echoes,
// applies a ConfigMap to the project's namespace, and a file that does not
// validate.
var files = map[string]string{
	".wheelhouse-pipeline.yml": `stages:
- name: build
  steps:
  - name: hello
    runScript:
      image: busybox
      shellScript: echo "hello $CICD_GIT_BRANCH $CICD_EXECUTION_SEQUENCE"
- name: deploy
  steps:
  - name: apply
    applyYaml:
      namespace: team-apps
      content: |
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: built-${CICD_EXECUTION_SEQUENCE}
        data:
          commit: "${CICD_GIT_COMMIT}"
`,
	"bad.yml": "stages:\n- name: x\n  steps:\n  - name: y\n    runScript: {image: busybox}\n    nope: 1\n",
	"escape.yml": `stages:
- name: deploy
  steps:
  - name: apply
    applyYaml:
      namespace: kube-system
      content: |
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: escaped}
`,
}

func TestPipelinesAPI(t *testing.T) {
	h, conn := servertest.WithSandbox(t, servertest.Options{ManagementCluster: "local"}, "local", 0, "team-apps")
	base := "/api/v1/clusters/local/projects/team"
	h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/clusters/local/projects", h.Admin, map[string]any{"name": "team"})
	h.AddToProject(t, "local", "team", "team-apps")
	repo := gittest.New(t, "app", files, gittest.Options{})

	obj := func(name string, spec map[string]any) map[string]any {
		return map[string]any{"metadata": map[string]any{"name": name}, "spec": spec}
	}
	h.Expect(http.StatusCreated, http.MethodPost, base+"/source-code-providers", h.Admin, obj("git", map[string]any{"type": "git"}))
	h.Expect(http.StatusCreated, http.MethodPost, base+"/source-code-repositories", h.Admin,
		obj("app", map[string]any{"url": repo.URL, "provider": "git", "defaultBranch": "main"}))
	h.Expect(http.StatusCreated, http.MethodPost, base+"/pipelines", h.Admin, obj("app", map[string]any{"repository": "app", "targetCluster": "local"}))
	h.Expect(http.StatusCreated, http.MethodPost, base+"/pipelines", h.Admin, obj("bad", map[string]any{"repository": "app", "configPath": "bad.yml"}))
	h.Expect(http.StatusCreated, http.MethodPost, base+"/pipelines", h.Admin,
		obj("escape", map[string]any{"repository": "app", "configPath": "escape.yml", "targetCluster": "local"}))

	t.Run("RunToSuccessWithLogsAndAppliedYAML", func(t *testing.T) {
		x := h.Expect(http.StatusCreated, http.MethodPost, base+"/pipelines/app/run", h.Admin, map[string]any{})
		name := x["metadata"].(map[string]any)["name"].(string)
		spec := x["spec"].(map[string]any)
		if name != "app-1" || spec["commit"] != repo.Commit || spec["triggeredBy"] != "admin" || spec["branch"] != "main" {
			t.Fatalf("execution %s: %v", name, spec)
		}
		done := servertest.WaitFor(t, h, base+"/pipeline-executions/"+name, func(e map[string]any) error {
			status, _ := e["status"].(map[string]any)
			if status["state"] != "Success" {
				return fmt.Errorf("state %v: %v", status["state"], status["message"])
			}
			return nil
		})
		stages := done["status"].(map[string]any)["stages"].([]any)
		if len(stages) != 2 {
			t.Fatalf("stages %v", stages)
		}
		// The whole log, then the same followed as events to its end.
		status, body := get(t, h, base+"/pipeline-executions/"+name+"/logs?stage=0&step=0")
		if status != http.StatusOK || !strings.Contains(body, "hello main 1") {
			t.Errorf("log: %d %q", status, body)
		}
		status, body = get(t, h, base+"/pipeline-executions/"+name+"/logs?stage=0&step=0&follow=true")
		if status != http.StatusOK || !strings.Contains(body, "data: hello main 1") || !strings.Contains(body, "event: end") {
			t.Errorf("followed log: %d %q", status, body)
		}
		if status, body = get(t, h, base+"/pipeline-executions/"+name+"/logs?stage=-1&step=0"); !strings.Contains(body, "checking out") {
			t.Errorf("preparation log: %d %q", status, body)
		}
		cm, err := conn.Kube.CoreV1().ConfigMaps("team-apps").Get(context.Background(), "built-1", metav1.GetOptions{})
		if err != nil || cm.Data["commit"] != repo.Commit[:7] {
			t.Errorf("applied ConfigMap: %v %v", cm, err)
		}
		// The pipeline sums it up; the list has it newest first.
		servertest.WaitFor(t, h, base+"/pipelines/app", func(p map[string]any) error {
			last, _ := p["status"].(map[string]any)["lastExecution"].(map[string]any)
			if last["state"] != "Success" {
				return fmt.Errorf("last execution %v", last)
			}
			return nil
		})
		h.Expect(http.StatusConflict, http.MethodPost, base+"/pipeline-executions/"+name+"/abort", h.Admin, nil)
		rerun := h.Expect(http.StatusCreated, http.MethodPost, base+"/pipeline-executions/"+name+"/rerun", h.Admin, nil)
		if rerun["spec"].(map[string]any)["rerunOf"] != name || rerun["metadata"].(map[string]any)["name"] != "app-2" {
			t.Errorf("rerun %v", rerun["spec"])
		}
	})

	t.Run("BadInput", func(t *testing.T) {
		h.ExpectProblem(t, http.StatusUnprocessableEntity, http.MethodPost, base+"/pipelines/app/run", h.Admin, map[string]any{"branch": "nope"}, "body.branch")
		p := h.ExpectProblem(t, http.StatusUnprocessableEntity, http.MethodPost, base+"/pipelines/bad/run", h.Admin, map[string]any{}, "file.stages[0].steps[0].nope")
		if !strings.Contains(fmt.Sprint(p["errors"]), "line 6") {
			t.Errorf("invalid file problem does not name the line: %v", p["errors"])
		}
		h.ExpectProblem(t, http.StatusUnprocessableEntity, http.MethodPost, base+"/pipelines", h.Admin,
			obj("cron", map[string]any{"repository": "app", "triggers": map[string]any{"cron": map[string]any{}}}), "body.spec.triggers.cron.schedule")
		h.Expect(http.StatusNotFound, http.MethodPost, base+"/pipelines/none/run", h.Admin, map[string]any{})
		h.Expect(http.StatusNotFound, http.MethodGet, "/api/v1/clusters/local/projects/none/pipelines", h.Admin, nil)
		h.Expect(http.StatusNotFound, http.MethodPost, base+"/pipeline-executions", h.Admin, obj("x", map[string]any{}))
		h.ExpectProblem(t, http.StatusUnprocessableEntity, http.MethodPost, base+"/source-code-credentials", h.Admin,
			obj("c", map[string]any{"provider": "git", "userName": "x", "token": map[string]any{"id": 999}}), "body.spec.token.id")
	})

	t.Run("ApplyStaysInTheProject", func(t *testing.T) {
		x := h.Expect(http.StatusCreated, http.MethodPost, base+"/pipelines/escape/run", h.Admin, map[string]any{})
		name := x["metadata"].(map[string]any)["name"].(string)
		servertest.WaitFor(t, h, base+"/pipeline-executions/"+name, func(e map[string]any) error {
			status, _ := e["status"].(map[string]any)
			if status["state"] != "Failed" {
				return fmt.Errorf("state %v", status["state"])
			}
			if !strings.Contains(fmt.Sprint(status["message"]), `namespace "kube-system" is not a namespace of project "team"`) {
				return fmt.Errorf("message %v", status["message"])
			}
			return nil
		})
		if _, err := conn.Kube.CoreV1().ConfigMaps("kube-system").Get(context.Background(), "escaped", metav1.GetOptions{}); err == nil {
			t.Error("the pipeline applied outside its project")
		}
	})

	t.Run("Roles", func(t *testing.T) {
		dev, watcher := h.CreateUser("dev", "user"), h.CreateUser("watcher", "user")
		h.Expect(http.StatusOK, http.MethodPut, base+"/members/dev", h.Admin, map[string]string{"role": "member"})
		h.Expect(http.StatusOK, http.MethodPut, base+"/members/watcher", h.Admin, map[string]string{"role": "viewer"})
		h.Expect(http.StatusOK, http.MethodGet, base+"/pipelines", watcher, nil)
		h.Expect(http.StatusForbidden, http.MethodPost, base+"/pipelines/app/run", watcher, map[string]any{})
		x := h.Expect(http.StatusCreated, http.MethodPost, base+"/pipelines/app/run", dev, map[string]any{})
		if x["spec"].(map[string]any)["triggeredBy"] != "dev" {
			t.Errorf("triggered by %v", x["spec"].(map[string]any)["triggeredBy"])
		}
	})

	// The console follows executions through their watch: what changes
	// after the list's resourceVersion arrives as events, up to the end.
	t.Run("WatchFollowsAnExecution", func(t *testing.T) {
		g := NewWithT(t)
		watchBase := "/api/v1/clusters/local/watch/projects/team"
		list := h.Expect(http.StatusOK, http.MethodGet, base+"/pipeline-executions?pipeline=app", h.Admin, nil)
		since := list["metadata"].(map[string]any)["resourceVersion"].(string)
		events, status := h.OpenWatch(t, watchBase+"/pipeline-executions?pipeline=app&since="+since, h.Admin)
		g.Expect(status).To(Equal(http.StatusOK))
		name := h.Expect(http.StatusCreated, http.MethodPost, base+"/pipelines/app/run", h.Admin, map[string]any{})["metadata"].(map[string]any)["name"]
		// Its own events, in order: created, then each status write.
		var types, states []any
		g.Eventually(func() []any {
			for {
				select {
				case ev := <-events:
					if ev.Object["metadata"].(map[string]any)["name"] != name {
						continue // the run the Roles test started
					}
					types = append(types, ev.Type)
					if status, ok := ev.Object["status"].(map[string]any); ok {
						states = append(states, status["state"])
					}
				default:
					return states
				}
			}
		}).WithTimeout(time.Minute).Should(ContainElements("Building", "Success"))
		g.Expect(types[0]).To(Equal("ADDED"))

		// Without since, the stream begins with the object as it is.
		one, _ := h.OpenWatch(t, watchBase+"/pipeline-executions?fieldSelector=metadata.name%3D"+name.(string), h.Admin)
		var ev servertest.WatchEvent
		g.Eventually(one).WithTimeout(30 * time.Second).Should(Receive(&ev))
		g.Expect(ev.Type).To(Equal("ADDED"))
		g.Expect(ev.Object["status"]).To(HaveKeyWithValue("state", "Success"))

		// A cursor the API server cannot resume: RESET, list again.
		for _, since := range []string{"1", "nope"} {
			reset, status := h.OpenWatch(t, watchBase+"/pipeline-executions?since="+since, h.Admin)
			g.Expect(status).To(Equal(http.StatusOK))
			g.Eventually(reset).WithTimeout(30*time.Second).Should(Receive(HaveField("Type", "RESET")), "since=%s", since)
		}
		h.ExpectProblem(t, http.StatusBadRequest, http.MethodGet, watchBase+"/pipeline-executions?fieldSelector=spec.branch%3Dmain", h.Admin, nil, "query.fieldSelector")
		h.ExpectProblem(t, http.StatusBadRequest, http.MethodGet, watchBase+"/pipelines?pipeline=app", h.Admin, nil, "query.pipeline")
		// Authorized as the list.
		_, status = h.OpenWatch(t, watchBase+"/pipelines", h.CreateUser("stranger", "user"))
		g.Expect(status).To(Equal(http.StatusForbidden))
	})
}

// get reads path as the admin whole (a followed log until its end).
func get(t *testing.T, h *servertest.Harness, path string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, h.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+h.Admin)
	resp, err := h.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		b.WriteString(sc.Text() + "\n")
	}
	return resp.StatusCode, b.String()
}
