// Package clusters serves member clusters: import (a kubeconfig, or a
// server, CA and token), creation through a provider (a sandbox cluster),
// their status and resources, changes, and disconnection.
package clusters

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// ClusterView is a cluster as the API shows it. Credentials are never
// shown, only whether they are set.
type ClusterView struct {
	Name        string            `json:"name"`
	DisplayName string            `json:"displayName"`
	Provider    string            `json:"provider" doc:"import, or the provider that created it (sandbox)"`
	Labels      map[string]string `json:"labels"`
	Spec        map[string]string `json:"spec,omitempty" doc:"The provider's settings"`
	Phase       string            `json:"phase" enum:"Provisioning,Failed,Deleting,Syncing,Ready,Unavailable,Unauthorized"`
	Message     string            `json:"message,omitempty" doc:"Last error or provisioning step"`
	Since       *time.Time        `json:"since,omitempty" doc:"When the phase last changed"`
	Server      string            `json:"server,omitempty"`
	Version     string            `json:"kubernetesVersion,omitempty"`
	Credentials string            `json:"credentials" enum:"set,unset"`
	Access      *AccessView       `json:"access,omitempty" doc:"What the stored credentials let Wheelhouse do for its users; absent while not connected"`
	Resources   *Resources        `json:"resources,omitempty" doc:"Totals from the caches; absent while the cluster is not Ready"`
	Events      []EventView       `json:"events,omitempty" doc:"What happened to the cluster, oldest first (the newest 50): provisioning steps, failures, connection phase changes. Only when one cluster is read, not in lists"`
	CreatedBy   string            `json:"createdBy,omitempty"`
	CreatedAt   time.Time         `json:"createdAt"`
	UpdatedAt   time.Time         `json:"updatedAt"`
}

// AccessView says whether requests through the Kubernetes pass-through are
// made as their user.
type AccessView struct {
	Impersonation string `json:"impersonation" enum:"checking,supported,unsupported" doc:"supported: the pass-through impersonates the user (Wheelhouse keeps its roles in the cluster as RBAC), so the cluster's own authorization applies too; unsupported: requests go with the stored credentials, and the pass-through refuses to all but the cluster's owners what Wheelhouse cannot bound itself (RBAC objects, quotas, limit ranges)"`
	Message       string `json:"message,omitempty" doc:"Why impersonation is unsupported"`
}

func accessView(a multicluster.Access) *AccessView {
	switch {
	case !a.Checked:
		return &AccessView{Impersonation: "checking"}
	case a.Impersonate:
		return &AccessView{Impersonation: "supported"}
	}
	return &AccessView{Impersonation: "unsupported", Message: a.Reason}
}

// EventView is one event of a cluster, shaped like a Kubernetes Event.
type EventView struct {
	Type           string    `json:"type" enum:"Normal,Warning"`
	Reason         string    `json:"reason" doc:"One word: Created, Imported, Provisioning, Provisioned, ProvisioningFailed, RestartFailed, Ready, Syncing, Unavailable, Unauthorized, Recovered, CredentialsRotated, Deleting, DeleteFailed"`
	Message        string    `json:"message"`
	FirstTimestamp time.Time `json:"firstTimestamp"`
	LastTimestamp  time.Time `json:"lastTimestamp"`
	Count          int       `json:"count" doc:"How many times in a row it happened"`
}

func eventViews(events []store.ClusterEvent) []EventView {
	out := make([]EventView, 0, len(events))
	for _, e := range events {
		v := EventView{Type: e.Type, Reason: e.Reason, Message: e.Message, FirstTimestamp: e.Time, LastTimestamp: e.LastTime, Count: max(e.Count, 1)}
		if v.Type == "" {
			v.Type = store.EventNormal // recorded before events had types
		}
		if v.LastTimestamp.IsZero() {
			v.LastTimestamp = e.Time
		}
		out = append(out, v)
	}
	return out
}

