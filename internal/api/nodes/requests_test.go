package nodes

import (
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

func TestPodRequests(t *testing.T) {
	always := corev1.ContainerRestartPolicyAlways
	c := func(cpu, mem string) corev1.Container {
		return corev1.Container{Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
			corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse(mem)}}}
	}
	sidecar := func(cpu, mem string) corev1.Container {
		s := c(cpu, mem)
		s.RestartPolicy = &always
		return s
	}
	tests := []struct {
		name   string
		spec   corev1.PodSpec
		cpu    int64
		memory int64
	}{
		{"nothing requested", corev1.PodSpec{Containers: []corev1.Container{{}}}, 0, 0},
		{"app containers add up", corev1.PodSpec{Containers: []corev1.Container{c("250m", "64Mi"), c("250m", "64Mi")}}, 500, 128 << 20},
		{"a larger init container wins", corev1.PodSpec{InitContainers: []corev1.Container{c("2", "32Mi")},
			Containers: []corev1.Container{c("500m", "64Mi")}}, 2000, 64 << 20},
		{"sidecars run alongside", corev1.PodSpec{InitContainers: []corev1.Container{sidecar("100m", "16Mi"), c("300m", "8Mi")},
			Containers: []corev1.Container{c("500m", "64Mi")}}, 600, 80 << 20},
		{"init container after a sidecar counts with it", corev1.PodSpec{InitContainers: []corev1.Container{sidecar("500m", "16Mi"), c("1", "8Mi")},
			Containers: []corev1.Container{c("100m", "64Mi")}}, 1500, 80 << 20},
		{"overhead is added", corev1.PodSpec{Containers: []corev1.Container{c("100m", "10Mi")},
			Overhead: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("50m"), corev1.ResourceMemory: resource.MustParse("1Mi")}}, 150, 11 << 20},
		{"pod-level requests replace the containers'", corev1.PodSpec{Containers: []corev1.Container{c("1", "1Gi")},
			Resources: &corev1.ResourceRequirements{Requests: corev1.ResourceList{
				corev1.ResourceCPU: resource.MustParse("2"), corev1.ResourceMemory: resource.MustParse("2Gi")}}}, 2000, 2 << 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cpu, mem := podRequests(&corev1.Pod{Spec: tt.spec})
			if cpu != tt.cpu || mem != tt.memory {
				t.Errorf("got %dm, %d bytes; want %dm, %d bytes", cpu, mem, tt.cpu, tt.memory)
			}
		})
	}
}

func TestRoles(t *testing.T) {
	tests := []struct {
		labels map[string]string
		want   []string
	}{
		{nil, []string{}},
		{map[string]string{"node-role.kubernetes.io/control-plane": "", "node-role.kubernetes.io/worker": "true"}, []string{"control-plane", "worker"}},
		{map[string]string{"kubernetes.io/role": "agent", "node-role.kubernetes.io/agent": ""}, []string{"agent"}},
		{map[string]string{"node-role.kubernetes.io/": "", "kubernetes.io/hostname": "n1"}, []string{}},
	}
	for _, tt := range tests {
		if got := roles(tt.labels); !slices.Equal(got, tt.want) {
			t.Errorf("roles(%v) = %v, want %v", tt.labels, got, tt.want)
		}
	}
}

func TestPercent(t *testing.T) {
	if p := percent(1, 3); p != 33.33 {
		t.Errorf("percent(1, 3) = %v", p)
	}
	if p := percent(5, 0); p != 0 {
		t.Errorf("percent with unknown whole = %v", p)
	}
}
