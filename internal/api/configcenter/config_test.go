//go:build !unit

package configcenter_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

const (
	clusterName = "c1"
	namespace   = "team"
	project     = "p1"
	nsURL       = "/api/v1/clusters/" + clusterName + "/namespaces/" + namespace
)

// env is one server with one sandbox cluster whose namespace team is in
// project p1, with a project member and a project viewer.
type env struct {
	h      *servertest.Harness
	c      *multicluster.Cluster
	member string
	viewer string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	h, c := servertest.WithSandbox(t, servertest.Options{}, clusterName, 1, namespace)
	h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/clusters/"+clusterName+"/projects", h.Admin, map[string]any{"name": project})
	h.AddToProject(t, clusterName, project, namespace)
	e := &env{h: h, c: c, member: h.CreateUser("dev", "user"), viewer: h.CreateUser("watcher", "user")}
	members := "/api/v1/clusters/" + clusterName + "/projects/" + project + "/members/"
	h.Expect(http.StatusOK, http.MethodPut, members+"dev", h.Admin, map[string]string{"role": "member"})
	h.Expect(http.StatusOK, http.MethodPut, members+"watcher", h.Admin, map[string]string{"role": "viewer"})
	return e
}

func TestConfigCenter(t *testing.T) {
	e := newEnv(t)
	t.Run("ConfigMapHistory", e.testConfigMapHistory)
	t.Run("SecretHistory", e.testSecretHistory)
	t.Run("Conflict", e.testConflict)
	t.Run("BadInput", e.testBadInput)
	t.Run("DeleteAndRestore", e.testDeleteAndRestore)
	t.Run("List", e.testList)
	t.Run("LastAppliedHidden", e.testLastAppliedHidden)
	// Last: it takes the history table away for a moment.
	t.Run("NotRecorded", e.testNotRecorded)
}

// testNotRecorded makes recording fail after the cluster accepted a change:
// the client learns that the change is live but not in the history.
func (e *env) testNotRecorded(t *testing.T) {
	h, url := e.h, nsURL+"/configmaps"
	cm := h.Expect(http.StatusCreated, http.MethodPost, url, e.member, map[string]any{"name": "unrecorded", "data": map[string]string{"k": "1"}})
	db := h.Store.DB().WithContext(t.Context())
	if err := db.Exec("ALTER TABLE config_versions RENAME TO config_versions_away").Error; err != nil {
		t.Fatal(err)
	}
	problem := h.Expect(http.StatusInternalServerError, http.MethodPut, url+"/unrecorded", e.member, map[string]any{
		"resourceVersion": cm["resourceVersion"], "data": map[string]string{"k": "2"}})
	if err := db.Exec("ALTER TABLE config_versions_away RENAME TO config_versions").Error; err != nil {
		t.Fatal(err)
	}
	if d := fmt.Sprint(problem["detail"]); !strings.Contains(d, "was updated in cluster") || !strings.Contains(d, "history misses this change") {
		t.Errorf("problem: %v", problem)
	}
	live, err := e.c.Kube.CoreV1().ConfigMaps(namespace).Get(t.Context(), "unrecorded", metav1.GetOptions{})
	if err != nil || live.Data["k"] != "2" {
		t.Errorf("the change is not in the cluster: %v %v", live, err)
	}
	if !strings.Contains(h.Logs.String(), "Config version not recorded") {
		t.Error("the cause was not logged")
	}
	if n := len(items(h.Expect(http.StatusOK, http.MethodGet, url+"/unrecorded/versions", e.member, nil))); n != 1 {
		t.Errorf("%d versions, want 1", n)
	}
}

