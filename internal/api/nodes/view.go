package nodes

import (
	"math"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
)

// Label prefixes that name a node's roles.
const (
	rolePrefix = "node-role.kubernetes.io/"
	// legacyRoleLabel is the old single-role label some installers set.
	legacyRoleLabel = "kubernetes.io/role"
)

// NodeView is a node as the API shows it.
type NodeView struct {
	Name              string            `json:"name"`
	UID               string            `json:"uid"`
	CreationTimestamp time.Time         `json:"creationTimestamp"`
	Labels            map[string]string `json:"labels,omitempty"`
	Annotations       map[string]string `json:"annotations,omitempty"`
	Roles             []string          `json:"roles" nullable:"false" doc:"From the node-role.kubernetes.io/<role> labels (and the legacy kubernetes.io/role label)"`
	Status            string            `json:"status" enum:"Ready,NotReady,Unknown" doc:"From the Ready condition"`
	Unschedulable     bool              `json:"unschedulable" doc:"Cordoned: no new pods are scheduled on the node"`
	Taints            []NodeTaint       `json:"taints" nullable:"false"`
	Conditions        []NodeCondition   `json:"conditions" nullable:"false"`
	Addresses         []NodeAddress     `json:"addresses" nullable:"false"`
	Capacity          map[string]string `json:"capacity" doc:"Total resources of the node (cpu, memory, pods, ephemeral-storage, ...)"`
	Allocatable       map[string]string `json:"allocatable" doc:"Resources available to pods: capacity minus system reservations"`
	Requested         NodeRequested     `json:"requested" doc:"What the node's non-terminated pods request, against allocatable"`
	Usage             *NodeUsage        `json:"usage,omitempty" doc:"What the node uses, from the cluster's metrics-server (metrics.k8s.io/v1beta1 NodeMetrics, fetched every 30 s); absent when the cluster serves no metrics.k8s.io, it did not answer, or it has no metrics for this node yet"`
	PodCount          int               `json:"podCount" doc:"Non-terminated pods bound to the node"`
	Versions          NodeVersions      `json:"versions"`
	PodCIDRs          []string          `json:"podCIDRs,omitempty"`
	ProviderID        string            `json:"providerID,omitempty"`
}

// NodeTaint is a taint of a node.
type NodeTaint struct {
	Key       string     `json:"key" minLength:"1" maxLength:"316"`
	Value     string     `json:"value,omitempty" maxLength:"63"`
	Effect    string     `json:"effect" enum:"NoSchedule,PreferNoSchedule,NoExecute"`
	TimeAdded *time.Time `json:"timeAdded,omitempty" readOnly:"true" doc:"Set by Kubernetes for NoExecute taints"`
}

// NodeCondition is one condition of a node (Ready, MemoryPressure, ...).
type NodeCondition struct {
	Type               string     `json:"type"`
	Status             string     `json:"status" enum:"True,False,Unknown"`
	Reason             string     `json:"reason,omitempty"`
	Message            string     `json:"message,omitempty"`
	LastHeartbeatTime  *time.Time `json:"lastHeartbeatTime,omitempty"`
	LastTransitionTime *time.Time `json:"lastTransitionTime,omitempty"`
}

// NodeAddress is an address of a node.
type NodeAddress struct {
	Type    string `json:"type" doc:"InternalIP, ExternalIP, Hostname, InternalDNS or ExternalDNS"`
	Address string `json:"address"`
}

// NodeRequested is what the pods on a node request.
type NodeRequested struct {
	CPU           string  `json:"cpu" doc:"Sum of CPU requests, as a Kubernetes quantity"`
	Memory        string  `json:"memory" doc:"Sum of memory requests, as a Kubernetes quantity"`
	Pods          int     `json:"pods" doc:"Non-terminated pods on the node"`
	CPUPercent    float64 `json:"cpuPercent" doc:"CPU requests as a percentage of allocatable CPU"`
	MemoryPercent float64 `json:"memoryPercent" doc:"Memory requests as a percentage of allocatable memory"`
	PodsPercent   float64 `json:"podsPercent" doc:"Non-terminated pods as a percentage of allocatable pods"`
}

