package nodes

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	corev1 "k8s.io/api/core/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/drain"
)

// defaultDrainTimeout is the timeout of a drain that sets none.
const defaultDrainTimeout = 300

// NodeDrainOptions are the options of a drain.
type NodeDrainOptions struct {
	IgnoreDaemonSets   bool   `json:"ignoreDaemonSets,omitempty" doc:"Leave DaemonSet pods in place; without it a DaemonSet pod on the node stops the drain"`
	DeleteEmptyDirData bool   `json:"deleteEmptyDirData,omitempty" doc:"Evict pods with emptyDir volumes, losing that data; without it such a pod stops the drain"`
	Force              bool   `json:"force,omitempty" doc:"Evict pods that no controller recreates; without it such a pod stops the drain"`
	GracePeriodSeconds *int64 `json:"gracePeriodSeconds,omitempty" minimum:"0" maximum:"86400" doc:"Termination grace period for the evicted pods; absent keeps each pod's own"`
	TimeoutSeconds     int    `json:"timeoutSeconds,omitempty" minimum:"0" maximum:"86400" doc:"Give up after this long, listing the pods still there; 0 or absent means 300"`
}

// DrainNodeInput starts a drain.
type DrainNodeInput struct {
	NodeInput
	Body *NodeDrainOptions
}

// NodeDrainPod is a pod a drain dealt with.
type NodeDrainPod struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Reason    string `json:"reason,omitempty" doc:"Why the pod is pending, was not evicted or was skipped"`
}

// NodeDrain is the progress of a drain.
type NodeDrain struct {
	ID         string           `json:"id"`
	Cluster    string           `json:"cluster"`
	Node       string           `json:"node"`
	State      string           `json:"state" enum:"Running,Succeeded,Failed,Interrupted" doc:"Interrupted: the server stopped during the drain and came back after its timeout"`
	By         string           `json:"by,omitempty" doc:"Who started the drain"`
	Message    string           `json:"message,omitempty" doc:"The outcome, once the drain has ended"`
	StartedAt  time.Time        `json:"startedAt"`
	ResumedAt  *time.Time       `json:"resumedAt,omitempty" doc:"When the server took the drain up again after a restart; absent if it never had to"`
	FinishedAt *time.Time       `json:"finishedAt,omitempty"`
	Options    NodeDrainOptions `json:"options"`
	Evicted    []NodeDrainPod   `json:"evicted" nullable:"false" doc:"Pods evicted and gone from the node"`
	Pending    []NodeDrainPod   `json:"pending" nullable:"false" doc:"Pods still to go, with what holds each (a PodDisruptionBudget, termination)"`
	NotEvicted []NodeDrainPod   `json:"notEvicted" nullable:"false" doc:"Pods that stopped the drain, refused by its options or still there at its timeout, with why"`
	Skipped    []NodeDrainPod   `json:"skipped" nullable:"false" doc:"Pods left on the node by design: mirror pods, DaemonSet pods with ignoreDaemonSets"`
}

// NodeDrainOutput is a drain's progress.
type NodeDrainOutput struct {
	Body NodeDrain
}

func registerDrain(api huma.API, d Deps, perm func(string) auth.Permission) {
	start := operation.New(http.MethodPost, basePath+"/{node}/drain", "drain-node", "Start draining a node", tags, perm(auth.VerbUpdate))
	start.Description = "Cordons the node, then evicts its pods through the Eviction API in the background, honouring " +
		"PodDisruptionBudgets (a blocked eviction is retried until the timeout). Follow it with GET on the same path. " +
		"The drain is recorded on the node (annotation wheelhouse.dev/drain, written with the cordon): a server that " +
		"restarts mid-drain takes it up again for the time left before its timeout (resumedAt), or reports it as " +
		"Interrupted when that time has passed."
	start.DefaultStatus = http.StatusAccepted
	start.Errors = append(start.Errors, http.StatusNotFound, http.StatusConflict, http.StatusServiceUnavailable)
	huma.Register(api, start, func(ctx context.Context, in *DrainNodeInput) (*NodeDrainOutput, error) {
		c, err := d.Cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		// A node missing from the cache gets its 404 before anything is
		// claimed; the API server has the last word when cordoning.
		if _, err := c.Get("nodes", "", in.Node); err != nil {
			return nil, operation.ClusterError(err)
		}
		opts := NodeDrainOptions{}
		if in.Body != nil {
			opts = *in.Body
		}
		timeout := opts.TimeoutSeconds
		if timeout == 0 {
			timeout = defaultDrainTimeout
		}
		st, err := d.Drains.Start(ctx, c.Kube, in.Cluster, in.Node, operation.Request(ctx).Username, drain.Options{
			IgnoreDaemonSets:   opts.IgnoreDaemonSets,
			DeleteEmptyDirData: opts.DeleteEmptyDirData,
			Force:              opts.Force,
			GracePeriodSeconds: opts.GracePeriodSeconds,
			Timeout:            time.Duration(timeout) * time.Second,
		})
		var busy *drain.InProgressError
		switch {
		case errors.As(err, &busy):
			return nil, huma.Error409Conflict(busy.Error())
		case err != nil:
			return nil, operation.ClusterError(err)
		}
		return &NodeDrainOutput{Body: drainView(st)}, nil
	})

	get := operation.New(http.MethodGet, basePath+"/{node}/drain", "get-node-drain", "Follow the last drain of a node", tags, perm(auth.VerbGet))
	get.Description = "The drain this server runs or ran, or else the one recorded on the node (read from the cluster's cache)."
	get.Errors = append(get.Errors, http.StatusNotFound)
	huma.Register(api, get, func(ctx context.Context, in *NodeInput) (*NodeDrainOutput, error) {
		c, err := d.Clusters.Get(in.Cluster)
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		// The cache may be unavailable (the cluster is down): what this
		// server remembers is still worth showing.
		var node *corev1.Node
		if o, err := c.Get("nodes", "", in.Node); err == nil {
			node = o.(*corev1.Node)
		}
		st, ok := d.Drains.Status(in.Cluster, in.Node, node)
		if !ok {
			return nil, huma.Error404NotFound(fmt.Sprintf("no drain of node %q in cluster %q is known", in.Node, in.Cluster))
		}
		return &NodeDrainOutput{Body: drainView(st)}, nil
	})
}

func drainView(st drain.Status) NodeDrain {
	v := NodeDrain{
		ID: st.ID, Cluster: st.Cluster, Node: st.Node, State: string(st.State), By: st.By, Message: st.Message,
		StartedAt: st.StartedAt, ResumedAt: st.ResumedAt, FinishedAt: st.FinishedAt,
		Options: NodeDrainOptions{
			IgnoreDaemonSets:   st.Options.IgnoreDaemonSets,
			DeleteEmptyDirData: st.Options.DeleteEmptyDirData,
			Force:              st.Options.Force,
			GracePeriodSeconds: st.Options.GracePeriodSeconds,
			TimeoutSeconds:     int(st.Options.Timeout / time.Second),
		},
		Evicted:    drainPods(st.Evicted),
		Pending:    drainPods(st.Pending),
		NotEvicted: drainPods(st.NotEvicted),
		Skipped:    drainPods(st.Skipped),
	}
	return v
}

func drainPods(ps []drain.Pod) []NodeDrainPod {
	out := make([]NodeDrainPod, len(ps))
	for i, p := range ps {
		out[i] = NodeDrainPod(p)
	}
	return out
}