func (e *env) testConfigMapHistory(t *testing.T) {
	h, url := e.h, nsURL+"/configmaps"
	cm := h.Expect(http.StatusCreated, http.MethodPost, url, e.member, map[string]any{
		"name": "app", "labels": map[string]string{"tier": "web"}, "data": map[string]string{"a": "1", "b": "2"}})
	cm = h.Expect(http.StatusOK, http.MethodPut, url+"/app", e.member, map[string]any{
		"resourceVersion": cm["resourceVersion"], "data": map[string]string{"a": "1", "b": "3", "c": "4"}})
	if cm["labels"].(map[string]any)["tier"] != "web" {
		t.Errorf("update without labels dropped them: %v", cm["labels"])
	}
	h.Expect(http.StatusOK, http.MethodPut, url+"/app", e.member, map[string]any{
		"resourceVersion": cm["resourceVersion"], "data": map[string]string{"b": "3", "c": "4"}})

	versions := items(h.Expect(http.StatusOK, http.MethodGet, url+"/app/versions", e.viewer, nil))
	if got := fields(versions, "version", "change", "createdBy"); !cmp.Equal(got, []string{"3 updated dev", "2 updated dev", "1 created dev"}) {
		t.Errorf("versions: %v", got)
	}
	if _, ok := versions[0]["data"]; ok {
		t.Errorf("version list carries data: %v", versions[0])
	}
	page := h.Expect(http.StatusOK, http.MethodGet, url+"/app/versions?limit=2", e.viewer, nil)
	if len(items(page)) != 2 || page["continue"] == nil {
		t.Errorf("first page of 2: %v", page)
	}

	v2 := h.Expect(http.StatusOK, http.MethodGet, url+"/app/versions/2", e.viewer, nil)
	if !cmp.Equal(v2["data"], map[string]any{"a": "1", "b": "3", "c": "4"}) {
		t.Errorf("version 2: %v", v2)
	}

	diff := h.Expect(http.StatusOK, http.MethodGet, url+"/app/diff?from=1&to=3", e.viewer, nil)
	want := []map[string]any{
		{"key": "a", "change": "removed", "from": "1"},
		{"key": "b", "change": "changed", "from": "2", "to": "3"},
		{"key": "c", "change": "added", "to": "4"},
	}
	if d := cmp.Diff(want, items(map[string]any{"items": diff["changes"]})); d != "" {
		t.Errorf("diff 1..3 (-want +got):\n%s", d)
	}

	rb := h.Expect(http.StatusOK, http.MethodPost, url+"/app/rollback", e.member, map[string]any{"version": 1})
	if rb["version"] != 4.0 || rb["change"] != "rolled-back" || rb["rollbackOf"] != 1.0 {
		t.Errorf("rollback version: %v", rb)
	}
	live, err := e.c.Kube.CoreV1().ConfigMaps(namespace).Get(t.Context(), "app", metav1.GetOptions{})
	if err != nil || !cmp.Equal(live.Data, map[string]string{"a": "1", "b": "2"}) {
		t.Errorf("cluster after rollback: %v %v", live, err)
	}
	if n := len(items(h.Expect(http.StatusOK, http.MethodGet, url+"/app/versions", e.viewer, nil))); n != 4 {
		t.Errorf("history after rollback has %d versions, want 4", n)
	}

	h.Expect(http.StatusNotFound, http.MethodGet, url+"/app/versions/99", e.viewer, nil)
	h.Expect(http.StatusNotFound, http.MethodGet, url+"/app/diff?from=1&to=99", e.viewer, nil)
	h.Expect(http.StatusNotFound, http.MethodPost, url+"/app/rollback", e.member, map[string]any{"version": 99})
	h.Expect(http.StatusForbidden, http.MethodPost, url+"/app/rollback", e.viewer, map[string]any{"version": 1})
}

