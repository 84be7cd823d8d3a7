//go:build !unit

package registries_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/pullsecrets"
	"github.com/wheelhouse-dev/wheelhouse/internal/registry/registrytest"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

const (
	clusterName = "c1"
	namespace   = "apps"
	user        = "alice"
	password    = "correct-horse-battery-0b7e"
)

var platforms = []v1.Platform{{OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "arm64", Variant: "v8"}}

// env is a server with one sandbox cluster and two real registries: one
// with htpasswd over plain HTTP, one behind a token server over TLS from
// its own CA, each holding a two-platform image team/app:v1.
type env struct {
	h              *servertest.Harness
	c              *multicluster.Cluster
	basic, tokened *registrytest.Registry
	credID         float64
}

func newEnv(t *testing.T) *env {
	t.Helper()
	h := servertest.New(t, servertest.Options{})
	c := h.ImportCluster(clusterName, sandboxtest.Start(t, 1))
	servertest.CreateNamespaces(t, c, namespace)
	e := &env{h: h, c: c}
	var err error
	if e.basic, err = registrytest.Start(t.TempDir(), registrytest.Options{Username: user, Password: password}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.basic.Stop)
	if e.tokened, err = registrytest.Start(t.TempDir(), registrytest.Options{Username: user, Password: password, Token: true, TLS: true}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.tokened.Stop)
	for _, r := range []*registrytest.Registry{e.basic, e.tokened} {
		if _, err := r.Push("team/app", "v1", user, password, platforms, 4096); err != nil {
			t.Fatal(err)
		}
	}
	cred := h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/credentials", h.Admin, map[string]any{
		"name": "alice", "type": "registry", "fields": map[string]string{"username": user, "password": password},
	})
	e.credID = cred["id"].(float64)
	h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/registries", h.Admin, map[string]any{
		"name": "basic", "type": "distribution", "endpoint": e.basic.URL, "insecure": true, "credentialId": e.credID,
	})
	h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/registries", h.Admin, map[string]any{
		"name": "tokened", "type": "distribution", "endpoint": e.tokened.URL, "caBundle": string(e.tokened.CAPEM), "credentialId": e.credID,
	})
	return e
}

func TestRegistries(t *testing.T) {
	e := newEnv(t)
	t.Run("RefusedSettings", e.testRefusedSettings)
	t.Run("TestConnection", e.testConnection)
	t.Run("Browse", e.testBrowse)
	t.Run("Copy", e.testCopy)
	t.Run("PullSecrets", e.testPullSecrets)
	t.Run("RenewedBeforeExpiry", e.testRenewedBeforeExpiry)
	t.Run("Webhooks", e.testWebhooks)
	t.Run("ProjectScope", e.testProjectScope)
	t.Run("SecretNeverLeaves", e.testSecretNeverLeaves)
}

