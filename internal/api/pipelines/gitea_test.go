//go:build !unit

package pipelines_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/forge/giteatest"
	"github.com/wheelhouse-dev/wheelhouse/internal/registry/registrytest"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

// goApp is a small Go program with its test, its Dockerfile and a pipeline
// file that tests it, builds it (with its build cache kept between runs),
// publishes its image and applies its Deployment.
var goApp = map[string]string{
	"go.mod":       "module example.com/app\n\ngo 1.22\n",
	"main.go":      "package main\n\nimport \"fmt\"\n\nfunc greeting() string { return \"hello from app\" }\n\nfunc main() { fmt.Println(greeting()) }\n",
	"main_test.go": "package main\n\nimport \"testing\"\n\nfunc TestGreeting(t *testing.T) {\n\tif greeting() != \"hello from app\" {\n\t\tt.Fatal(greeting())\n\t}\n}\n",
	"Dockerfile":   "FROM scratch\nCOPY app /app\nENTRYPOINT [\"/app\"]\n",
	"deploy.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: app-release
data:
  image: ${CICD_REGISTRY}/team/app:${CICD_EXECUTION_SEQUENCE}
  commit: "${CICD_GIT_COMMIT}"
`,
	".wheelhouse-pipeline.yml": `stages:
- name: test
  steps:
  - name: go-test
    runScript:
      image: golang:1.26
      shellScript: |
        export GOCACHE=$PWD/.gocache GOPATH=$PWD/.gopath GOFLAGS=-mod=mod
        go vet ./... && go test ./... && CGO_ENABLED=0 go build -o app .
    env:
      PATH: /usr/local/go/bin:/usr/bin:/bin
    cache:
      key: go-${CICD_GIT_BRANCH}
      paths: [.gocache]
- name: publish
  steps:
  - name: image
    publishImage:
      dockerfilePath: ./Dockerfile
      buildContext: .
      tag: team/app:${CICD_EXECUTION_SEQUENCE}
      registry: reg
      pushRemote: true
- name: deploy
  steps:
  - name: apply
    applyYaml:
      path: deploy.yaml
      namespace: team-apps
`,
}

// TestGiteaEndToEnd registers a real Gitea as a provider (its OAuth
// application made through Gitea's API, the account connected through it),
// enables a pipeline whose webhook Wheelhouse registers in Gitea, pushes a
// Go program, and follows Gitea's own delivery to an execution that tests,
// builds, publishes to a real registry and applies to the sandbox.
func TestGiteaEndToEnd(t *testing.T) {
	gitea := giteatest.Start(t)
	reg, err := registrytest.Start(t.TempDir(), registrytest.Options{Username: "pusher", Password: "push-secret"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(reg.Stop)
	// Gitea delivers through a recorder, so that a delivery can be sent
	// again exactly as Gitea signed it.
	rec := &recorder{}
	proxy := httptest.NewServer(rec)
	t.Cleanup(proxy.Close)
	h, conn := servertest.WithSandbox(t, servertest.Options{ManagementCluster: "local", ExternalURL: proxy.URL}, "local", 0, "team-apps")
	rec.h = h
	base := "/api/v1/clusters/local/projects/team"
	h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/clusters/local/projects", h.Admin, map[string]any{"name": "team"})
	h.AddToProject(t, "local", "team", "team-apps")
	regCred := h.Expect(http.StatusCreated, http.MethodPost, base+"/credentials", h.Admin, map[string]any{
		"name": "pusher", "type": "registry", "fields": map[string]string{"username": "pusher", "password": "push-secret"}})
	h.Expect(http.StatusCreated, http.MethodPost, base+"/registries", h.Admin, map[string]any{
		"name": "reg", "type": "distribution", "endpoint": reg.URL, "insecure": true, "credentialId": regCred["id"]})

	// The forge, with its OAuth application made through Gitea's API.
	redirect := h.URL + "/oauth/callback"
	app := gitea.CreateOAuthApp(t, "wheelhouse", redirect)
	secret := h.Expect(http.StatusCreated, http.MethodPost, base+"/credentials", h.Admin, map[string]any{
		"name": "gitea-oauth", "type": "oauth-client", "fields": map[string]string{"clientSecret": app.ClientSecret}})
	obj := func(name string, spec map[string]any) map[string]any {
		return map[string]any{"metadata": map[string]any{"name": name}, "spec": spec}
	}
	h.Expect(http.StatusCreated, http.MethodPost, base+"/source-code-providers", h.Admin, obj("gitea", map[string]any{
		"type": "gitea", "host": gitea.URL, "oauth": map[string]any{"clientID": app.ClientID, "clientSecret": map[string]any{"id": secret["id"]}}}))
	auth := h.Expect(http.StatusOK, http.MethodGet, base+"/source-code-providers/gitea/authorize?redirectURI="+redirect, h.Admin, nil)
	back := gitea.Authorize(t, auth["url"].(string))
	if back.Get("state") != auth["state"] {
		t.Fatalf("state came back as %q, sent %q", back.Get("state"), auth["state"])
	}
	cred := h.Expect(http.StatusCreated, http.MethodPost, base+"/source-code-providers/gitea/oauth-callback", h.Admin,
		map[string]any{"code": back.Get("code"), "state": back.Get("state"), "redirectURI": redirect})
	credName := cred["metadata"].(map[string]any)["name"].(string)
	if login := cred["spec"].(map[string]any)["login"]; login != gitea.Admin {
		t.Fatalf("connected account %v, want %s", login, gitea.Admin)
	}

	repo := gitea.CreateRepo(t, "app")
	gitea.Push(t, repo, "main", map[string]string{"README.md": "app\n"}, "start")
	listed := h.Expect(http.StatusOK, http.MethodGet, base+"/source-code-credentials/"+credName+"/repositories", h.Admin, nil)
	if !strings.Contains(fmt.Sprint(listed["items"]), repo.FullName) {
		t.Fatalf("the account's repositories do not list %s: %v", repo.FullName, listed["items"])
	}
	h.Expect(http.StatusCreated, http.MethodPost, base+"/source-code-repositories", h.Admin, obj("app", map[string]any{
		"url": repo.CloneURL, "provider": "gitea", "credential": credName, "defaultBranch": "main"}))
	h.Expect(http.StatusCreated, http.MethodPost, base+"/pipelines", h.Admin, obj("app", map[string]any{
		"repository": "app", "targetCluster": "local", "triggers": map[string]any{"push": true, "tag": true, "pullRequest": true}}))

	// Wheelhouse registers the webhook in Gitea.
	servertest.WaitFor(t, h, base+"/pipelines/app", func(p map[string]any) error {
		status, _ := p["status"].(map[string]any)
		if status["webhookID"] == nil || status["webhookID"] == "" {
			return fmt.Errorf("no webhook yet: %v", status["conditions"])
		}
		return nil
	})
	var hooks []map[string]any
	gitea.API(t, http.MethodGet, "/repos/"+repo.FullName+"/hooks", nil, &hooks)
	if len(hooks) != 1 || !strings.Contains(fmt.Sprint(hooks[0]["config"]), "/api/v1/hooks/pipelines/") {
		t.Fatalf("Gitea's hooks: %v", hooks)
	}

	// The file is read and saved through the connected account.
	file := h.Expect(http.StatusOK, http.MethodGet, base+"/pipelines/app/file", h.Admin, nil)
	if file["exists"] != false || file["path"] != ".wheelhouse-pipeline.yml" {
		t.Fatalf("file before the push: %v", file)
	}

	// A push: Gitea's own delivery starts the execution.
	commit := gitea.Push(t, repo, "main", goApp, "the app")
	first := waitExecution(t, h, base, commit, "Success")
	steps := stepsOf(first)
	if c := steps["go-test"]["cache"].(map[string]any); c["result"] != "Miss" {
		t.Errorf("first run's cache: %v", c)
	}
	if _, body := get(t, h, base+"/pipeline-executions/"+first["metadata"].(map[string]any)["name"].(string)+"/logs?stage=1&step=0"); !strings.Contains(body, "push") {
		t.Logf("publish log: %s", body)
	}
	ref, err := name.ParseReference(reg.Host+"/team/app:1", name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := remote.Head(ref, reg.RemoteOptions("pusher", "push-secret")...); err != nil {
		t.Errorf("the image was not published: %v", err)
	}
	cm, err := conn.Kube.CoreV1().ConfigMaps("team-apps").Get(t.Context(), "app-release", metav1.GetOptions{})
	if err != nil || cm.Data["commit"] != commit[:7] {
		t.Errorf("applied ConfigMap %v: %v", cm, err)
	}

	// Saving the file commits it; that push runs again, with the cache.
	file = h.Expect(http.StatusOK, http.MethodGet, base+"/pipelines/app/file", h.Admin, nil)
	h.ExpectProblem(t, http.StatusUnprocessableEntity, http.MethodPut, base+"/pipelines/app/file", h.Admin,
		map[string]any{"content": "stages: 3\n", "sha": file["sha"]}, "body.content")
	saved := h.Expect(http.StatusOK, http.MethodPut, base+"/pipelines/app/file", h.Admin,
		map[string]any{"content": file["content"].(string) + "# saved through Wheelhouse\n", "sha": file["sha"], "message": "Save from the console"})
	h.Expect(http.StatusConflict, http.MethodPut, base+"/pipelines/app/file", h.Admin,
		map[string]any{"content": file["content"], "sha": file["sha"]})
	second := waitExecution(t, h, base, saved["commit"].(string), "Success")
	if c := stepsOf(second)["go-test"]["cache"].(map[string]any); c["result"] != "Hit" {
		t.Errorf("second run's cache: %v", c)
	}

	// The same delivery again (a forge's retry) starts nothing.
	delivery := rec.last(t, "push")
	status, out := delivery.send(t, h)
	if status != http.StatusOK || out["outcome"] != "duplicate" {
		t.Errorf("a delivery sent again: %d %v", status, out)
	}
	var all struct {
		Items []map[string]any `json:"items"`
	}
	if err := h.GetJSON(base+"/pipeline-executions?pipeline=app", &all); err != nil || len(all.Items) != 2 {
		t.Errorf("%d executions after the replay, want 2 (%v)", len(all.Items), err)
	}

	// A delivery with a wrong signature starts nothing.
	hookURL := "/api/v1/hooks/pipelines/" + first["metadata"].(map[string]any)["namespace"].(string) + "/app"
	req, _ := http.NewRequest(http.MethodPost, h.URL+hookURL, strings.NewReader(`{"ref":"refs/heads/main"}`))
	req.Header.Set("X-Gitea-Event", "push")
	req.Header.Set("X-Gitea-Signature", strings.Repeat("0", 64))
	resp, err := h.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a wrong signature answered %d", resp.StatusCode)
	}

	// A branch pushed, then a pull request of it: the push's run gets the
	// project's secret (masked in its log), the pull request's run of the
	// same commit, from Gitea's pull_request delivery, does not.
	ns := first["metadata"].(map[string]any)["namespace"].(string)
	if _, err := conn.Kube.CoreV1().Secrets(ns).Create(t.Context(), &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "app-secrets"},
		StringData: map[string]string{"token": "s3cret-token-value"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	feature := gitea.Push(t, repo, "feature", map[string]string{".wheelhouse-pipeline.yml": secretFile}, "a feature")
	pushed := waitEvent(t, h, base, feature, "push", "Success")
	if _, body := get(t, h, logOf(base, pushed)); !strings.Contains(body, "event=push token=****") || strings.Contains(body, "s3cret-token-value") {
		t.Errorf("the push run's log: %q", body)
	}
	var pr map[string]any
	gitea.API(t, http.MethodPost, "/repos/"+repo.FullName+"/pulls", map[string]any{"head": "feature", "base": "main", "title": "A feature"}, &pr)
	pulled := waitEvent(t, h, base, feature, "pull_request", "Success")
	if _, body := get(t, h, logOf(base, pulled)); !strings.Contains(body, "event=pull_request token=none") {
		t.Errorf("the pull request run's log: %q", body)
	}
}

// secretFile is a pipeline that says which event ran it and prints the
// project's secret it is given (never on a pull request).
const secretFile = `stages:
- name: check
  steps:
  - name: event
    runScript:
      image: busybox
      shellScript: echo "event=$CICD_EVENT token=${TOKEN:-none}"
    envFrom:
    - {sourceName: app-secrets, sourceKey: token, targetKey: TOKEN}
`

// logOf is the path of the first step's log of execution x.
func logOf(base string, x map[string]any) string {
	return base + "/pipeline-executions/" + x["metadata"].(map[string]any)["name"].(string) + "/logs?stage=0&step=0"
}

// buildTimeout bounds an execution of goApp: a cold Go build of its
// standard library takes a minute or more on 2 busy cores.
const buildTimeout = 6 * time.Minute

// finalStates are the states an execution does not leave.
var finalStates = map[string]bool{"Success": true, "Failed": true, "Aborted": true, "Denied": true}

// waitExecution waits for the execution of commit to reach state.
func waitExecution(t *testing.T, h *servertest.Harness, base, commit, state string) map[string]any {
	t.Helper()
	return waitEvent(t, h, base, commit, "", state)
}

// waitEvent waits for the execution of commit run by event (any when
// empty) to reach state.
func waitEvent(t *testing.T, h *servertest.Harness, base, commit, event, state string) map[string]any {
	t.Helper()
	var found map[string]any
	servertest.Eventually(t, func() error {
		var list struct {
			Items []map[string]any `json:"items"`
		}
		if err := h.GetJSON(base+"/pipeline-executions?pipeline=app", &list); err != nil {
			return err
		}
		for _, x := range list.Items {
			spec := x["spec"].(map[string]any)
			if spec["commit"] != commit || (event != "" && spec["event"] != event) {
				continue
			}
			status, _ := x["status"].(map[string]any)
			if status["state"] == state {
				found = x
				return nil
			}
			err := fmt.Errorf("execution of %.7s (%s): %v %v", commit, spec["event"], status["state"], status["message"])
			if finalStates[fmt.Sprint(status["state"])] {
				return gomega.StopTrying(err.Error()) // it will not change
			}
			return err
		}
		return fmt.Errorf("no execution of %.7s %s yet", commit, event)
	}).WithTimeout(buildTimeout).Should(gomega.Succeed())
	return found
}

// stepsOf maps step names to their status.
func stepsOf(x map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, st := range x["status"].(map[string]any)["stages"].([]any) {
		for _, step := range st.(map[string]any)["steps"].([]any) {
			s := step.(map[string]any)
			out[s["name"].(string)] = s
		}
	}
	return out
}

// recorder forwards the deliveries Gitea sends to the server and keeps
// them.
type recorder struct {
	h  *servertest.Harness
	mu sync.Mutex
	in []recorded
}

// recorded is one delivery as Gitea sent it.
type recorded struct {
	path   string
	header http.Header
	body   []byte
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	d := recorded{path: req.URL.Path, header: req.Header.Clone(), body: body}
	r.mu.Lock()
	r.in = append(r.in, d)
	r.mu.Unlock()
	status, out := d.send(nil, r.h)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(out)
}

// last is the last delivery of event.
func (r *recorder) last(t *testing.T, event string) recorded {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.in) - 1; i >= 0; i-- {
		if r.in[i].header.Get("X-Gitea-Event") == event {
			return r.in[i]
		}
	}
	t.Fatalf("no %s delivery recorded", event)
	return recorded{}
}

// send posts the delivery to the server as it came.
func (d recorded) send(t *testing.T, h *servertest.Harness) (int, map[string]any) {
	req, err := http.NewRequest(http.MethodPost, h.URL+d.path, bytes.NewReader(d.body))
	if err != nil {
		if t != nil {
			t.Fatal(err)
		}
		return http.StatusBadGateway, nil
	}
	for k, v := range d.header {
		req.Header[k] = v
	}
	resp, err := h.Client.Do(req)
	if err != nil {
		if t != nil {
			t.Fatal(err)
		}
		return http.StatusBadGateway, nil
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}