// NodeUsage is what a node uses, as metrics-server reports it.
type NodeUsage struct {
	CPU           string    `json:"cpu" doc:"CPU in use, as a Kubernetes quantity"`
	Memory        string    `json:"memory" doc:"Memory in use (working set), as a Kubernetes quantity"`
	CPUMillis     int64     `json:"cpuMillis" doc:"CPU in use, in thousandths of a core"`
	MemoryBytes   int64     `json:"memoryBytes" doc:"Memory in use, in bytes"`
	CPUPercent    float64   `json:"cpuPercent" doc:"CPU in use as a percentage of allocatable CPU"`
	MemoryPercent float64   `json:"memoryPercent" doc:"Memory in use as a percentage of allocatable memory"`
	Timestamp     time.Time `json:"timestamp" doc:"When metrics-server sampled the node"`
	Window        string    `json:"window" doc:"The interval the CPU rate was measured over (a Go duration)"`
}

// NodeVersions are the versions the node reports.
type NodeVersions struct {
	Kubelet          string `json:"kubelet"`
	KubeProxy        string `json:"kubeProxy,omitempty"`
	ContainerRuntime string `json:"containerRuntime,omitempty"`
	OSImage          string `json:"osImage,omitempty"`
	KernelVersion    string `json:"kernelVersion,omitempty"`
	OperatingSystem  string `json:"operatingSystem,omitempty"`
	Architecture     string `json:"architecture,omitempty"`
}

// NodeDetail is one node with the pods bound to it.
type NodeDetail struct {
	NodeView
	Pods []NodePod `json:"pods" nullable:"false" doc:"Every pod bound to the node, finished ones included"`
}

// NodePod is a pod bound to a node.
type NodePod struct {
	Namespace         string    `json:"namespace"`
	Name              string    `json:"name"`
	Phase             string    `json:"phase"`
	CPU               string    `json:"cpu" doc:"The pod's CPU request"`
	Memory            string    `json:"memory" doc:"The pod's memory request"`
	ControllerKind    string    `json:"controllerKind,omitempty" doc:"Kind of the pod's controller (ReplicaSet, DaemonSet, ...); absent for a bare pod"`
	ControllerName    string    `json:"controllerName,omitempty"`
	CreationTimestamp time.Time `json:"creationTimestamp"`
}