// testRefusedSettings: each way a registry cannot be used is a 422 naming
// the field to fix, and nothing is stored.
func (e *env) testRefusedSettings(t *testing.T) {
	h := e.h
	wrong := h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/credentials", h.Admin, map[string]any{
		"name": "wrong", "type": "registry", "fields": map[string]string{"username": user, "password": "nope"},
	})
	aws := h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/credentials", h.Admin, map[string]any{
		"name": "aws", "type": "aws", "fields": map[string]string{"accessKeyId": "AKIA", "secretAccessKey": "x"},
	})
	body := func(kv ...any) map[string]any {
		return servertest.With(map[string]any{"name": "refused", "type": "distribution", "endpoint": e.basic.URL, "insecure": true, "credentialId": e.credID}, kv...)
	}
	for _, tc := range []struct {
		name   string
		body   map[string]any
		loc    string
		reason string
	}{
		{"wrong password", body("credentialId", wrong["id"]), "body.credentialId", "Unauthorized"},
		{"untrusted certificate", body("endpoint", e.tokened.URL, "insecure", false), "body.caBundle", "UntrustedCertificate"},
		{"nothing listening", body("endpoint", "http://127.0.0.1:1"), "body.endpoint", "Unreachable"},
		{"credential of another kind", body("credentialId", aws["id"]), "body.credentialId", ""},
		{"no such credential", body("credentialId", 9999), "body.credentialId", ""},
		{"plain http without insecure", body("insecure", false), "body.endpoint", ""},
		{"a setting of another type", body("settings", map[string]string{"region": "us-east-1"}), "body.settings.region", ""},
		{"name not a DNS label", body("name", "Bad_Name"), "body.name", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := h.ExpectProblem(t, http.StatusUnprocessableEntity, http.MethodPost, "/api/v1/registries", h.Admin, tc.body, tc.loc)
			if tc.reason != "" && !strings.Contains(fmt.Sprint(p["errors"]), tc.reason) {
				t.Errorf("the problem does not say %s: %v", tc.reason, p)
			}
		})
	}
	if names := servertest.ItemNames(h.Expect(http.StatusOK, http.MethodGet, "/api/v1/registries", h.Admin, nil)); !slices.Equal(names, []string{"basic", "tokened"}) {
		t.Errorf("refused registries were stored: %v", names)
	}
	h.Expect(http.StatusNoContent, http.MethodDelete, "/api/v1/credentials/"+servertest.FormatID(wrong["id"].(float64)), h.Admin, nil)
	h.Expect(http.StatusNoContent, http.MethodDelete, "/api/v1/credentials/"+servertest.FormatID(aws["id"].(float64)), h.Admin, nil)
}

// testConnection: the test action tells a registry that went away apart
// from one that works.
func (e *env) testConnection(t *testing.T) {
	h := e.h
	ok := h.Expect(http.StatusOK, http.MethodPost, "/api/v1/registries/tokened/test", h.Admin, nil)
	if ok["ok"] != true {
		t.Errorf("test: %v", ok)
	}
	h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/registries?validate=false", h.Admin, map[string]any{
		"name": "gone", "type": "distribution", "endpoint": "http://127.0.0.1:1", "insecure": true,
	})
	p := h.ExpectProblem(t, http.StatusFailedDependency, http.MethodPost, "/api/v1/registries/gone/test", h.Admin, nil, "registry.endpoint")
	if !strings.Contains(fmt.Sprint(p), "Unreachable") {
		t.Errorf("test of an unreachable registry: %v", p)
	}
	// The status is the last test's, remembered, and not audited: a list
	// of registries in the console reads it for each one.
	st := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/registries/tokened/status", h.Admin, nil)
	again := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/registries/tokened/status", h.Admin, nil)
	if st["ok"] != true || st["checkedAt"] == nil || again["checkedAt"] != st["checkedAt"] {
		t.Errorf("status: %v, then %v: want the remembered test", st, again)
	}
	h.ExpectProblem(t, http.StatusFailedDependency, http.MethodGet, "/api/v1/registries/gone/status", h.Admin, nil, "registry.endpoint")
	h.Expect(http.StatusOK, http.MethodPut, "/api/v1/registries/gone?validate=false", h.Admin, map[string]any{"endpoint": e.basic.URL, "insecure": true,
		"credentialId": e.credID})
	if st := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/registries/gone/status", h.Admin, nil); st["ok"] != true {
		t.Errorf("status after the registry was fixed: %v", st)
	}
	audit := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/audit?action=get-registry-status", h.Admin, nil)
	if items, _ := audit["items"].([]any); len(items) != 0 {
		t.Errorf("status reads were audited: %v", items)
	}
	h.Expect(http.StatusNoContent, http.MethodDelete, "/api/v1/registries/gone", h.Admin, nil)
}

