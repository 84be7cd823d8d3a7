//go:build !unit

package nodes_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

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
	kubeconfig := sandboxtest.Start(t, 2) // first, so that it is deleted after the server stops
	h := servertest.New(t, servertest.Options{})
	c := h.ConnectCluster(clusterName, kubeconfig)
	e := &env{h: h, c: c, user: h.CreateUser("nobody", "user"), nodeURL: "/api/v1/clusters/" + clusterName + "/nodes"}
	list := servertest.WaitFor(t, h, e.nodeURL, func(l nodeList) error {
		if len(l.Items) != 2 || l.Items[0].Status != "Ready" || l.Items[1].Status != "Ready" {
			return fmt.Errorf("want 2 Ready nodes, got %+v", l.Items)
		}
		return nil
	})
	e.node0, e.node1 = list.Items[0].Name, list.Items[1].Name
	return e
}

type nodeList = servertest.List[nodes.NodeView]

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
	if err := e.h.GetJSON(e.nodeURL, &all); err != nil {
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
	if err := e.h.GetJSON(e.nodeURL+"?limit=1", &first); err != nil {
		t.Fatal(err)
	}
	if len(first.Items) != 1 || first.Continue == "" || first.Total != 2 || first.Items[0].Name != e.node0 {
		t.Fatalf("first page %+v", first)
	}
	if err := e.h.GetJSON(e.nodeURL+"?limit=1&continue="+first.Continue, &second); err != nil {
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
		if err := e.h.GetJSON(e.nodeURL+tt.query, &l); err != nil {
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
	p := e.h.ExpectProblem(t, http.StatusNotFound, http.MethodGet, "/api/v1/clusters/nowhere/nodes", h.Admin, nil, "")
	if !strings.Contains(fmt.Sprint(p["detail"]), "nowhere") {
		t.Errorf("unknown cluster problem does not name it: %v", p)
	}
	e.h.ExpectProblem(t, http.StatusNotFound, http.MethodPost, "/api/v1/clusters/nowhere/nodes/x/cordon", h.Admin, nil, "")
	e.h.ExpectProblem(t, http.StatusNotFound, http.MethodGet, "/api/v1/clusters/nowhere/nodes/x/drain", h.Admin, nil, "")

	e.h.ExpectProblem(t, http.StatusBadRequest, http.MethodGet, e.nodeURL+"?labelSelector=app+in+(web", h.Admin, nil, "query.labelSelector")
	e.h.ExpectProblem(t, http.StatusBadRequest, http.MethodGet, e.nodeURL+"?fieldSelector=spec.podCIDR%3Dx", h.Admin, nil, "query.fieldSelector")
	e.h.ExpectProblem(t, http.StatusBadRequest, http.MethodGet, e.nodeURL+"?continue=bogus", h.Admin, nil, "query.continue")

	e.h.ExpectProblem(t, http.StatusNotFound, http.MethodGet, e.nodeURL+"/missing", h.Admin, nil, "")
	e.h.ExpectProblem(t, http.StatusNotFound, http.MethodPost, e.nodeURL+"/missing/cordon", h.Admin, nil, "")
	e.h.ExpectProblem(t, http.StatusNotFound, http.MethodPatch, e.nodeURL+"/missing", h.Admin, map[string]any{"labels": map[string]string{"a": "b"}}, "")
	e.h.ExpectProblem(t, http.StatusNotFound, http.MethodPost, e.nodeURL+"/missing/drain", h.Admin, map[string]any{}, "")
	e.h.ExpectProblem(t, http.StatusNotFound, http.MethodGet, e.nodeURL+"/"+e.node1+"/drain", h.Admin, nil, "")

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
		e.h.ExpectProblem(t, http.StatusForbidden, r.method, r.path, e.user, body, "")
	}
	e.h.ExpectProblem(t, http.StatusUnauthorized, http.MethodGet, e.nodeURL, "", nil, "")
}