func (e *env) testSecretHistory(t *testing.T) {
	h, url := e.h, nsURL+"/secrets"
	values := []string{marker(t), marker(t), marker(t)}
	s := h.Expect(http.StatusCreated, http.MethodPost, url, e.member, map[string]any{
		"name": "db", "type": "Opaque", "stringData": map[string]string{"password": values[0], "user": "app"}})
	if _, ok := s["data"]; ok {
		t.Errorf("create response shows values: %v", s)
	}
	s = h.Expect(http.StatusOK, http.MethodPut, url+"/db", e.member, map[string]any{
		"resourceVersion": s["resourceVersion"], "stringData": map[string]string{"password": values[1], "user": "app"}})
	h.Expect(http.StatusOK, http.MethodPut, url+"/db", e.member, map[string]any{
		"resourceVersion": s["resourceVersion"],
		"data":            map[string]string{"password": base64.StdEncoding.EncodeToString([]byte(values[2]))}})

	if got := fields(items(h.Expect(http.StatusOK, http.MethodGet, url+"/db/versions", e.viewer, nil)), "version", "change"); !cmp.Equal(got, []string{"3 updated", "2 updated", "1 created"}) {
		t.Errorf("versions: %v", got)
	}

	// Keys without values for everyone; values only on reveal by who may
	// change Secrets.
	got := h.Expect(http.StatusOK, http.MethodGet, url+"/db", e.viewer, nil)
	if got["type"] != "Opaque" || got["revealed"] != false || got["data"] != nil ||
		!cmp.Equal(fields(items(map[string]any{"items": got["keys"]}), "key", "size"), []string{"password " + fmt.Sprint(len(values[2]))}) {
		t.Errorf("secret as viewer: %v", got)
	}
	h.Expect(http.StatusForbidden, http.MethodGet, url+"/db?reveal=true", e.viewer, nil)
	h.Expect(http.StatusForbidden, http.MethodGet, url+"/db/versions/1?reveal=true", e.viewer, nil)
	v1 := h.Expect(http.StatusOK, http.MethodGet, url+"/db/versions/1", e.viewer, nil)
	if v1["data"] != nil || len(v1["sizes"].([]any)) != 2 {
		t.Errorf("version 1 as viewer: %v", v1)
	}
	revealed := h.Expect(http.StatusOK, http.MethodGet, url+"/db?reveal=true", e.member, nil)
	if revealed["data"].(map[string]any)["password"] != b64(values[2]) {
		t.Errorf("revealed secret: %v", revealed["revealed"])
	}
	v1 = h.Expect(http.StatusOK, http.MethodGet, url+"/db/versions/1?reveal=true", e.member, nil)
	if v1["data"].(map[string]any)["password"] != b64(values[0]) {
		t.Error("revealed version 1 does not hold the first value")
	}

	diff := h.Expect(http.StatusOK, http.MethodGet, url+"/db/diff?from=1&to=3", e.viewer, nil)
	want := []map[string]any{{"key": "password", "change": "changed", "base64": true}, {"key": "user", "change": "removed", "base64": true}}
	if d := cmp.Diff(want, items(map[string]any{"items": diff["changes"]})); d != "" {
		t.Errorf("diff as viewer (-want +got):\n%s", d)
	}
	h.Expect(http.StatusForbidden, http.MethodGet, url+"/db/diff?from=1&to=3&reveal=true", e.viewer, nil)
	diff = h.Expect(http.StatusOK, http.MethodGet, url+"/db/diff?from=1&to=3&reveal=true", e.h.Admin, nil)
	if c := diff["changes"].([]any)[0].(map[string]any); c["from"] != b64(values[0]) || c["to"] != b64(values[2]) {
		t.Errorf("revealed diff: %v", diff["revealed"])
	}

	h.Expect(http.StatusOK, http.MethodPost, url+"/db/rollback", e.member, map[string]any{"version": 1})
	live, err := e.c.Kube.CoreV1().Secrets(namespace).Get(t.Context(), "db", metav1.GetOptions{})
	if err != nil || string(live.Data["password"]) != values[0] || string(live.Data["user"]) != "app" {
		t.Errorf("cluster after rollback: %v", err)
	}
	if n := len(items(h.Expect(http.StatusOK, http.MethodGet, url+"/db/versions", e.viewer, nil))); n != 4 {
		t.Errorf("history after rollback has %d versions, want 4", n)
	}

	// No value in clear in the database or the logs.
	var payloads [][]byte
	if err := h.Store.DB().WithContext(t.Context()).Table("config_versions").Where("kind = ?", "secrets").Pluck("payload", &payloads).Error; err != nil {
		t.Fatal(err)
	}
	if len(payloads) < 4 {
		t.Fatalf("%d secret versions in the database", len(payloads))
	}
	logs := h.Logs.String()
	for _, v := range values {
		for _, p := range payloads {
			if bytes.Contains(p, []byte(v)) || bytes.Contains(p, []byte(b64(v))) {
				t.Error("a secret value is stored in clear")
			}
		}
		if strings.Contains(logs, v) || strings.Contains(logs, b64(v)) {
			t.Error("a secret value reached the logs")
		}
	}

	// Every reveal is audited, allowed or not.
	audit := items(h.Expect(http.StatusOK, http.MethodGet, "/api/v1/audit?action=reveal-secret", h.Admin, nil))
	got2 := fields(audit, "username", "outcome", "statusCode", "target")
	for _, w := range []string{
		"watcher denied 403 " + url + "/db",
		"watcher denied 403 " + url + "/db/versions/1",
		"watcher denied 403 " + url + "/db/diff",
		"dev success 200 " + url + "/db",
		"dev success 200 " + url + "/db/versions/1",
		"admin success 200 " + url + "/db/diff",
	} {
		if !slices.Contains(got2, w) {
			t.Errorf("audit lacks %q: %v", w, got2)
		}
	}
	if len(audit) != 6 {
		t.Errorf("%d reveal-secret entries, want 6: %v", len(audit), got2)
	}
	for _, a := range audit {
		if a["requestId"] == "" {
			t.Errorf("audit entry without request id: %v", a)
		}
	}
}