func (e *env) testBrowse(t *testing.T) {
	h := e.h
	repos := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/registries/tokened/repositories?name=app", h.Admin, nil)
	if names := servertest.ItemNames(repos); !slices.Equal(names, []string{"team/app"}) {
		t.Fatalf("repositories: %v", repos)
	}
	tags := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/registries/tokened/tags?repository=team/app", h.Admin, nil)
	items, _ := tags["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("tags: %v", tags)
	}
	v1 := items[0].(map[string]any)
	if v1["name"] != "v1" || !strings.HasPrefix(v1["digest"].(string), "sha256:") || len(v1["platforms"].([]any)) != 2 || v1["size"].(float64) < 8192 {
		t.Errorf("tag v1: %v", v1)
	}
	h.ExpectProblem(t, http.StatusNotFound, http.MethodGet, "/api/v1/registries/tokened/tags?repository=no/such", h.Admin, nil, "")
	h.ExpectProblem(t, http.StatusNotFound, http.MethodDelete, "/api/v1/registries/basic/tags?repository=team/app&tag=nope", h.Admin, nil, "")

	if _, err := e.basic.Push("scratch/app", "gone", user, password, platforms[:1], 256); err != nil {
		t.Fatal(err)
	}
	h.Expect(http.StatusNoContent, http.MethodDelete, "/api/v1/registries/basic/tags?repository=scratch/app&tag=gone", h.Admin, nil)
	ref, _ := e.basic.Ref("scratch/app:gone")
	if _, err := remote.Head(ref, e.basic.RemoteOptions(user, password)...); err == nil {
		t.Error("the deleted tag is still in the registry")
	}
}

// testCopy copies the two-platform image from the basic registry to the
// token one through the server, follows it to the end, and cancels one.
func (e *env) testCopy(t *testing.T) {
	h := e.h
	started := h.Expect(http.StatusAccepted, http.MethodPost, "/api/v1/copies", h.Admin, map[string]any{
		"from": map[string]any{"registry": "basic", "repository": "team/app", "reference": "v1"},
		"to":   map[string]any{"registry": "tokened", "repository": "copied/app", "tag": "v1-copy"},
	})
	id := started["id"].(string)
	var job map[string]any
	servertest.Eventually(t, func() string {
		job = h.Expect(http.StatusOK, http.MethodGet, "/api/v1/copies/"+id, h.Admin, nil)
		return job["state"].(string)
	}).Should(gomega.Equal("Succeeded"))
	src, _ := e.basic.Ref("team/app:v1")
	want, err := remote.Head(src, e.basic.RemoteOptions(user, password)...)
	if err != nil {
		t.Fatal(err)
	}
	if job["digest"] != want.Digest.String() || job["completeBytes"].(float64) < 8192 || job["completeBytes"] != job["totalBytes"] {
		t.Errorf("the copy: %v, want digest %s", job, want.Digest)
	}
	dst, _ := e.tokened.Ref("copied/app:v1-copy")
	got, err := remote.Index(dst, e.tokened.RemoteOptions(user, password)...)
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := got.IndexManifest(); len(m.Manifests) != 2 {
		t.Errorf("the copied index has %d images, want 2", len(m.Manifests))
	}
	if list := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/copies", h.Admin, nil); len(list["items"].([]any)) == 0 {
		t.Errorf("copies list: %v", list)
	}

	h.ExpectInvalid(t, []servertest.InvalidCase{
		servertest.Invalid("no source reference", http.MethodPost, "/api/v1/copies", map[string]any{
			"from": map[string]any{"registry": "basic", "repository": "team/app"},
			"to":   map[string]any{"registry": "tokened", "repository": "x", "tag": "y"}}, "body.from.reference"),
		servertest.Invalid("no such target registry", http.MethodPost, "/api/v1/copies", map[string]any{
			"from": map[string]any{"registry": "basic", "repository": "team/app", "reference": "v1"},
			"to":   map[string]any{"registry": "nope", "repository": "x", "tag": "y"}}, "body.to.registry"),
	})

	h.ExpectProblem(t, http.StatusNotFound, http.MethodPost, "/api/v1/copies", h.Admin, map[string]any{
		"from": map[string]any{"registry": "basic", "repository": "team/app", "reference": "no-such-tag"},
		"to":   map[string]any{"registry": "tokened", "repository": "copied/app", "tag": "never"},
	}, "")
	never, _ := e.tokened.Ref("copied/app:never")
	if _, err := remote.Head(never, e.tokened.RemoteOptions(user, password)...); err == nil {
		t.Error("a refused copy wrote its tag")
	}

	t.Run("Cancelled", e.testCopyCancelled)
}

