package workloads

import (
	"errors"
	"slices"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func fullSpec() WorkloadSpec {
	two := int32(2)
	return WorkloadSpec{
		Name: "web", Labels: map[string]string{"tier": "front"}, Replicas: &two,
		Containers: []WorkloadContainer{{
			Name: "web", Image: "nginx:1", Command: []string{"nginx"}, Args: []string{"-g", "daemon off;"},
			Ports:          []WorkloadPort{{Name: "http", ContainerPort: 80, Protocol: "TCP"}},
			Env:            []WorkloadEnvVar{{Name: "A", Value: "1"}, {Name: "B", SecretKey: &WorkloadKeyRef{Name: "s", Key: "k"}}},
			EnvFrom:        []WorkloadEnvFrom{{ConfigMap: "cfg"}, {Secret: "sec", Prefix: "S_"}},
			Resources:      &WorkloadResources{Requests: map[string]string{"cpu": "100m"}, Limits: map[string]string{"memory": "128Mi"}},
			LivenessProbe:  &WorkloadProbe{Exec: []string{"true"}, PeriodSeconds: 5},
			ReadinessProbe: &WorkloadProbe{HTTPPath: "/ready", Port: 80},
			VolumeMounts:   []WorkloadVolumeMount{{Name: "data", MountPath: "/data"}, {Name: "conf", MountPath: "/etc/app", ReadOnly: true}},
		}},
		Volumes:      []WorkloadVolume{{Name: "data", PVC: "claim"}, {Name: "conf", ConfigMap: "cfg"}, {Name: "tmp", EmptyDir: true}, {Name: "sec", Secret: "s"}},
		NodeSelector: map[string]string{"disk": "ssd"},
		Tolerations:  []WorkloadToleration{{Key: "gpu", Operator: "Exists", Effect: "NoSchedule"}},
	}
}

// TestRoundTrip: what newObject builds, specOf reads back unchanged, so a
// GET's spec can be PUT back as is.
func TestRoundTrip(t *testing.T) {
	for _, k := range allKinds {
		t.Run(k.resource, func(t *testing.T) {
			s := fullSpec()
			switch k.resource {
			case KindDaemonSets:
				s.Replicas = nil
			case KindJobs, KindCronJobs:
				s.Replicas = nil
				one := int32(1)
				s.Job = &WorkloadJobParams{Completions: &one, BackoffLimit: &one}
				if k.resource == KindCronJobs {
					s.CronJob = &WorkloadCronJobParams{Schedule: "*/5 * * * *", ConcurrencyPolicy: "Forbid"}
				}
			}
			if err := validate(k, &s); err != nil {
				t.Fatal(err)
			}
			got := specOf(newObject(k, "ns", &s))
			want := s
			switch k.resource {
			case KindJobs, KindCronJobs:
				want.RestartPolicy = "Never"
			default:
				want.RestartPolicy = "Always"
			}
			if k.resource == KindStatefulSets {
				want.ServiceName = "web"
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("spec changed (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFillKeepsUncovered: an update keeps what the structured spec does
// not describe (the selector, other container fields, unstructured volume
// sources) and the Job controller's template labels.
func TestFillKeepsUncovered(t *testing.T) {
	s := fullSpec()
	dep := newObject(deployments, "ns", &s).(*appsv1.Deployment)
	dep.Spec.Template.Spec.Containers[0].ImagePullPolicy = corev1.PullAlways
	dep.Spec.Template.Spec.Volumes[2].EmptyDir = nil
	dep.Spec.Template.Spec.Volumes[2].HostPath = &corev1.HostPathVolumeSource{Path: "/var/tmp"}
	edited := specOf(dep)
	edited.Containers[0].Image = "nginx:2"
	fill(dep, &edited)
	c := dep.Spec.Template.Spec.Containers[0]
	if c.Image != "nginx:2" || c.ImagePullPolicy != corev1.PullAlways {
		t.Errorf("container %+v", c)
	}
	if v := dep.Spec.Template.Spec.Volumes[2]; v.HostPath == nil || v.EmptyDir != nil {
		t.Errorf("hostPath volume replaced: %+v", v)
	}
	if dep.Spec.Selector.MatchLabels[SelectorLabel] != "web" || dep.Spec.Template.Labels[SelectorLabel] != "web" {
		t.Errorf("selector %v, template labels %v", dep.Spec.Selector, dep.Spec.Template.Labels)
	}

	dep.Spec.Selector.MatchExpressions = []metav1.LabelSelectorRequirement{{Key: "track", Operator: metav1.LabelSelectorOpIn, Values: []string{"stable"}}}
	dep.Spec.Template.Labels["track"] = "stable"
	fill(dep, &edited)
	if dep.Spec.Template.Labels["track"] != "stable" {
		t.Errorf("template labels %v lost the selector expression's key", dep.Spec.Template.Labels)
	}

	job := newObject(jobs, "ns", &WorkloadSpec{Name: "j", Containers: []WorkloadContainer{{Name: "c", Image: "i"}}}).(*batchv1.Job)
	job.Spec.Template.Labels = map[string]string{"batch.kubernetes.io/controller-uid": "u", "job-name": "j"}
	fill(job, &WorkloadSpec{Name: "j", Labels: map[string]string{"a": "b"}, Containers: []WorkloadContainer{{Name: "c", Image: "i"}}})
	if diff := cmp.Diff(map[string]string{"a": "b", "batch.kubernetes.io/controller-uid": "u", "job-name": "j"}, job.Spec.Template.Labels); diff != "" {
		t.Errorf("job template labels (-want +got):\n%s", diff)
	}
}

func TestValidate(t *testing.T) {
	ok := func() WorkloadSpec {
		return WorkloadSpec{Name: "a", Containers: []WorkloadContainer{{Name: "c", Image: "i"}}}
	}
	for _, tt := range []struct {
		name string
		kind kindInfo
		edit func(*WorkloadSpec)
		want []string
	}{
		{"valid", deployments, func(*WorkloadSpec) {}, nil},
		{"name too long for a label", deployments, func(s *WorkloadSpec) { s.Name = string(make([]byte, 70)) }, []string{"body.name"}},
		{"selector label reserved", deployments, func(s *WorkloadSpec) { s.Labels = map[string]string{SelectorLabel: "x"} }, []string{"body.labels." + SelectorLabel}},
		{"no containers", deployments, func(s *WorkloadSpec) { s.Containers = nil }, []string{"body.containers"}},
		{"image with space", deployments, func(s *WorkloadSpec) { s.Containers[0].Image = "a b" }, []string{"body.containers[0].image"}},
		{"two env sources", deployments, func(s *WorkloadSpec) {
			s.Containers[0].Env = []WorkloadEnvVar{{Name: "A", Value: "1", ConfigMapKey: &WorkloadKeyRef{Name: "c", Key: "k"}}}
		}, []string{"body.containers[0].env[0]"}},
		{"envFrom without source", deployments, func(s *WorkloadSpec) { s.Containers[0].EnvFrom = []WorkloadEnvFrom{{}} }, []string{"body.containers[0].envFrom[0]"}},
		{"probe with two kinds", deployments, func(s *WorkloadSpec) {
			s.Containers[0].ReadinessProbe = &WorkloadProbe{TCP: true, Exec: []string{"x"}, Port: 1}
		}, []string{"body.containers[0].readinessProbe"}},
		{"volume with two sources", deployments, func(s *WorkloadSpec) {
			s.Volumes = []WorkloadVolume{{Name: "v", EmptyDir: true, Secret: "s"}, {Name: "v", EmptyDir: true}}
		}, []string{"body.volumes[0]", "body.volumes[1].name"}},
		{"toleration value with Exists", deployments, func(s *WorkloadSpec) {
			s.Tolerations = []WorkloadToleration{{Key: "k", Operator: "Exists", Value: "v"}}
		}, []string{"body.tolerations[0].value"}},
		{"serviceName on a deployment", deployments, func(s *WorkloadSpec) { s.ServiceName = "x" }, []string{"body.serviceName"}},
		{"job params on a statefulset", statefulSets, func(s *WorkloadSpec) { s.Job = &WorkloadJobParams{} }, []string{"body.job"}},
		{"restartPolicy Never on a daemonset", daemonSets, func(s *WorkloadSpec) { s.RestartPolicy = "Never" }, []string{"body.restartPolicy"}},
		{"cronjob without schedule", cronJobs, func(s *WorkloadSpec) { s.CronJob = &WorkloadCronJobParams{} }, []string{"body.cronJob.schedule"}},
		{"cronJob on a job", jobs, func(s *WorkloadSpec) { s.CronJob = &WorkloadCronJobParams{Schedule: "* * * * *"} }, []string{"body.cronJob"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := ok()
			tt.edit(&s)
			err := validate(tt.kind, &s)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("unexpected %v", err)
				}
				return
			}
			var em *huma.ErrorModel
			if !errors.As(err, &em) || em.Status != 422 {
				t.Fatalf("error %v, want a 422", err)
			}
			var locs []string
			for _, d := range em.Errors {
				locs = append(locs, d.Location)
			}
			for _, w := range tt.want {
				if !slices.Contains(locs, w) {
					t.Errorf("locations %v, want %s", locs, w)
				}
			}
		})
	}
}