func (e *env) testConflict(t *testing.T) {
	h := e.h
	for _, kind := range []string{"configmaps", "secrets"} {
		url := nsURL + "/" + kind
		created := h.Expect(http.StatusCreated, http.MethodPost, url, e.member, map[string]any{"name": "race", "data": map[string]string{}})
		stale := created["resourceVersion"]
		h.Expect(http.StatusOK, http.MethodPut, url+"/race", e.member, map[string]any{"resourceVersion": stale, "labels": map[string]string{"n": "1"}})
		problem := h.Expect(http.StatusConflict, http.MethodPut, url+"/race", e.member, map[string]any{"resourceVersion": stale, "labels": map[string]string{"n": "2"}})
		if !strings.Contains(fmt.Sprint(problem["detail"]), "modified") {
			t.Errorf("%s conflict: %v", kind, problem)
		}
		h.Expect(http.StatusConflict, http.MethodDelete, url+"/race?resourceVersion="+fmt.Sprint(stale), e.member, nil)
		if n := len(items(h.Expect(http.StatusOK, http.MethodGet, url+"/race/versions", e.member, nil))); n != 2 {
			t.Errorf("%s: refused changes were recorded: %d versions", kind, n)
		}
	}
}

func (e *env) testBadInput(t *testing.T) {
	h := e.h
	for _, tt := range []struct {
		name, method, path string
		body               map[string]any
		location           string
	}{
		{"configmap key", http.MethodPost, "/configmaps", map[string]any{"name": "bad", "data": map[string]string{"bad key!": "x"}}, "body.data.bad key!"},
		{"configmap dotdot", http.MethodPost, "/configmaps", map[string]any{"name": "bad", "data": map[string]string{"..": "x"}}, "body.data..."},
		{"binary key twice", http.MethodPost, "/configmaps", map[string]any{"name": "bad", "data": map[string]string{"k": "x"}, "binaryData": map[string]string{"k": "eA=="}}, "body.binaryData.k"},
		{"configmap name", http.MethodPost, "/configmaps", map[string]any{"name": "Bad_Name"}, "body.name"},
		{"label", http.MethodPost, "/configmaps", map[string]any{"name": "bad", "labels": map[string]string{"a b": "c"}}, "body.labels.a b"},
		{"secret key", http.MethodPost, "/secrets", map[string]any{"name": "bad", "stringData": map[string]string{"no/slash": "x"}}, "body.stringData.no/slash"},
		{"secret data key", http.MethodPost, "/secrets", map[string]any{"name": "bad", "data": map[string]string{"sp ace": "eA=="}}, "body.data.sp ace"},
		{"update key", http.MethodPut, "/configmaps/app", map[string]any{"resourceVersion": "1", "data": map[string]string{"$x": "1"}}, "body.data.$x"},
		{"update without resourceVersion", http.MethodPut, "/secrets/db", map[string]any{"data": map[string]string{}}, "body.resourceVersion"},
		{"rollback version 0", http.MethodPost, "/configmaps/app/rollback", map[string]any{"version": 0}, "body.version"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			problem := h.Expect(http.StatusUnprocessableEntity, tt.method, nsURL+tt.path, e.member, tt.body)
			if !slices.Contains(servertest.ErrorLocations(problem), tt.location) {
				t.Errorf("problem does not name %s: %v", tt.location, problem)
			}
		})
	}
	// Nothing was written.
	if _, err := e.c.Kube.CoreV1().ConfigMaps(namespace).Get(t.Context(), "bad", metav1.GetOptions{}); err == nil {
		t.Error("an invalid ConfigMap was created")
	}
	if n := len(items(h.Expect(http.StatusOK, http.MethodGet, nsURL+"/configmaps/bad/versions", e.member, nil))); n != 0 {
		t.Errorf("an invalid ConfigMap has %d versions", n)
	}
	h.Expect(http.StatusNotFound, http.MethodGet, nsURL+"/secrets/missing", e.member, nil)
	h.Expect(http.StatusNotFound, http.MethodPut, nsURL+"/configmaps/missing", e.member, map[string]any{"resourceVersion": "1"})
	h.Expect(http.StatusNotFound, http.MethodGet, "/api/v1/clusters/nope/namespaces/team/configmaps", h.Admin, nil)
	h.Expect(http.StatusConflict, http.MethodPost, nsURL+"/configmaps", e.member, map[string]any{"name": "app"})
	h.Expect(http.StatusUnprocessableEntity, http.MethodGet, nsURL+"/configmaps/app/versions/0", e.member, nil)
}