// testCopyCancelled cancels a copy while its source holds the blobs back
// (a proxy in front of the basic registry that answers no blob until the
// test lets it): the job ends Cancelled and the tag is never written.
func (e *env) testCopyCancelled(t *testing.T) {
	h := e.h
	target, _ := url.Parse(e.basic.URL)
	blobAsked, release := make(chan struct{}, 16), make(chan struct{})
	var failing atomic.Bool
	proxy := httputil.NewSingleHostReverseProxy(target)
	stalling := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/blobs/") && r.Method == http.MethodGet {
			if failing.Load() {
				http.Error(w, "the source broke", http.StatusBadGateway)
				return
			}
			blobAsked <- struct{}{}
			select {
			case <-release:
			case <-r.Context().Done():
				return
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(stalling.Close)
	defer close(release)
	h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/registries", h.Admin, map[string]any{
		"name": "stalling", "type": "distribution", "endpoint": stalling.URL, "insecure": true, "credentialId": e.credID,
	})
	job := h.Expect(http.StatusAccepted, http.MethodPost, "/api/v1/copies", h.Admin, map[string]any{
		"from": map[string]any{"registry": "stalling", "repository": "team/app", "reference": "v1"},
		"to":   map[string]any{"registry": "tokened", "repository": "cancelled/app", "tag": "v1"},
	})
	select {
	case <-blobAsked:
	case <-time.After(time.Minute):
		t.Fatal("the copy never asked for a blob")
	}
	cancelled := h.Expect(http.StatusOK, http.MethodDelete, "/api/v1/copies/"+job["id"].(string), h.Admin, nil)
	if cancelled["state"] != "Cancelled" || !strings.Contains(cancelled["message"].(string), "no tag was written") {
		t.Errorf("cancelled copy: %v", cancelled)
	}
	ref, _ := e.tokened.Ref("cancelled/app:v1")
	if _, err := remote.Head(ref, e.tokened.RemoteOptions(user, password)...); err == nil {
		t.Error("a cancelled copy wrote its tag")
	}

	// A source that breaks part-way: the job ends Failed, and no tag.
	failing.Store(true)
	broken := h.Expect(http.StatusAccepted, http.MethodPost, "/api/v1/copies", h.Admin, map[string]any{
		"from": map[string]any{"registry": "stalling", "repository": "team/app", "reference": "v1"},
		"to":   map[string]any{"registry": "tokened", "repository": "broken/app", "tag": "v1"},
	})
	servertest.Eventually(t, func() string {
		return h.Expect(http.StatusOK, http.MethodGet, "/api/v1/copies/"+broken["id"].(string), h.Admin, nil)["state"].(string)
	}).Should(gomega.Equal("Failed"))
	ref, _ = e.tokened.Ref("broken/app:v1")
	if _, err := remote.Head(ref, e.tokened.RemoteOptions(user, password)...); err == nil {
		t.Error("a failed copy wrote its tag")
	}
	h.Expect(http.StatusNoContent, http.MethodDelete, "/api/v1/registries/stalling", h.Admin, nil)
}

