// Package nodes serves the nodes of member clusters under
// /api/v1/clusters/{cluster}/nodes: lists and details read from the
// cluster's caches (with what the pods on each node request), cordon and
// uncordon, edits of labels, annotations and taints, and drains that run in
// the background and can be followed.
package nodes

import (
	"context"

	"github.com/danielgtaylor/huma/v2"
	corev1 "k8s.io/api/core/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/drain"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
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

	operation.CachedList[*corev1.Node, NodeView]{Kind: "nodes", ID: "list-nodes", Summary: "List the nodes of a cluster", Tags: tags,
		Description: "Read from the cluster's cache. Each node carries what its non-terminated pods request and, " +
			"where the cluster's metrics-server answers, what it uses.",
		Permission: perm(auth.VerbList), Views: nodeViews}.RegisterClusterWide(api, &d.Kit)

	get := operation.GetOp(basePath+"/{node}", "get-node", "Get a node with the pods bound to it", tags, perm(auth.VerbGet))
	huma.Register(api, get, func(ctx context.Context, in *NodeInput) (*NodeDetailOutput, error) {
		o, c, err := operation.GetCached[*corev1.Node](&d.Kit, in.Cluster, "nodes", "", in.Node)
		if err != nil {
			return nil, err
		}
		pods, u, err := podsOnNode(c, in.Node)
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		return &NodeDetailOutput{Body: detailOf(o, pods, u, c.Usage())}, nil
	})

	registerEdit(api, d, perm(auth.VerbUpdate))
	registerDrain(api, d, perm)
}

// nodeViews shows nodes with what the pods on each request (one pass over
// the cached pods for a page or a change) and what metrics-server says
// each uses.
func nodeViews(c *multicluster.Cluster) func(*corev1.Node) NodeView {
	byNode, _ := usageByNode(c) // a cluster that went down meanwhile shows no requests
	metrics := c.Usage()
	return func(n *corev1.Node) NodeView { return viewOf(n, byNode[n.Name], metrics) }
}