func (e *env) testDeleteAndRestore(t *testing.T) {
	h, url := e.h, nsURL+"/secrets"
	value := marker(t)
	h.Expect(http.StatusCreated, http.MethodPost, url, e.member, map[string]any{"name": "gone", "type": "kubernetes.io/basic-auth",
		"labels": map[string]string{"app": "x"}, "stringData": map[string]string{"username": "u", "password": value}})
	h.Expect(http.StatusNoContent, http.MethodDelete, url+"/gone", e.member, nil)
	h.Expect(http.StatusNotFound, http.MethodDelete, url+"/gone", e.member, nil)
	versions := items(h.Expect(http.StatusOK, http.MethodGet, url+"/gone/versions", e.member, nil))
	if got := fields(versions, "version", "change"); !cmp.Equal(got, []string{"2 deleted", "1 created"}) {
		t.Fatalf("versions: %v", got)
	}
	h.Expect(http.StatusOK, http.MethodPost, url+"/gone/rollback", e.member, map[string]any{"version": 2})
	s, err := e.c.Kube.CoreV1().Secrets(namespace).Get(t.Context(), "gone", metav1.GetOptions{})
	if err != nil || s.Type != corev1.SecretTypeBasicAuth || string(s.Data["password"]) != value || s.Labels["app"] != "x" {
		t.Errorf("re-created secret: %v %v", s.Type, err)
	}
}