// testPullSecrets attaches the token registry to a namespace and checks
// the Secret a pod would use, then its repair, rotation and removal.
func (e *env) testPullSecrets(t *testing.T) {
	h := e.h
	target := h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/registries/tokened/pullsecrets", h.Admin, map[string]any{
		"cluster": clusterName, "namespace": namespace,
	})
	if target["secretName"] != "tokened-pull" {
		t.Errorf("target: %v", target)
	}
	secrets := e.c.Kube.CoreV1().Secrets(namespace)
	authOf := func() string {
		s, err := secrets.Get(t.Context(), "tokened-pull", metav1.GetOptions{})
		if err != nil {
			return "missing: " + err.Error()
		}
		if s.Type != corev1.SecretTypeDockerConfigJson || s.Labels[pullsecrets.ManagedLabel] == "" {
			return "wrong kind of Secret: " + string(s.Type)
		}
		var cfg struct {
			Auths map[string]struct {
				Username, Password string
			} `json:"auths"`
		}
		if err := json.Unmarshal(s.Data[corev1.DockerConfigJsonKey], &cfg); err != nil {
			return err.Error()
		}
		a := cfg.Auths[e.tokened.Host]
		return a.Username + ":" + a.Password
	}
	servertest.Eventually(t, authOf).Should(gomega.Equal(user + ":" + password))
	servertest.Eventually(t, func() string {
		list := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/registries/tokened/pullsecrets", h.Admin, nil)
		st, _ := list["items"].([]any)[0].(map[string]any)["status"].([]any)
		if len(st) != 1 {
			return fmt.Sprint(list)
		}
		s := st[0].(map[string]any)
		return fmt.Sprintf("%v %v %v", s["namespace"], s["writtenAt"] != nil, s["error"])
	}).Should(gomega.Equal(namespace + " true <nil>"))

	// A kubelet pulls with it: the dockerconfigjson logs in to the registry.
	ref, _ := e.tokened.Ref("team/app:v1")
	u, p, _ := strings.Cut(authOf(), ":")
	if _, err := remote.Head(ref, e.tokened.RemoteOptions(u, p)...); err != nil {
		t.Errorf("the Secret's login does not work: %v", err)
	}

	t.Run("Repaired", func(t *testing.T) {
		if err := secrets.Delete(t.Context(), "tokened-pull", metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		h.PullSecrets.Changed(clusterName)
		servertest.Eventually(t, authOf).Should(gomega.Equal(user + ":" + password))
	})

	t.Run("Rotated", func(t *testing.T) {
		e.tokened.Tokens.SetPassword(password + "-2")
		h.Expect(http.StatusOK, http.MethodPatch, "/api/v1/credentials/"+servertest.FormatID(e.credID), h.Admin, map[string]any{
			"fields": map[string]string{"password": password + "-2"},
		})
		servertest.Eventually(t, authOf).Should(gomega.Equal(user + ":" + password + "-2"))
		e.tokened.Tokens.SetPassword(password)
		h.Expect(http.StatusOK, http.MethodPatch, "/api/v1/credentials/"+servertest.FormatID(e.credID), h.Admin, map[string]any{
			"fields": map[string]string{"password": password},
		})
		servertest.Eventually(t, authOf).Should(gomega.Equal(user + ":" + password))
	})

	t.Run("BadTargets", func(t *testing.T) {
		h.ExpectInvalid(t, []servertest.InvalidCase{
			servertest.Invalid("no cluster", http.MethodPost, "/api/v1/registries/tokened/pullsecrets", map[string]any{"namespace": namespace}, "body.cluster"),
			servertest.Invalid("unknown cluster", http.MethodPost, "/api/v1/registries/tokened/pullsecrets", map[string]any{"cluster": "nope", "namespace": namespace}, "body.cluster"),
			servertest.Invalid("both namespace and project", http.MethodPost, "/api/v1/registries/tokened/pullsecrets",
				map[string]any{"cluster": clusterName, "namespace": namespace, "project": "p"}, "body.namespace"),
			servertest.Invalid("bad secret name", http.MethodPost, "/api/v1/registries/tokened/pullsecrets",
				map[string]any{"cluster": clusterName, "namespace": namespace, "secretName": "Bad_Name"}, "body.secretName"),
		})
	})

	t.Run("Removed", func(t *testing.T) {
		h.Expect(http.StatusNoContent, http.MethodDelete, "/api/v1/registries/tokened/pullsecrets/"+servertest.FormatID(target["id"].(float64)), h.Admin, nil)
		servertest.Eventually(t, authOf).Should(gomega.HavePrefix("missing"))
	})
}