// Resources totals a cluster's nodes and what its pods request.
type Resources struct {
	Nodes       int         `json:"nodes"`
	ReadyNodes  int         `json:"readyNodes"`
	Pods        int         `json:"pods" doc:"Pods not yet finished"`
	Capacity    ResourceSet `json:"capacity"`
	Allocatable ResourceSet `json:"allocatable"`
	Requested   ResourceSet `json:"requested" doc:"Sum of the requests of pods not yet finished"`
	Usage       *Usage      `json:"usage,omitempty" doc:"CPU and memory in use: the cluster's metrics-server NodeMetrics (metrics.k8s.io/v1beta1) summed over its nodes, fetched in the background every 30 s. Absent when the cluster serves no metrics.k8s.io, its last answer was an error, or it has no node metrics yet (a metrics-server that just started)"`
}

// Usage is the CPU and memory a cluster's nodes use, as metrics-server
// reports it.
type Usage struct {
	CPUMillis   int64     `json:"cpuMillis" doc:"CPU in use, in thousandths of a core"`
	MemoryBytes int64     `json:"memoryBytes" doc:"Memory in use (working set), in bytes"`
	Nodes       int       `json:"nodes" doc:"Nodes metrics-server reported; fewer than nodes while some have no metrics yet"`
	CollectedAt time.Time `json:"collectedAt" doc:"When Wheelhouse fetched the metrics"`
}

// ResourceSet is an amount of CPU, memory and pods.
type ResourceSet struct {
	CPUMillis   int64 `json:"cpuMillis"`
	MemoryBytes int64 `json:"memoryBytes"`
	Pods        int64 `json:"pods"`
}

func (r *ResourceSet) add(l corev1.ResourceList) {
	r.CPUMillis += l.Cpu().MilliValue()
	r.MemoryBytes += l.Memory().Value()
	r.Pods += l.Pods().Value()
}

// viewOf builds the view of c, with live state from its connection when
// it has one.
func viewOf(c *store.Cluster, conn *multicluster.Cluster, hasCreds bool) ClusterView {
	v := ClusterView{
		Name: c.Name, DisplayName: c.DisplayName, Provider: c.Provider, Labels: c.Labels, Spec: c.Spec,
		Message: c.Message, Server: c.Server, Events: eventViews(c.Events), CreatedBy: c.CreatedBy,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, Credentials: "unset",
	}
	if v.Labels == nil {
		v.Labels = map[string]string{}
	}
	if hasCreds {
		v.Credentials = "set"
	}
	switch {
	case c.State != store.ClusterProvisioned:
		v.Phase = c.State
	case conn == nil:
		v.Phase = string(multicluster.PhaseUnavailable)
		v.Message = "not connected"
	default:
		h := conn.Health()
		v.Phase, v.Version, v.Access = string(h.Phase), h.Version, accessView(conn.Access())
		since := h.Since
		v.Since = &since
		if h.Reason != "" {
			v.Message = h.Reason
		}
		if conn.Available() == nil {
			v.Resources = resourcesOf(conn)
		}
	}
	return v
}

// resourcesOf sums nodes and pod requests in one pass over each cache.
func resourcesOf(conn *multicluster.Cluster) *Resources {
	r := &Resources{}
	_ = conn.Each("nodes", func(o runtime.Object) {
		n := o.(*corev1.Node)
		r.Nodes++
		for _, c := range n.Status.Conditions {
			if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
				r.ReadyNodes++
			}
		}
		r.Capacity.add(n.Status.Capacity)
		r.Allocatable.add(n.Status.Allocatable)
	})
	_ = conn.Each("pods", func(o runtime.Object) {
		p := o.(*corev1.Pod)
		if p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
			return
		}
		r.Pods++
		for _, c := range p.Spec.Containers {
			r.Requested.add(c.Resources.Requests)
		}
		r.Requested.Pods++
	})
	r.Usage = usageOf(conn.Usage())
	return r
}

// usageOf is the view of what metrics-server last reported; nil when it
// did not answer or reported no node: zeros would read as an idle cluster.
func usageOf(u *multicluster.Usage) *Usage {
	if u == nil || len(u.Nodes) == 0 {
		return nil
	}
	return &Usage{CPUMillis: u.CPUMillis, MemoryBytes: u.MemoryBytes, Nodes: len(u.Nodes), CollectedAt: u.CollectedAt.UTC()}
}
