package pods

import (
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// PodView is a pod as the API lists it.
type PodView struct {
	Name              string             `json:"name"`
	Namespace         string             `json:"namespace"`
	UID               string             `json:"uid"`
	CreationTimestamp time.Time          `json:"creationTimestamp"`
	AgeSeconds        int64              `json:"ageSeconds" doc:"Seconds since the pod was created"`
	Labels            map[string]string  `json:"labels,omitempty"`
	Phase             string             `json:"phase" doc:"Pending, Running, Succeeded, Failed or Unknown"`
	Reason            string             `json:"reason,omitempty" doc:"Why the pod is in its phase (Evicted, ...)"`
	Deleting          bool               `json:"deleting,omitempty" doc:"The pod is terminating"`
	ReadyContainers   int                `json:"readyContainers"`
	TotalContainers   int                `json:"totalContainers"`
	Ready             string             `json:"ready" doc:"readyContainers/totalContainers, as kubectl shows it"`
	Restarts          int32              `json:"restarts" doc:"Restarts of all containers"`
	Node              string             `json:"node,omitempty"`
	HostIP            string             `json:"hostIP,omitempty"`
	PodIPs            []string           `json:"podIPs,omitempty"`
	QOSClass          string             `json:"qosClass,omitempty"`
	Owner             *PodOwner          `json:"owner,omitempty" doc:"The controller that owns the pod"`
	InitContainers    []PodContainerView `json:"initContainers,omitempty"`
	Containers        []PodContainerView `json:"containers" nullable:"false"`
}

// PodOwner is the controller of a pod.
type PodOwner struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
}

// PodContainerView is one container of a pod with its state.
type PodContainerView struct {
	Name         string     `json:"name"`
	Image        string     `json:"image"`
	Ready        bool       `json:"ready"`
	RestartCount int32      `json:"restartCount"`
	State        string     `json:"state" enum:"waiting,running,terminated,unknown"`
	Reason       string     `json:"reason,omitempty" doc:"Why it waits or terminated (CrashLoopBackOff, Completed, ...)"`
	Message      string     `json:"message,omitempty"`
	ExitCode     *int32     `json:"exitCode,omitempty"`
	StartedAt    *time.Time `json:"startedAt,omitempty"`
}

// PodDetail is a pod with its events.
type PodDetail struct {
	PodView
	Events []PodEventView `json:"events" nullable:"false" doc:"The pod's events, oldest first, from the cache"`
}

// PodEventView is a Kubernetes event.
type PodEventView struct {
	Name           string         `json:"name"`
	Namespace      string         `json:"namespace"`
	UID            string         `json:"uid"`
	Type           string         `json:"type" doc:"Normal or Warning"`
	Reason         string         `json:"reason"`
	Message        string         `json:"message"`
	Count          int32          `json:"count"`
	Source         string         `json:"source,omitempty" doc:"The component that reported it"`
	FirstTimestamp time.Time      `json:"firstTimestamp"`
	LastTimestamp  time.Time      `json:"lastTimestamp"`
	InvolvedObject PodEventObject `json:"involvedObject"`
}

// PodEventObject is the object an event is about.
type PodEventObject struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	UID       string `json:"uid,omitempty"`
}

func podView(p *corev1.Pod) PodView {
	v := PodView{Name: p.Name, Namespace: p.Namespace, UID: string(p.UID),
		CreationTimestamp: p.CreationTimestamp.UTC(), AgeSeconds: int64(time.Since(p.CreationTimestamp.Time).Seconds()),
		Labels: p.Labels, Phase: string(p.Status.Phase), Reason: p.Status.Reason, Deleting: p.DeletionTimestamp != nil,
		Node: p.Spec.NodeName, HostIP: p.Status.HostIP, QOSClass: string(p.Status.QOSClass),
		TotalContainers: len(p.Spec.Containers)}
	for _, ip := range p.Status.PodIPs {
		v.PodIPs = append(v.PodIPs, ip.IP)
	}
	if len(v.PodIPs) == 0 && p.Status.PodIP != "" {
		v.PodIPs = []string{p.Status.PodIP}
	}
	if ref := metav1.GetControllerOf(p); ref != nil {
		v.Owner = &PodOwner{Kind: ref.Kind, Name: ref.Name}
	}
	v.InitContainers = containerViews(p.Spec.InitContainers, p.Status.InitContainerStatuses)
	v.Containers = containerViews(p.Spec.Containers, p.Status.ContainerStatuses)
	if v.Containers == nil {
		v.Containers = []PodContainerView{}
	}
	for _, c := range v.Containers {
		if c.Ready {
			v.ReadyContainers++
		}
		v.Restarts += c.RestartCount
	}
	for _, c := range v.InitContainers {
		v.Restarts += c.RestartCount
	}
	v.Ready = strconv.Itoa(v.ReadyContainers) + "/" + strconv.Itoa(v.TotalContainers)
	return v
}

func containerViews(specs []corev1.Container, statuses []corev1.ContainerStatus) []PodContainerView {
	if len(specs) == 0 {
		return nil
	}
	byName := make(map[string]corev1.ContainerStatus, len(statuses))
	for _, s := range statuses {
		byName[s.Name] = s
	}
	out := make([]PodContainerView, 0, len(specs))
	for _, c := range specs {
		v := PodContainerView{Name: c.Name, Image: c.Image, State: "unknown"}
		if s, ok := byName[c.Name]; ok {
			v.Ready, v.RestartCount = s.Ready, s.RestartCount
			switch st := s.State; {
			case st.Running != nil:
				v.State = "running"
				t := st.Running.StartedAt.UTC()
				v.StartedAt = &t
			case st.Waiting != nil:
				v.State, v.Reason, v.Message = "waiting", st.Waiting.Reason, st.Waiting.Message
			case st.Terminated != nil:
				v.State, v.Reason, v.Message = "terminated", st.Terminated.Reason, st.Terminated.Message
				code := st.Terminated.ExitCode
				v.ExitCode = &code
				if !st.Terminated.StartedAt.IsZero() {
					t := st.Terminated.StartedAt.UTC()
					v.StartedAt = &t
				}
			}
		}
		out = append(out, v)
	}
	return out
}

func eventView(e *corev1.Event) PodEventView {
	v := PodEventView{Name: e.Name, Namespace: e.Namespace, UID: string(e.UID), Type: e.Type, Reason: e.Reason,
		Message: e.Message, Count: e.Count, Source: e.Source.Component,
		InvolvedObject: PodEventObject{Kind: e.InvolvedObject.Kind, Namespace: e.InvolvedObject.Namespace,
			Name: e.InvolvedObject.Name, UID: string(e.InvolvedObject.UID)}}
	if v.Source == "" {
		v.Source = e.ReportingController
	}
	if v.Count == 0 {
		v.Count = 1
		if e.Series != nil {
			v.Count = e.Series.Count
		}
	}
	created := e.CreationTimestamp.UTC()
	v.FirstTimestamp = firstNonZero(e.FirstTimestamp.Time, e.EventTime.Time, created)
	last := e.LastTimestamp.Time
	if e.Series != nil {
		last = firstNonZero(last, e.Series.LastObservedTime.Time)
	}
	v.LastTimestamp = firstNonZero(last, e.EventTime.Time, v.FirstTimestamp)
	return v
}

func firstNonZero(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t.UTC()
		}
	}
	return time.Time{}
}