// testWebhooks points a real registry's notifications at a webhook and
// sees the push become an internal event; a wrong token and a malformed
// body are refused and recorded.
func (e *env) testWebhooks(t *testing.T) {
	h := e.h
	h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/registries?validate=false", h.Admin, map[string]any{
		"name": "notifier", "type": "distribution", "endpoint": "http://127.0.0.1:1", "insecure": true, "credentialId": e.credID,
	})
	hook := h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/registries/notifier/webhooks", h.Admin, map[string]any{
		"name": "pushes", "source": "distribution",
	})
	token := hook["token"].(string)
	if len(token) < 32 || !strings.HasPrefix(token, hook["tokenPrefix"].(string)) {
		t.Fatalf("webhook: %v", hook)
	}
	listed := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/registries/notifier/webhooks", h.Admin, nil)
	if strings.Contains(fmt.Sprint(listed), token) {
		t.Error("the token is shown again after creation")
	}
	notifying, err := registrytest.Start(t.TempDir(), registrytest.Options{Username: user, Password: password,
		NotifyURL: h.URL + hook["path"].(string), NotifyHeaders: map[string]string{"X-Wheelhouse-Token": token}, NotifyCAPEM: h.CAPEM})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(notifying.Stop)
	h.Expect(http.StatusOK, http.MethodPut, "/api/v1/registries/notifier", h.Admin, map[string]any{
		"endpoint": notifying.URL, "insecure": true, "credentialId": e.credID,
	})

	pushes, stop := h.Events.Subscribe(8)
	defer stop()
	digest, err := notifying.Push("hooked/app", "v7", user, password, platforms, 512)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.After(time.Minute)
	for got := false; !got; {
		select {
		case ev := <-pushes:
			got = ev.Repository == "hooked/app" && ev.Tag == "v7"
			if got && (ev.Digest != digest || ev.Registry != "notifier") {
				t.Errorf("event %+v, want digest %s of registry notifier", ev, digest)
			}
		case <-deadline:
			t.Fatalf("no event for the push; the registry's log:\n%s", notifying.Log.String())
		}
	}

	hookURL := h.URL + hook["path"].(string)
	post := func(tok, body string) int {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, hookURL, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/vnd.docker.distribution.events.v1+json")
		if tok != "" {
			req.Header.Set("X-Wheelhouse-Token", tok)
		}
		resp, err := h.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post("wrong", `{"events":[]}`); code != http.StatusUnauthorized {
		t.Errorf("wrong token: %d, want 401", code)
	}
	if code := post("", `{"events":[]}`); code != http.StatusUnauthorized {
		t.Errorf("no token: %d, want 401", code)
	}
	if code := post(token, `{"events": [`); code != http.StatusBadRequest {
		t.Errorf("malformed body: %d, want 400", code)
	}
	sent := `{"events":[{"id":"dup-1","timestamp":"2026-12-05T06:00:00Z","action":"push","target":{` +
		`"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:` + strings.Repeat("ab", 32) + `","repository":"hooked/app","tag":"v8"}}]}`
	if first, again := post(token, sent), post(token, sent); first != http.StatusAccepted || again != http.StatusOK {
		t.Errorf("the same push twice: %d then %d, want 202 then 200 (duplicate)", first, again)
	}
	deliveries := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/registries/notifier/webhooks/"+servertest.FormatID(hook["id"].(float64))+"/deliveries", h.Admin, nil)
	var outcomes []string
	for _, d := range deliveries["items"].([]any) {
		outcomes = append(outcomes, d.(map[string]any)["outcome"].(string))
	}
	for _, want := range []string{"accepted", "rejected", "duplicate"} {
		if !slices.Contains(outcomes, want) {
			t.Errorf("deliveries %v lack %s", outcomes, want)
		}
	}
}