func (e *env) testList(t *testing.T) {
	h := e.h
	servertest.Eventually(t, func() bool {
		list := h.Expect(http.StatusOK, http.MethodGet, nsURL+"/configmaps?name=app&limit=1", e.viewer, nil)
		return len(items(list)) == 1 && list["total"] == 1.0
	}).Should(gomega.BeTrue())
	var page map[string]any
	servertest.Eventually(t, func() bool {
		page = h.Expect(http.StatusOK, http.MethodGet, nsURL+"/secrets?limit=1&sort=name", e.viewer, nil)
		return page["total"].(float64) >= 3
	}).Should(gomega.BeTrue())
	if page["continue"] == nil || len(items(page)) != 1 {
		t.Errorf("secret page: %v", page)
	}
	for _, it := range items(h.Expect(http.StatusOK, http.MethodGet, nsURL+"/secrets?limit=0", e.viewer, nil)) {
		if it["data"] != nil || it["keys"] != nil {
			t.Errorf("secret list item shows content: %v", it)
		}
	}
	servertest.Eventually(t, func() bool { // the cache catches up with the rollback
		got := h.Expect(http.StatusOK, http.MethodGet, nsURL+"/configmaps/app", e.viewer, nil)
		return cmp.Equal(got["data"], map[string]any{"a": "1", "b": "2"}) && cmp.Equal(got["keys"], []any{"a", "b"})
	}).Should(gomega.BeTrue())
	h.Expect(http.StatusBadRequest, http.MethodGet, nsURL+"/configmaps?labelSelector=a%20b%20c", e.viewer, nil)
	h.Expect(http.StatusForbidden, http.MethodGet, nsURL+"/configmaps", h.CreateUser("stranger", "user"), nil)
}

// testLastAppliedHidden: kubectl apply keeps a Secret's values in clear in
// an annotation; no view shows it.
func (e *env) testLastAppliedHidden(t *testing.T) {
	value := marker(t)
	applied := fmt.Sprintf(`{"apiVersion":"v1","kind":"Secret","stringData":{"token":%q}}`, value)
	_, err := e.c.Kube.CoreV1().Secrets(namespace).Create(t.Context(), &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "applied",
		Annotations: map[string]string{"kubectl.kubernetes.io/last-applied-configuration": applied, "team": "a"}},
		StringData: map[string]string{"token": value}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := e.h.Expect(http.StatusOK, http.MethodGet, nsURL+"/secrets/applied", e.viewer, nil)
	if !cmp.Equal(got["annotations"], map[string]any{"team": "a"}) || strings.Contains(fmt.Sprint(got), value) {
		t.Errorf("secret view shows the last applied configuration: %v", got["annotations"])
	}
	servertest.Eventually(t, func() bool {
		list := e.h.Expect(http.StatusOK, http.MethodGet, nsURL+"/secrets?name=applied", e.viewer, nil)
		return len(items(list)) == 1 && !strings.Contains(fmt.Sprint(list), value)
	}).Should(gomega.BeTrue())
}

func items(body map[string]any) []map[string]any {
	list, _ := body["items"].([]any)
	out := make([]map[string]any, 0, len(list))
	for _, it := range list {
		out = append(out, it.(map[string]any))
	}
	return out
}

// fields formats the named fields of each item, space-separated.
func fields(list []map[string]any, names ...string) []string {
	out := make([]string, 0, len(list))
	for _, it := range list {
		parts := make([]string, len(names))
		for i, n := range names {
			parts[i] = fmt.Sprint(it[n])
		}
		out = append(out, strings.Join(parts, " "))
	}
	return out
}

func marker(t *testing.T) string {
	t.Helper()
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "pw-" + hex.EncodeToString(b)
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
