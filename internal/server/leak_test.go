//go:build !unit

package server_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/onsi/gomega"

	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// exchange is one recorded request and its answer.
type exchange struct {
	method, path string
	status       int
	header       http.Header
	body         []byte
}

// recorder keeps every answer its client gets.
type recorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	log  []exchange
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	r.mu.Lock()
	r.log = append(r.log, exchange{method: req.Method, path: req.URL.RequestURI(), status: resp.StatusCode, header: resp.Header.Clone(), body: body})
	r.mu.Unlock()
	return resp, nil
}

func plant(prefix string) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// TestPlantedSecretsNeverLeak runs a session that handles secrets of every
// kind the server keeps (a user's passwords, right, wrong and too short; a
// kubeconfig's token, imported and refused; a Secret's values, written,
// refused and applied), including the requests that fail, then searches
// every response, every log line, every audit row and the database files
// for them. The one response that may hold a value is the audited
// ?reveal=true read of the Secret, checked to hold it, so the search is
// known to see values where they are.
func TestPlantedSecretsNeverLeak(t *testing.T) {
	kubeconfigPath := sandboxtest.Start(t, 1)
	h := servertest.New(t, servertest.Options{})
	rec := &recorder{base: h.Client.Transport}
	h.Client.Transport = rec

	password, wrong, short, next := plant("pw-"), plant("guess-"), plant("s")[:7], plant("next-")
	values := []string{plant("value-"), plant("value-"), plant("value-"), plant("value-")}

	// Passwords.
	h.Expect(201, http.MethodPost, "/api/v1/users", h.Admin, map[string]string{"username": "bob", "password": password, "role": "user"})
	h.Expect(422, http.MethodPost, "/api/v1/users", h.Admin, map[string]string{"username": "eve", "password": short, "role": "user"})
	h.Expect(422, http.MethodPost, "/api/v1/users", h.Admin, `{"username":"eve","password":"`+password+`","password":"`+wrong+`","role":"user"}`)
	h.Expect(400, http.MethodPost, "/api/v1/login", "", `{"username":"bob","password":"`+password+`"`)
	h.Expect(401, http.MethodPost, "/api/v1/login", "", map[string]string{"username": "bob", "password": wrong})
	bob := h.Login("bob", password)
	h.Expect(422, http.MethodPut, "/api/v1/users/me/password", bob, map[string]string{"currentPassword": wrong, "newPassword": next})
	h.Expect(422, http.MethodPut, "/api/v1/users/me/password", bob, map[string]string{"currentPassword": password, "newPassword": short})
	h.Expect(204, http.MethodPut, "/api/v1/users/me/password", bob, map[string]string{"currentPassword": password, "newPassword": next})
	h.Expect(200, http.MethodPatch, "/api/v1/users/bob", h.Admin, map[string]string{"password": password})

	// A kubeconfig's token: refused imports, an import, a refused rotation.
	cfg, err := clientcmd.LoadFromFile(kubeconfigPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := clientcmdapi.FlattenConfig(cfg); err != nil {
		t.Fatal(err)
	}
	cluster := cfg.Clusters[cfg.Contexts[cfg.CurrentContext].Cluster]
	rc, err := clientcmd.BuildConfigFromFlags("", kubeconfigPath)
	if err != nil {
		t.Fatal(err)
	}
	kube := kubernetes.NewForConfigOrDie(rc)
	token := servertest.ServiceAccountToken(t, kube)
	ca := string(cluster.CertificateAuthorityData)
	h.Expect(422, http.MethodPost, "/api/v1/clusters", h.Admin, map[string]string{"name": "self", "server": h.URL, "token": token})
	h.Expect(422, http.MethodPost, "/api/v1/clusters", h.Admin, map[string]string{"name": "bad", "server": cluster.Server, "caData": ca, "token": token + "x"})
	h.Expect(422, http.MethodPost, "/api/v1/clusters", h.Admin, map[string]any{"name": "typed", "server": cluster.Server, "token": []string{token}})
	h.Expect(201, http.MethodPost, "/api/v1/clusters", h.Admin, map[string]string{"name": "dev", "server": cluster.Server, "caData": ca, "token": token})
	h.Expect(422, http.MethodPatch, "/api/v1/clusters/dev", h.Admin, map[string]string{
		"kubeconfig": "apiVersion: __internal\nkind: Config\ncurrent-context: x\ncontexts: {x: {cluster: c, user: u}}\nclusters: {c: null}\nusers: {u: {token: " + token + "}}\n"})
	servertest.WaitFor(t, h, "/api/v1/clusters/dev", func(c map[string]any) error {
		if c["phase"] != "Ready" {
			return fmt.Errorf("phase %v", c["phase"])
		}
		return nil
	})
	h.Expect(200, http.MethodGet, "/api/v1/clusters", h.Admin, nil)

	// A Secret's values: written, refused, read, applied.
	if _, err := kube.CoreV1().Namespaces().Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "vault"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	secrets := "/api/v1/clusters/dev/namespaces/vault/secrets"
	var created map[string]any
	servertest.Eventually(t, func() int {
		code, body, _ := h.Do(http.MethodPost, secrets, h.Admin, map[string]any{"name": "db", "stringData": map[string]string{"password": values[0]}})
		created = body
		return code
	}).Should(gomega.Equal(http.StatusCreated))
	h.Expect(422, http.MethodPost, secrets, h.Admin, map[string]any{"name": "bad/name", "stringData": map[string]string{"password": values[1]}})
	h.Expect(422, http.MethodPost, secrets, h.Admin, map[string]any{"name": "typed", "stringData": map[string]any{"password": []string{values[1]}}})
	h.Expect(200, http.MethodPut, secrets+"/db", h.Admin, map[string]any{"resourceVersion": created["resourceVersion"], "stringData": map[string]string{"password": values[1]}})
	h.Expect(200, http.MethodGet, secrets+"/db", h.Admin, nil)
	h.Expect(200, http.MethodGet, secrets, h.Admin, nil)
	h.Expect(200, http.MethodGet, secrets+"/db/versions", h.Admin, nil)
	h.Expect(200, http.MethodGet, secrets+"/db/versions/1", h.Admin, nil)
	h.Expect(200, http.MethodGet, secrets+"/db/diff?from=1&to=2", h.Admin, nil)
	doc := func(v string) string {
		return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: vault\nstringData:\n  password: " + v + "\n"
	}
	applyYAML(t, h, 200, "/api/v1/clusters/dev/apply?dryRun=true", doc(values[2]))
	applyYAML(t, h, 400, "/api/v1/clusters/dev/apply", doc(values[2])+"  password: "+values[3]+"\n")
	applyYAML(t, h, 200, "/api/v1/clusters/dev/apply", doc(values[2]))
	revealAt := len(rec.log)
	revealed := h.Expect(200, http.MethodGet, secrets+"/db?reveal=true", h.Admin, nil)
	if data, _ := revealed["data"].(map[string]any); data["password"] != base64.StdEncoding.EncodeToString([]byte(values[2])) {
		t.Fatalf("the reveal does not show the value: %v", revealed)
	}
	h.Expect(200, http.MethodGet, "/api/v1/tokens", h.Admin, nil)
	audit := h.Expect(200, http.MethodGet, "/api/v1/audit?limit=1000", h.Admin, nil)

	planted := map[string]string{"password": password, "wrong password": wrong, "short password": short, "new password": next,
		"kubeconfig token": token, "kubeconfig token's end": token[len(token)-24:]}
	for i, v := range values {
		planted[fmt.Sprintf("Secret value %d", i)] = v
		planted[fmt.Sprintf("Secret value %d, base64", i)] = base64.StdEncoding.EncodeToString([]byte(v))
	}
	search := func(where string, text []byte) {
		t.Helper()
		for what, secret := range planted {
			if bytes.Contains(text, []byte(secret)) {
				t.Errorf("the %s appears in %s", what, where)
			}
		}
	}
	for i, x := range rec.log {
		if i == revealAt {
			continue
		}
		headers, _ := json.Marshal(x.header)
		search(fmt.Sprintf("the answer %d to %s %s", x.status, x.method, x.path), append(headers, x.body...))
	}
	search("the log", []byte(h.Logs.String()))
	rows, _, err := h.Store.Audit().List(t.Context(), store.AuditFilter{ListOptions: store.ListOptions{Limit: store.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(audit["items"].([]any)) || len(rows) < 20 {
		t.Errorf("%d audit rows, %d listed: the session should have left at least 20", len(rows), len(audit["items"].([]any)))
	}
	for _, r := range rows {
		raw, _ := json.Marshal(r)
		search("the audit row "+r.Action, raw)
	}
	for _, f := range []string{h.Store.Where(), h.Store.Where() + "-wal"} {
		if raw, err := os.ReadFile(f); err == nil {
			search("the database file "+f, raw)
		}
	}
}

// applyYAML applies documents as the admin and checks the status.
func applyYAML(t *testing.T, h *servertest.Harness, want int, path, body string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, h.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/yaml")
	req.Header.Set("Authorization", "Bearer "+h.Admin)
	resp, err := h.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		out, _ := io.ReadAll(resp.Body)
		t.Fatalf("apply: %d, want %d: %s", resp.StatusCode, want, out)
	}
}