// testSecretNeverLeaves: the registry password is in no response, log
// line or audit row.
func (e *env) testSecretNeverLeaves(t *testing.T) {
	h := e.h
	audit := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/audit?limit=500", h.Admin, nil)
	raw, _ := json.Marshal(audit)
	regs, _ := json.Marshal(h.Expect(http.StatusOK, http.MethodGet, "/api/v1/registries", h.Admin, nil))
	creds, _ := json.Marshal(h.Expect(http.StatusOK, http.MethodGet, "/api/v1/credentials", h.Admin, nil))
	for where, text := range map[string]string{"audit log": string(raw), "server log": h.Logs.String(), "registries": string(regs), "credentials": string(creds)} {
		if strings.Contains(text, password) {
			t.Errorf("the password is in the %s", where)
		}
	}
}

// testProjectScope: a project's registries are its members' to manage,
// with the project's credentials, which only its owners manage; a
// project's registry reaches only the project's namespaces, including ones
// added later.
func (e *env) testProjectScope(t *testing.T) {
	h := e.h
	const project = "p1"
	base := "/api/v1/clusters/" + clusterName + "/projects/" + project
	h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/clusters/"+clusterName+"/projects", h.Admin, map[string]any{"name": project})
	h.AddToProject(t, clusterName, project, namespace)
	member, viewer := h.CreateUser("dev", "user"), h.CreateUser("watcher", "user")
	h.Expect(http.StatusOK, http.MethodPut, base+"/members/dev", h.Admin, map[string]string{"role": "member"})
	h.Expect(http.StatusOK, http.MethodPut, base+"/members/watcher", h.Admin, map[string]string{"role": "viewer"})

	credBody := map[string]any{"name": "team", "type": "registry", "fields": map[string]string{"username": user, "password": password}}
	h.ExpectProblem(t, http.StatusForbidden, http.MethodPost, base+"/credentials", member, credBody, "")
	cred := h.Expect(http.StatusCreated, http.MethodPost, base+"/credentials", h.Admin, credBody)
	if cred["project"] != project || cred["cluster"] != clusterName {
		t.Errorf("project credential: %v", cred)
	}

	regBody := map[string]any{"name": "team", "type": "distribution", "endpoint": e.basic.URL, "insecure": true, "credentialId": cred["id"]}
	h.ExpectProblem(t, http.StatusForbidden, http.MethodPost, base+"/registries", viewer, regBody, "")
	h.ExpectProblem(t, http.StatusUnprocessableEntity, http.MethodPost, base+"/registries", member,
		servertest.With(regBody, "credentialId", e.credID), "body.credentialId")
	h.Expect(http.StatusCreated, http.MethodPost, base+"/registries", member, regBody)
	if names := servertest.ItemNames(h.Expect(http.StatusOK, http.MethodGet, base+"/registries", viewer, nil)); !slices.Equal(names, []string{"team"}) {
		t.Errorf("the project's registries: %v", names)
	}
	if names := servertest.ItemNames(h.Expect(http.StatusOK, http.MethodGet, "/api/v1/registries", h.Admin, nil)); slices.Contains(names, "team") {
		t.Errorf("a project's registry among the global ones: %v", names)
	}
	h.ExpectProblem(t, http.StatusForbidden, http.MethodGet, "/api/v1/registries", member, nil, "")

	h.ExpectProblem(t, http.StatusUnprocessableEntity, http.MethodPost, base+"/registries/team/pullsecrets", member,
		map[string]any{"namespace": "default"}, "body.namespace")
	h.Expect(http.StatusCreated, http.MethodPost, base+"/registries/team/pullsecrets", member, map[string]any{})
	later := "apps-later"
	servertest.CreateNamespaces(t, e.c, later)
	h.AddToProject(t, clusterName, project, later)
	for _, ns := range []string{namespace, later} {
		servertest.Eventually(t, func() error {
			_, err := e.c.Kube.CoreV1().Secrets(ns).Get(t.Context(), "team-pull", metav1.GetOptions{})
			return err
		}).Should(gomega.Succeed())
	}
	h.Expect(http.StatusNoContent, http.MethodDelete, base+"/registries/team", member, nil)
	servertest.Eventually(t, func() bool {
		_, err := e.c.Kube.CoreV1().Secrets(later).Get(t.Context(), "team-pull", metav1.GetOptions{})
		return err != nil
	}).Should(gomega.BeTrue())
}
