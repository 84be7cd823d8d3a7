package pods

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestPodView(t *testing.T) {
	started := metav1.NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	ctrl := true
	exit := int32(137)
	tests := []struct {
		name string
		pod  corev1.Pod
		want func(v *PodView)
	}{{
		name: "running with a crashed sidecar",
		pod: corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "n", OwnerReferences: []metav1.OwnerReference{
				{Kind: "ReplicaSet", Name: "web-1", Controller: &ctrl}}},
			Spec: corev1.PodSpec{NodeName: "node-1", Containers: []corev1.Container{{Name: "app", Image: "nginx"}, {Name: "side", Image: "busybox"}}},
			Status: corev1.PodStatus{Phase: corev1.PodRunning, PodIPs: []corev1.PodIP{{IP: "10.0.0.1"}}, ContainerStatuses: []corev1.ContainerStatus{
				{Name: "app", Ready: true, RestartCount: 1, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: started}}},
				{Name: "side", RestartCount: 3, State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: "OOMKilled", ExitCode: exit}}},
			}},
		},
		want: func(v *PodView) {
			v.Phase, v.Node, v.PodIPs = "Running", "node-1", []string{"10.0.0.1"}
			v.ReadyContainers, v.TotalContainers, v.Ready, v.Restarts = 1, 2, "1/2", 4
			v.Owner = &PodOwner{Kind: "ReplicaSet", Name: "web-1"}
			st := started.UTC()
			v.Containers = []PodContainerView{
				{Name: "app", Image: "nginx", Ready: true, RestartCount: 1, State: "running", StartedAt: &st},
				{Name: "side", Image: "busybox", RestartCount: 3, State: "terminated", Reason: "OOMKilled", ExitCode: &exit},
			}
		},
	}, {
		name: "pending without statuses",
		pod: corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "n"},
			Spec:   corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx"}}},
			Status: corev1.PodStatus{Phase: corev1.PodPending, PodIP: "10.0.0.2"}},
		want: func(v *PodView) {
			v.Phase, v.PodIPs, v.TotalContainers, v.Ready = "Pending", []string{"10.0.0.2"}, 1, "0/1"
			v.Containers = []PodContainerView{{Name: "app", Image: "nginx", State: "unknown"}}
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := podView(&tt.pod)
			want := PodView{Name: "p", Namespace: "n", CreationTimestamp: got.CreationTimestamp, AgeSeconds: got.AgeSeconds}
			tt.want(&want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("podView (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEventViewTimes(t *testing.T) {
	t1 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	t2 := t1.Add(time.Minute)
	tests := []struct {
		name        string
		ev          corev1.Event
		first, last time.Time
		count       int32
	}{
		{"core event", corev1.Event{FirstTimestamp: metav1.NewTime(t1), LastTimestamp: metav1.NewTime(t2), Count: 3}, t1, t2, 3},
		{"events.k8s.io event", corev1.Event{EventTime: metav1.NewMicroTime(t1)}, t1, t1, 1},
		{"series", corev1.Event{EventTime: metav1.NewMicroTime(t1), Series: &corev1.EventSeries{Count: 5, LastObservedTime: metav1.NewMicroTime(t2)}}, t1, t2, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := eventView(&tt.ev)
			if !v.FirstTimestamp.Equal(tt.first) || !v.LastTimestamp.Equal(tt.last) || v.Count != tt.count {
				t.Errorf("first %v last %v count %d, want %v %v %d", v.FirstTimestamp, v.LastTimestamp, v.Count, tt.first, tt.last, tt.count)
			}
		})
	}
}
