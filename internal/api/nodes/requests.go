package nodes

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
)

// usage is what the pods bound to one node ask for.
type usage struct {
	cpuMilli    int64
	memoryBytes int64
	pods        int
}

// usageByNode adds up, in one pass over the cached pods (unsorted), the
// requests of the non-terminated pods bound to each node.
func usageByNode(c *multicluster.Cluster) (map[string]*usage, error) {
	out := map[string]*usage{}
	err := c.Each("pods", func(o runtime.Object) {
		p, ok := o.(*corev1.Pod)
		if !ok || p.Spec.NodeName == "" || terminated(p) {
			return
		}
		u := out[p.Spec.NodeName]
		if u == nil {
			u = &usage{}
			out[p.Spec.NodeName] = u
		}
		u.add(p)
	})
	return out, err
}

// podsOnNode returns the cached pods bound to node, in namespace/name
// order, and their usage.
func podsOnNode(c *multicluster.Cluster, node string) ([]*corev1.Pod, *usage, error) {
	page, err := c.List("pods", multicluster.Query{FieldSelector: "spec.nodeName=" + node})
	if err != nil {
		return nil, nil, err
	}
	pods, u := podsOf(page.Items)
	return pods, u, nil
}

func podsOf(items []runtime.Object) ([]*corev1.Pod, *usage) {
	u := &usage{}
	pods := make([]*corev1.Pod, 0, len(items))
	for _, o := range items {
		p, ok := o.(*corev1.Pod)
		if !ok {
			continue
		}
		pods = append(pods, p)
		if !terminated(p) {
			u.add(p)
		}
	}
	return pods, u
}

func (u *usage) add(p *corev1.Pod) {
	cpu, mem := podRequests(p)
	u.cpuMilli += cpu
	u.memoryBytes += mem
	u.pods++
}

func terminated(p *corev1.Pod) bool {
	return p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed
}

// podRequests returns the CPU (millicores) and memory (bytes) a pod
// reserves on its node, counted as the scheduler counts them: pod-level
// requests when set; otherwise the app containers plus sidecars
// (restartable init containers), or the largest init container step if
// that is more, plus the runtime class overhead.
func podRequests(p *corev1.Pod) (cpuMilli, memoryBytes int64) {
	if r := p.Spec.Resources; r != nil && len(r.Requests) > 0 {
		cpuMilli, memoryBytes = r.Requests.Cpu().MilliValue(), r.Requests.Memory().Value()
	} else {
		var appCPU, appMem, sideCPU, sideMem, initCPU, initMem int64
		for _, c := range p.Spec.Containers {
			appCPU += c.Resources.Requests.Cpu().MilliValue()
			appMem += c.Resources.Requests.Memory().Value()
		}
		for _, c := range p.Spec.InitContainers {
			cpu, mem := c.Resources.Requests.Cpu().MilliValue(), c.Resources.Requests.Memory().Value()
			if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
				sideCPU += cpu
				sideMem += mem
				initCPU, initMem = max(initCPU, sideCPU), max(initMem, sideMem)
				continue
			}
			initCPU, initMem = max(initCPU, cpu+sideCPU), max(initMem, mem+sideMem)
		}
		cpuMilli, memoryBytes = max(appCPU+sideCPU, initCPU), max(appMem+sideMem, initMem)
	}
	if p.Spec.Overhead != nil {
		cpuMilli += p.Spec.Overhead.Cpu().MilliValue()
		memoryBytes += p.Spec.Overhead.Memory().Value()
	}
	return cpuMilli, memoryBytes
}
