//go:build !unit

package nodes_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/nodes"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

const clusterName = "sbx"

// env is one server with one real two-node sandbox cluster connected as
// clusterName, shared by the subtests of TestNodes.
type env struct {
	h       *servertest.Harness
	c       *multicluster.Cluster
	user    string // a signed-in user without bindings
	node0   string // the node drained
	node1   string // the other node
	nodeURL string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	kubeconfig := sandboxtest.Start(t, 2)
	h := servertest.New(t, servertest.Options{})
	cfg, err := clientcmd.LoadFromFile(kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	if err := clientcmdapi.FlattenConfig(cfg); err != nil {
		t.Fatal(err)
	}
	raw, err := clientcmd.Write(*cfg)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := clientcmd.RESTConfigFromKubeConfig(raw)
	if err != nil {
		t.Fatal(err)
	}
	c, err := h.Clusters.Connect(t.Context(), clusterName, rc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	if err := c.WaitForSync(ctx); err != nil {
		t.Fatal(err)
	}
	e := &env{h: h, c: c, user: h.CreateUser("nobody", "user"), nodeURL: "/api/v1/clusters/" + clusterName + "/nodes"}
	var list nodeList
	servertest.Eventually(t, func() error {
		if err := e.get(e.nodeURL, &list); err != nil {
			return err
		}
		if len(list.Items) != 2 || list.Items[0].Status != "Ready" || list.Items[1].Status != "Ready" {
			return fmt.Errorf("want 2 Ready nodes, got %+v", list.Items)
		}
		return nil
	})
	e.node0, e.node1 = list.Items[0].Name, list.Items[1].Name
	return e
}

type nodeList struct {
	Items    []nodes.NodeView `json:"items"`
	Continue string           `json:"continue"`
	Total    int              `json:"total"`
}

// get reads path as the admin into out, failing on any status but 200.
func (e *env) get(path string, out any) error {
	code, body, _ := e.h.Do(http.MethodGet, path, e.h.Admin, nil)
	if code != http.StatusOK {
		return fmt.Errorf("GET %s: %d %v", path, code, body)
	}
	return remarshal(body, out)
}

func remarshal(in, out any) error {
	raw, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, out)
}

func decode[T any](t *testing.T, in map[string]any) T {
	t.Helper()
	var out T
	if err := remarshal(in, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// expectProblem sends a request, checks the status and that the problem
// names want among its error locations (when want is not empty).
func (e *env) expectProblem(t *testing.T, status int, method, path, token string, body any, want string) map[string]any {
	t.Helper()
	p := e.h.Expect(status, method, path, token, body)
	if want != "" && !slices.Contains(servertest.ErrorLocations(p), want) {
		t.Errorf("%s %s: locations %v, want %q in %v", method, path, servertest.ErrorLocations(p), want, p)
	}
	return p
}

func TestNodes(t *testing.T) {
	e := newEnv(t)
	t.Run("list", e.testList)
	t.Run("errors", e.testErrors)
	t.Run("requested", e.testRequested)
	t.Run("edit", e.testEdit)
	t.Run("cordon", e.testCordon)
	t.Run("drain", e.testDrain)
}

func (e *env) testList(t *testing.T) {
	var all nodeList
	if err := e.get(e.nodeURL, &all); err != nil {
		t.Fatal(err)
	}
	if all.Total != 2 || all.Continue != "" {
		t.Errorf("total %d continue %q", all.Total, all.Continue)
	}
	n := all.Items[0]
	if n.Versions.Kubelet == "" || n.Capacity["cpu"] == "" || n.Allocatable["pods"] == "" || n.Roles == nil ||
		len(n.Conditions) == 0 || n.CreationTimestamp.IsZero() || n.UID == "" {
		t.Errorf("incomplete view %+v", n)
	}

	var first, second nodeList
	if err := e.get(e.nodeURL+"?limit=1", &first); err != nil {
		t.Fatal(err)
	}
	if len(first.Items) != 1 || first.Continue == "" || first.Total != 2 || first.Items[0].Name != e.node0 {
		t.Fatalf("first page %+v", first)
	}
	if err := e.get(e.nodeURL+"?limit=1&continue="+first.Continue, &second); err != nil {
		t.Fatal(err)
	}
	if len(second.Items) != 1 || second.Continue != "" || second.Items[0].Name != e.node1 {
		t.Errorf("second page %+v", second)
	}

	for _, tt := range []struct {
		query string
		want  []string
	}{
		{"?sort=-name", []string{e.node1, e.node0}},
		{"?name=" + e.node1, []string{e.node1}},
		{"?fieldSelector=metadata.name%3D" + e.node0, []string{e.node0}},
		{"?fieldSelector=spec.unschedulable%3Dtrue", nil},
		{"?labelSelector=kubernetes.io/hostname%3D" + e.node1, []string{e.node1}},
		{"?labelSelector=nothing%3Dhere", nil},
	} {
		var l nodeList
		if err := e.get(e.nodeURL+tt.query, &l); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, n := range l.Items {
			got = append(got, n.Name)
		}
		if !slices.Equal(got, tt.want) || l.Total != len(tt.want) {
			t.Errorf("%s: %v (total %d), want %v", tt.query, got, l.Total, tt.want)
		}
	}
}

func (e *env) testErrors(t *testing.T) {
	h := e.h
	node := e.nodeURL + "/" + e.node0
	p := e.expectProblem(t, http.StatusNotFound, http.MethodGet, "/api/v1/clusters/nowhere/nodes", h.Admin, nil, "")
	if !strings.Contains(fmt.Sprint(p["detail"]), "nowhere") {
		t.Errorf("unknown cluster problem does not name it: %v", p)
	}
	e.expectProblem(t, http.StatusNotFound, http.MethodPost, "/api/v1/clusters/nowhere/nodes/x/cordon", h.Admin, nil, "")
	e.expectProblem(t, http.StatusNotFound, http.MethodGet, "/api/v1/clusters/nowhere/nodes/x/drain", h.Admin, nil, "")

	e.expectProblem(t, http.StatusBadRequest, http.MethodGet, e.nodeURL+"?labelSelector=app+in+(web", h.Admin, nil, "query.labelSelector")
	e.expectProblem(t, http.StatusBadRequest, http.MethodGet, e.nodeURL+"?fieldSelector=spec.podCIDR%3Dx", h.Admin, nil, "query.fieldSelector")
	e.expectProblem(t, http.StatusBadRequest, http.MethodGet, e.nodeURL+"?continue=bogus", h.Admin, nil, "query.continue")

	e.expectProblem(t, http.StatusNotFound, http.MethodGet, e.nodeURL+"/missing", h.Admin, nil, "")
	e.expectProblem(t, http.StatusNotFound, http.MethodPost, e.nodeURL+"/missing/cordon", h.Admin, nil, "")
	e.expectProblem(t, http.StatusNotFound, http.MethodPatch, e.nodeURL+"/missing", h.Admin, map[string]any{"labels": map[string]string{"a": "b"}}, "")
	e.expectProblem(t, http.StatusNotFound, http.MethodPost, e.nodeURL+"/missing/drain", h.Admin, map[string]any{}, "")
	e.expectProblem(t, http.StatusNotFound, http.MethodGet, e.nodeURL+"/"+e.node1+"/drain", h.Admin, nil, "")

	for _, r := range []struct{ method, path string }{
		{http.MethodGet, e.nodeURL},
		{http.MethodGet, node},
		{http.MethodPatch, node},
		{http.MethodPost, node + "/cordon"},
		{http.MethodPost, node + "/uncordon"},
		{http.MethodPost, node + "/drain"},
		{http.MethodGet, node + "/drain"},
	} {
		var body any
		if r.method != http.MethodGet {
			body = map[string]any{}
		}
		e.expectProblem(t, http.StatusForbidden, r.method, r.path, e.user, body, "")
	}
	e.expectProblem(t, http.StatusUnauthorized, http.MethodGet, e.nodeURL, "", nil, "")
}
