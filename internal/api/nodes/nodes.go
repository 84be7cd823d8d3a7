// Package nodes serves the nodes of member clusters under
// /api/v1/clusters/{cluster}/nodes: lists and details read from the
// cluster's caches (with what the pods on each node request), cordon and
// uncordon, edits of labels, annotations and taints, and drains that run in
// the background and can be followed.
package nodes

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	corev1 "k8s.io/api/core/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/drain"
)

// ResourceNodes is the permission resource of every node operation.
const ResourceNodes = "nodes"

const basePath = "/api/v1/clusters/{cluster}/nodes"

var tags = []string{"Nodes"}

// Deps are what the node endpoints need.
type Deps struct {
	operation.Kit
	// Drains runs and remembers drains. The server registers the same
	// Tracker with its multicluster.Manager, which resumes each cluster's
	// interrupted drains when its connection comes up; nil makes a new one
	// that nothing registers (tests of the endpoints alone).
	Drains *drain.Tracker
}

// ListNodesInput selects and pages the nodes of a cluster.
type ListNodesInput struct {
	operation.ClusterParam
	operation.ClusterListParams
}

// ListNodesOutput is one page of nodes.
type ListNodesOutput struct {
	Body operation.ClusterList[NodeView]
}

// NodeInput names a node of a cluster.
type NodeInput struct {
	operation.ClusterParam
	Node string `path:"node" maxLength:"253" doc:"Node name"`
}

// NodeOutput is one node.
type NodeOutput struct {
	Body NodeView
}

// NodeDetailOutput is one node with its pods.
type NodeDetailOutput struct {
	Body NodeDetail
}

// Register adds the node endpoints to api.
func Register(api huma.API, d Deps) {
	if d.Drains == nil {
		d.Drains = drain.NewTracker(drain.Config{Logger: d.Logger})
	}
	perm := func(verb string) auth.Permission { return auth.Permission{Verb: verb, Resource: ResourceNodes} }

	list := operation.New(http.MethodGet, basePath, "list-nodes", "List the nodes of a cluster", tags, perm(auth.VerbList))
	list.Description = "Read from the cluster's cache. Each node carries what its non-terminated pods request and, " +
		"where the cluster's metrics-server answers, what it uses."
	list.Errors = append(list.Errors, http.StatusBadRequest, http.StatusNotFound, http.StatusServiceUnavailable)
	huma.Register(api, list, func(ctx context.Context, in *ListNodesInput) (*ListNodesOutput, error) {
		return listNodes(d, in)
	})

	get := operation.New(http.MethodGet, basePath+"/{node}", "get-node", "Get a node with the pods bound to it", tags, perm(auth.VerbGet))
	get.Errors = append(get.Errors, http.StatusNotFound, http.StatusServiceUnavailable)
	huma.Register(api, get, func(ctx context.Context, in *NodeInput) (*NodeDetailOutput, error) {
		c, err := d.Cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		o, err := c.Get("nodes", "", in.Node)
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		pods, u, err := podsOnNode(c, in.Node)
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		return &NodeDetailOutput{Body: detailOf(o.(*corev1.Node), pods, u, c.Usage())}, nil
	})

	registerEdit(api, d, perm(auth.VerbUpdate))
	registerDrain(api, d, perm)
}

func listNodes(d Deps, in *ListNodesInput) (*ListNodesOutput, error) {
	c, err := d.Cluster(in.Cluster)
	if err != nil {
		return nil, err
	}
	page, err := c.List("nodes", in.Query(""))
	if err != nil {
		return nil, operation.ClusterError(err)
	}
	out := &ListNodesOutput{}
	out.Body.Items, out.Body.Continue, out.Body.Total = make([]NodeView, 0, len(page.Items)), page.Continue, page.Total
	if len(page.Items) == 0 {
		return out, nil
	}
	want := make(map[string]bool, len(page.Items))
	for _, o := range page.Items {
		want[o.(*corev1.Node).Name] = true
	}
	byNode, err := usageByNode(c, want)
	if err != nil {
		return nil, operation.ClusterError(err)
	}
	metrics := c.Usage()
	for _, o := range page.Items {
		n := o.(*corev1.Node)
		out.Body.Items = append(out.Body.Items, viewOf(n, byNode[n.Name], metrics))
	}
	return out, nil
}