// viewOf builds the view of n; u is what its pods request (nil: none),
// metrics what the cluster's metrics-server last reported (nil: nothing).
func viewOf(n *corev1.Node, u *usage, metrics *multicluster.Usage) NodeView {
	if u == nil {
		u = &usage{}
	}
	v := NodeView{
		Name:              n.Name,
		UID:               string(n.UID),
		CreationTimestamp: n.CreationTimestamp.UTC(),
		Labels:            n.Labels,
		Annotations:       n.Annotations,
		Roles:             roles(n.Labels),
		Status:            "Unknown",
		Unschedulable:     n.Spec.Unschedulable,
		Taints:            make([]NodeTaint, 0, len(n.Spec.Taints)),
		Conditions:        make([]NodeCondition, 0, len(n.Status.Conditions)),
		Addresses:         make([]NodeAddress, 0, len(n.Status.Addresses)),
		Capacity:          quantities(n.Status.Capacity),
		Allocatable:       quantities(n.Status.Allocatable),
		PodCount:          u.pods,
		PodCIDRs:          n.Spec.PodCIDRs,
		ProviderID:        n.Spec.ProviderID,
		Versions: NodeVersions{
			Kubelet: n.Status.NodeInfo.KubeletVersion,
			//lint:ignore SA1019 kubelets before 1.31 still report it
			KubeProxy:        n.Status.NodeInfo.KubeProxyVersion,
			ContainerRuntime: n.Status.NodeInfo.ContainerRuntimeVersion,
			OSImage:          n.Status.NodeInfo.OSImage,
			KernelVersion:    n.Status.NodeInfo.KernelVersion,
			OperatingSystem:  n.Status.NodeInfo.OperatingSystem,
			Architecture:     n.Status.NodeInfo.Architecture,
		},
	}
	for _, t := range n.Spec.Taints {
		v.Taints = append(v.Taints, NodeTaint{Key: t.Key, Value: t.Value, Effect: string(t.Effect), TimeAdded: timePtr(t.TimeAdded)})
	}
	for _, c := range n.Status.Conditions {
		v.Conditions = append(v.Conditions, NodeCondition{Type: string(c.Type), Status: string(c.Status), Reason: c.Reason,
			Message: c.Message, LastHeartbeatTime: timePtr(&c.LastHeartbeatTime), LastTransitionTime: timePtr(&c.LastTransitionTime)})
		if c.Type == corev1.NodeReady {
			switch c.Status {
			case corev1.ConditionTrue:
				v.Status = "Ready"
			case corev1.ConditionFalse:
				v.Status = "NotReady"
			}
		}
	}
	for _, a := range n.Status.Addresses {
		v.Addresses = append(v.Addresses, NodeAddress{Type: string(a.Type), Address: a.Address})
	}
	alloc := n.Status.Allocatable
	v.Requested = NodeRequested{
		CPU:           resource.NewMilliQuantity(u.cpuMilli, resource.DecimalSI).String(),
		Memory:        resource.NewQuantity(u.memoryBytes, resource.BinarySI).String(),
		Pods:          u.pods,
		CPUPercent:    percent(float64(u.cpuMilli), float64(alloc.Cpu().MilliValue())),
		MemoryPercent: percent(float64(u.memoryBytes), float64(alloc.Memory().Value())),
		PodsPercent:   percent(float64(u.pods), float64(alloc.Pods().Value())),
	}
	if metrics != nil {
		if m, ok := metrics.Nodes[n.Name]; ok {
			v.Usage = &NodeUsage{
				CPU:           resource.NewMilliQuantity(m.CPUMillis, resource.DecimalSI).String(),
				Memory:        resource.NewQuantity(m.MemoryBytes, resource.BinarySI).String(),
				CPUMillis:     m.CPUMillis,
				MemoryBytes:   m.MemoryBytes,
				CPUPercent:    percent(float64(m.CPUMillis), float64(alloc.Cpu().MilliValue())),
				MemoryPercent: percent(float64(m.MemoryBytes), float64(alloc.Memory().Value())),
				Timestamp:     m.Timestamp.UTC(),
				Window:        m.Window.String(),
			}
		}
	}
	return v
}

// detailOf builds the view of n with its pods.
func detailOf(n *corev1.Node, pods []*corev1.Pod, u *usage, metrics *multicluster.Usage) NodeDetail {
	d := NodeDetail{NodeView: viewOf(n, u, metrics), Pods: make([]NodePod, 0, len(pods))}
	for _, p := range pods {
		cpu, mem := podRequests(p)
		np := NodePod{Namespace: p.Namespace, Name: p.Name, Phase: string(p.Status.Phase),
			CPU:               resource.NewMilliQuantity(cpu, resource.DecimalSI).String(),
			Memory:            resource.NewQuantity(mem, resource.BinarySI).String(),
			CreationTimestamp: p.CreationTimestamp.UTC()}
		if ref := metav1.GetControllerOf(p); ref != nil {
			np.ControllerKind, np.ControllerName = ref.Kind, ref.Name
		}
		d.Pods = append(d.Pods, np)
	}
	return d
}

// roles lists the roles named by a node's labels, sorted.
func roles(labels map[string]string) []string {
	out := []string{}
	for k, v := range labels {
		switch {
		case strings.HasPrefix(k, rolePrefix) && len(k) > len(rolePrefix):
			out = append(out, k[len(rolePrefix):])
		case k == legacyRoleLabel && v != "":
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func quantities(l corev1.ResourceList) map[string]string {
	out := make(map[string]string, len(l))
	for k, q := range l {
		out[string(k)] = q.String()
	}
	return out
}

// percent is part of whole in percent, rounded to two decimals; 0 when
// whole is unknown.
func percent(part, whole float64) float64 {
	if whole <= 0 {
		return 0
	}
	return math.Round(part/whole*10000) / 100
}

func timePtr(t *metav1.Time) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}
