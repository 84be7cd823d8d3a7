//go:build !unit

package workloads_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/workloads"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

const (
	clusterName = "sbx"
	namespace   = "apps"
)

// env is one server with one real sandbox cluster, shared by the subtests
// of TestWorkloads (each in its own workloads of namespace apps).
type env struct {
	h    *servertest.Harness
	c    *multicluster.Cluster
	base string
}

func TestWorkloads(t *testing.T) {
	h, c := servertest.WithSandbox(t, servertest.Options{}, clusterName, 2, namespace)
	e := &env{h: h, c: c, base: "/api/v1/clusters/" + clusterName + "/namespaces/" + namespace + "/"}
	t.Run("deployment", e.testDeployment)
	t.Run("conflict", e.testConflict)
	t.Run("invalid", e.testInvalid)
	t.Run("job", e.testJob)
	t.Run("cronjob", e.testCronJob)
	t.Run("statefulset", e.testStatefulSet)
	t.Run("daemonset", e.testDaemonSet)
	t.Run("access", e.testAccess)
}

func container(name, image string) workloads.WorkloadContainer {
	return workloads.WorkloadContainer{Name: name, Image: image}
}

func (e *env) testDeployment(t *testing.T) {
	url := e.base + "deployments"
	two := int32(2)
	spec := workloads.WorkloadSpec{
		Name: "web", Labels: map[string]string{"tier": "front"}, Replicas: &two,
		Containers: []workloads.WorkloadContainer{{
			Name: "web", Image: "nginx:1.0", Args: []string{"-g", "daemon off;"},
			Ports:          []workloads.WorkloadPort{{Name: "http", ContainerPort: 80}},
			Env:            []workloads.WorkloadEnvVar{{Name: "MODE", Value: "prod"}, {Name: "FROM_CM", ConfigMapKey: &workloads.WorkloadKeyRef{Name: "cfg", Key: "k"}}},
			EnvFrom:        []workloads.WorkloadEnvFrom{{ConfigMap: "cfg"}},
			Resources:      &workloads.WorkloadResources{Requests: map[string]string{"cpu": "100m", "memory": "64Mi"}, Limits: map[string]string{"memory": "128Mi"}},
			ReadinessProbe: &workloads.WorkloadProbe{HTTPPath: "/healthz", Port: 80},
			LivenessProbe:  &workloads.WorkloadProbe{TCP: true, Port: 80},
			VolumeMounts:   []workloads.WorkloadVolumeMount{{Name: "scratch", MountPath: "/tmp"}},
		}},
		Volumes:     []workloads.WorkloadVolume{{Name: "scratch", EmptyDir: true}},
		Tolerations: []workloads.WorkloadToleration{{Key: "dedicated", Operator: "Exists", Effect: "NoSchedule"}},
	}
	created := decode[workloads.WorkloadView](t, e.expect(t, http.StatusCreated, http.MethodPost, url, e.h.Admin, spec))
	if created.Kind != "Deployment" || created.Name != "web" || !slices.Equal(created.Images, []string{"nginx:1.0"}) {
		t.Fatalf("created %+v", created)
	}
	e.expect(t, http.StatusConflict, http.MethodPost, url, e.h.Admin, spec)

	// kwok runs the pods: the detail shows them Running with revision 1.
	d := e.waitDetail(t, url+"/web", func(d workloads.WorkloadDetail) error {
		if running(d.Pods) != 2 || d.Status != "Available" || len(d.Revisions) != 1 || d.Revisions[0].Revision != 1 {
			return fmt.Errorf("status %s, pods %+v, revisions %+v", d.Status, d.Pods, d.Revisions)
		}
		return nil
	})
	if d.Replicas.Ready != 2 || d.Spec.Containers[0].Resources.Requests["cpu"] != "100m" || d.Spec.Containers[0].ReadinessProbe.HTTPPath != "/healthz" ||
		d.Selector != workloads.SelectorLabel+"=web" || !d.Revisions[0].Current {
		t.Errorf("detail %+v", d)
	}
	servertest.Eventually(t, func() error {
		d := e.detail(t, url+"/web")
		if len(d.Events) == 0 {
			return fmt.Errorf("no events yet")
		}
		return nil
	}).Should(gomega.Succeed())
	list := decode[listOf](t, e.expect(t, http.StatusOK, http.MethodGet, url+"?labelSelector=tier%3Dfront", e.h.Admin, nil))
	if list.Total != 1 || list.Items[0].Name != "web" || list.Items[0].Replicas.Desired != 2 {
		t.Errorf("list %+v", list)
	}

	// A new image makes revision 2; rollback to 1 brings the image back as revision 3.
	e.expect(t, http.StatusUnprocessableEntity, http.MethodPost, url+"/web/image", e.h.Admin, map[string]string{"container": "nope", "image": "x"})
	v := decode[workloads.WorkloadView](t, e.expect(t, http.StatusOK, http.MethodPost, url+"/web/image", e.h.Admin,
		map[string]string{"container": "web", "image": "nginx:2.0"}))
	if !slices.Equal(v.Images, []string{"nginx:2.0"}) {
		t.Errorf("after set image %+v", v)
	}
	e.waitDetail(t, url+"/web", currentRevision(2, "nginx:2.0", 2))
	e.expect(t, http.StatusUnprocessableEntity, http.MethodPost, url+"/web/rollback", e.h.Admin, map[string]int{"revision": 9})
	v = decode[workloads.WorkloadView](t, e.expect(t, http.StatusOK, http.MethodPost, url+"/web/rollback", e.h.Admin, map[string]int{"revision": 1}))
	if !slices.Equal(v.Images, []string{"nginx:1.0"}) {
		t.Errorf("after rollback %+v", v)
	}
	e.waitDetail(t, url+"/web", currentRevision(3, "nginx:1.0", 2))

	// Scale.
	v = decode[workloads.WorkloadView](t, e.expect(t, http.StatusOK, http.MethodPost, url+"/web/scale", e.h.Admin, map[string]int{"replicas": 3}))
	if v.Replicas.Desired != 3 {
		t.Errorf("after scale %+v", v.Replicas)
	}
	e.waitDetail(t, url+"/web", func(d workloads.WorkloadDetail) error {
		if running(d.Pods) != 3 || d.Replicas.Ready != 3 {
			return fmt.Errorf("pods %+v", d.Pods)
		}
		return nil
	})

	// Restart sets the annotation on the template.
	e.expect(t, http.StatusOK, http.MethodPost, url+"/web/restart", e.h.Admin, nil)
	live, err := e.c.Kube.AppsV1().Deployments(namespace).Get(t.Context(), "web", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if live.Spec.Template.Annotations[workloads.RestartedAtAnnotation] == "" {
		t.Errorf("no restartedAt annotation: %v", live.Spec.Template.Annotations)
	}

	// Pause and resume; a paused Deployment cannot be rolled back.
	v = decode[workloads.WorkloadView](t, e.expect(t, http.StatusOK, http.MethodPost, url+"/web/pause", e.h.Admin, nil))
	if !v.Paused || v.Status != "Paused" {
		t.Errorf("after pause %+v", v)
	}
	e.expect(t, http.StatusConflict, http.MethodPost, url+"/web/rollback", e.h.Admin, map[string]int{"revision": 2})
	v = decode[workloads.WorkloadView](t, e.expect(t, http.StatusOK, http.MethodPost, url+"/web/resume", e.h.Admin, nil))
	if v.Paused {
		t.Errorf("after resume %+v", v)
	}

	// Delete in the foreground: the ReplicaSets and pods go first.
	e.expect(t, http.StatusNoContent, http.MethodDelete, url+"/web?propagationPolicy=Foreground", e.h.Admin, nil)
	expectLocations(t, e.expect(t, http.StatusUnprocessableEntity, http.MethodDelete, url+"/web?propagationPolicy=Sometimes", e.h.Admin, nil),
		"query.propagationPolicy")
	servertest.Eventually(t, func() error {
		if code, _, _ := e.h.Do(http.MethodGet, url+"/web", e.h.Admin, nil); code != http.StatusNotFound {
			return fmt.Errorf("GET after delete: %d", code)
		}
		return nil
	}).Should(gomega.Succeed())
	e.expect(t, http.StatusNotFound, http.MethodDelete, url+"/web", e.h.Admin, nil)
}

// testConflict: a PUT with the resourceVersion just read succeeds, the
// same PUT again (now stale) gets 409.
func (e *env) testConflict(t *testing.T) {
	url := e.base + "deployments"
	e.expect(t, http.StatusCreated, http.MethodPost, url, e.h.Admin,
		workloads.WorkloadSpec{Name: "api", Containers: []workloads.WorkloadContainer{container("api", "api:1")}})
	// Once Available the controller leaves the Deployment alone: the
	// resourceVersion read is the latest.
	d := e.waitDetail(t, url+"/api", func(d workloads.WorkloadDetail) error {
		if d.Status != "Available" {
			return fmt.Errorf("status %s", d.Status)
		}
		return nil
	})
	spec := d.Spec
	three := int32(3)
	spec.Replicas = &three
	spec.Containers = append(spec.Containers, container("sidecar", "proxy:1"))
	v := decode[workloads.WorkloadView](t, e.expect(t, http.StatusOK, http.MethodPut, url+"/api", e.h.Admin, spec))
	if v.Replicas.Desired != 3 || !slices.Equal(v.Images, []string{"api:1", "proxy:1"}) || v.ResourceVersion == spec.ResourceVersion {
		t.Errorf("after update %+v", v)
	}
	p := e.expect(t, http.StatusConflict, http.MethodPut, url+"/api", e.h.Admin, spec)
	if p["detail"] == "" {
		t.Errorf("409 without detail: %v", p)
	}
	spec.ResourceVersion = ""
	expectLocations(t, e.expect(t, http.StatusUnprocessableEntity, http.MethodPut, url+"/api", e.h.Admin, spec), "body.resourceVersion")
	spec.ResourceVersion, spec.Name = v.ResourceVersion, "other"
	expectLocations(t, e.expect(t, http.StatusUnprocessableEntity, http.MethodPut, url+"/api", e.h.Admin, spec), "body.name")
	e.expect(t, http.StatusNotFound, http.MethodPut, url+"/missing", e.h.Admin,
		workloads.WorkloadSpec{ResourceVersion: "1", Containers: []workloads.WorkloadContainer{container("a", "a")}})
}

func (e *env) testInvalid(t *testing.T) {
	for _, tt := range []struct {
		kind string
		spec workloads.WorkloadSpec
		want []string
	}{
		{"deployments", workloads.WorkloadSpec{Name: "Bad_Name", Containers: []workloads.WorkloadContainer{container("c", "i")}}, []string{"body.name"}},
		{"deployments", workloads.WorkloadSpec{Name: "ok", Containers: []workloads.WorkloadContainer{{Name: "c", Image: "i",
			Resources:    &workloads.WorkloadResources{Requests: map[string]string{"cpu": "lots"}},
			VolumeMounts: []workloads.WorkloadVolumeMount{{Name: "none", MountPath: "rel"}}}, container("c", "i")}},
			[]string{"body.containers[0].resources.requests.cpu", "body.containers[0].volumeMounts[0].name", "body.containers[0].volumeMounts[0].mountPath", "body.containers[1].name"}},
		{"deployments", workloads.WorkloadSpec{Name: "ok", Containers: []workloads.WorkloadContainer{{Name: "c", Image: "i",
			LivenessProbe: &workloads.WorkloadProbe{HTTPPath: "/"}, Env: []workloads.WorkloadEnvVar{{Name: "1x"}}}}},
			[]string{"body.containers[0].livenessProbe.port", "body.containers[0].env[0].name"}},
		{"daemonsets", workloads.WorkloadSpec{Name: "ok", Replicas: new(int32), Containers: []workloads.WorkloadContainer{container("c", "i")}}, []string{"body.replicas"}},
		{"jobs", workloads.WorkloadSpec{Name: "ok", RestartPolicy: "Always", Containers: []workloads.WorkloadContainer{container("c", "i")}}, []string{"body.restartPolicy"}},
		{"cronjobs", workloads.WorkloadSpec{Name: "ok", Containers: []workloads.WorkloadContainer{container("c", "i")}}, []string{"body.cronJob"}},
	} {
		p := e.expect(t, http.StatusUnprocessableEntity, http.MethodPost, e.base+tt.kind, e.h.Admin, tt.spec)
		expectLocations(t, p, tt.want...)
	}
	// What only the API server knows still comes back with its field: a bad cron schedule.
	p := e.expect(t, http.StatusUnprocessableEntity, http.MethodPost, e.base+"cronjobs", e.h.Admin, workloads.WorkloadSpec{Name: "bad-cron",
		CronJob: &workloads.WorkloadCronJobParams{Schedule: "every day"}, Containers: []workloads.WorkloadContainer{container("c", "i")}})
	expectLocations(t, p, "body.spec.schedule")
}

func (e *env) testJob(t *testing.T) {
	url := e.base + "jobs"
	one := int32(1)
	e.expect(t, http.StatusCreated, http.MethodPost, url, e.h.Admin, workloads.WorkloadSpec{Name: "once",
		Job: &workloads.WorkloadJobParams{Completions: &one, Parallelism: &one, BackoffLimit: &one}, Containers: []workloads.WorkloadContainer{container("run", "busybox")}})
	d := e.waitDetail(t, url+"/once", func(d workloads.WorkloadDetail) error {
		if d.Status != "Complete" || d.Job.Succeeded != 1 {
			return fmt.Errorf("status %s job %+v", d.Status, d.Job)
		}
		return nil
	})
	if len(d.Pods) != 1 || d.Pods[0].Phase != string(corev1.PodSucceeded) || d.Spec.RestartPolicy != "Never" {
		t.Errorf("job detail pods %+v spec %+v", d.Pods, d.Spec)
	}
	e.expect(t, http.StatusNoContent, http.MethodDelete, url+"/once?propagationPolicy=Background", e.h.Admin, nil)
}

func (e *env) testCronJob(t *testing.T) {
	url := e.base + "cronjobs"
	e.expect(t, http.StatusCreated, http.MethodPost, url, e.h.Admin, workloads.WorkloadSpec{Name: "nightly",
		CronJob: &workloads.WorkloadCronJobParams{Schedule: "0 3 * * *", ConcurrencyPolicy: "Forbid"}, Containers: []workloads.WorkloadContainer{container("run", "busybox")}})
	v := decode[workloads.WorkloadView](t, e.expect(t, http.StatusOK, http.MethodPost, url+"/nightly/suspend", e.h.Admin, nil))
	if !v.CronJob.Suspend || v.Status != "Suspended" || v.CronJob.Schedule != "0 3 * * *" {
		t.Errorf("after suspend %+v", v)
	}
	job := decode[workloads.WorkloadView](t, e.expect(t, http.StatusCreated, http.MethodPost, url+"/nightly/run", e.h.Admin, nil))
	if job.Kind != "Job" {
		t.Fatalf("run now gave %+v", job)
	}
	live, err := e.c.Kube.BatchV1().Jobs(namespace).Get(t.Context(), job.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if live.Annotations[workloads.InstantiateAnnotation] != "manual" || metav1.GetControllerOf(live) == nil || metav1.GetControllerOf(live).Name != "nightly" {
		t.Errorf("manual job %+v", live.ObjectMeta)
	}
	e.waitDetail(t, url+"/nightly", func(d workloads.WorkloadDetail) error {
		if len(d.Jobs) != 1 || d.Jobs[0].Name != job.Name || d.Jobs[0].Status != "Complete" || len(d.Pods) != 1 {
			return fmt.Errorf("jobs %+v pods %+v", d.Jobs, d.Pods)
		}
		return nil
	})
	v = decode[workloads.WorkloadView](t, e.expect(t, http.StatusOK, http.MethodPost, url+"/nightly/resume", e.h.Admin, nil))
	if v.CronJob.Suspend {
		t.Errorf("after resume %+v", v)
	}
}

func (e *env) testStatefulSet(t *testing.T) {
	url := e.base + "statefulsets"
	two := int32(2)
	e.expect(t, http.StatusCreated, http.MethodPost, url, e.h.Admin, workloads.WorkloadSpec{Name: "db", Replicas: &two,
		Containers: []workloads.WorkloadContainer{container("db", "postgres:16")}})
	e.waitDetail(t, url+"/db", func(d workloads.WorkloadDetail) error {
		if running(d.Pods) != 2 || len(d.Revisions) != 1 || d.Spec.ServiceName != "db" {
			return fmt.Errorf("pods %+v revisions %+v", d.Pods, d.Revisions)
		}
		return nil
	})
	e.expect(t, http.StatusOK, http.MethodPost, url+"/db/image", e.h.Admin, map[string]string{"container": "db", "image": "postgres:17"})
	e.waitDetail(t, url+"/db", currentRevision(2, "postgres:17", 2))
	e.expect(t, http.StatusOK, http.MethodPost, url+"/db/scale", e.h.Admin, map[string]int{"replicas": 1})
	v := decode[workloads.WorkloadView](t, e.expect(t, http.StatusOK, http.MethodPost, url+"/db/rollback", e.h.Admin, map[string]int{"revision": 1}))
	if !slices.Equal(v.Images, []string{"postgres:16"}) {
		t.Errorf("after rollback %+v", v)
	}
	e.expect(t, http.StatusOK, http.MethodPost, url+"/db/restart", e.h.Admin, nil)
}

func (e *env) testDaemonSet(t *testing.T) {
	url := e.base + "daemonsets"
	e.expect(t, http.StatusCreated, http.MethodPost, url, e.h.Admin, workloads.WorkloadSpec{Name: "agent",
		NodeSelector: map[string]string{"kubernetes.io/os": "linux"},
		Tolerations:  []workloads.WorkloadToleration{{Operator: "Exists"}},
		Containers:   []workloads.WorkloadContainer{container("agent", "agent:1")}})
	d := e.waitDetail(t, url+"/agent", func(d workloads.WorkloadDetail) error {
		// The pods run a moment before the DaemonSet's status counts them
		// available.
		if d.Replicas.Desired != 2 || running(d.Pods) != 2 || len(d.Revisions) != 1 || d.Status != "Available" {
			return fmt.Errorf("status %s replicas %+v pods %+v revisions %+v", d.Status, d.Replicas, d.Pods, d.Revisions)
		}
		return nil
	})
	if d.Spec.NodeSelector["kubernetes.io/os"] != "linux" || len(d.Spec.Tolerations) != 1 {
		t.Errorf("spec %+v", d.Spec)
	}
	list := decode[listOf](t, e.expect(t, http.StatusOK, http.MethodGet, e.base+"daemonsets", e.h.Admin, nil))
	if list.Total != 1 || list.Items[0].Status != "Available" {
		t.Errorf("list %+v", list)
	}
	e.expect(t, http.StatusOK, http.MethodPost, url+"/agent/image", e.h.Admin, map[string]string{"container": "agent", "image": "agent:2"})
	e.waitDetail(t, url+"/agent", currentRevision(2, "agent:2", 2))
	// Revision 0 is the one before the current.
	e.expect(t, http.StatusOK, http.MethodPost, url+"/agent/rollback", e.h.Admin, map[string]int{"revision": 0})
	e.waitDetail(t, url+"/agent", currentRevision(3, "agent:1", 2))
}

func (e *env) testAccess(t *testing.T) {
	user := e.h.CreateUser("nobody", "user")
	e.expect(t, http.StatusForbidden, http.MethodGet, e.base+"deployments", user, nil)
	e.expect(t, http.StatusForbidden, http.MethodPost, e.base+"deployments/x/scale", user, map[string]int{"replicas": 1})
	e.expect(t, http.StatusNotFound, http.MethodGet, "/api/v1/clusters/nowhere/namespaces/apps/deployments", e.h.Admin, nil)
	e.expect(t, http.StatusNotFound, http.MethodGet, e.base+"statefulsets/missing", e.h.Admin, nil)
	e.expect(t, http.StatusBadRequest, http.MethodGet, e.base+"jobs?labelSelector=%3D%3D", e.h.Admin, nil)
}

type listOf struct {
	Items []workloads.WorkloadView `json:"items"`
	Total int                      `json:"total"`
}

func running(pods []workloads.WorkloadPod) int {
	n := 0
	for _, p := range pods {
		if p.Phase == string(corev1.PodRunning) {
			n++
		}
	}
	return n
}

// currentRevision waits for revision rev with image to be current, and
// for count revisions at least.
func currentRevision(rev int64, image string, count int) func(workloads.WorkloadDetail) error {
	return func(d workloads.WorkloadDetail) error {
		if len(d.Revisions) < count {
			return fmt.Errorf("revisions %+v", d.Revisions)
		}
		r := d.Revisions[0]
		if r.Revision != rev || !r.Current || !slices.Equal(r.Images, []string{image}) {
			return fmt.Errorf("newest revision %+v, want %d with %s", r, rev, image)
		}
		return nil
	}
}

// expect sends a request and fails t (the subtest) unless the status is
// want.
func (e *env) expect(t *testing.T, want int, method, path, token string, body any) map[string]any {
	t.Helper()
	code, out, _ := e.h.Do(method, path, token, body)
	if code != want {
		t.Fatalf("%s %s: status %d, want %d: %v", method, path, code, want, out)
	}
	return out
}

func (e *env) detail(t *testing.T, path string) workloads.WorkloadDetail {
	t.Helper()
	return decode[workloads.WorkloadDetail](t, e.expect(t, http.StatusOK, http.MethodGet, path, e.h.Admin, nil))
}

// waitDetail reads the detail until cond holds (cache reads follow the
// writes eventually).
func (e *env) waitDetail(t *testing.T, path string, cond func(workloads.WorkloadDetail) error) workloads.WorkloadDetail {
	t.Helper()
	var d workloads.WorkloadDetail
	servertest.Eventually(t, func() error {
		code, body, _ := e.h.Do(http.MethodGet, path, e.h.Admin, nil)
		if code != http.StatusOK {
			return fmt.Errorf("GET %s: %d %v", path, code, body)
		}
		d = decode[workloads.WorkloadDetail](t, body)
		return cond(d)
	}).Should(gomega.Succeed())
	return d
}

func expectLocations(t *testing.T, problem map[string]any, want ...string) {
	t.Helper()
	got := servertest.ErrorLocations(problem)
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("locations %v, want %q in %v", got, w, problem)
		}
	}
}

func decode[T any](t *testing.T, in map[string]any) T {
	t.Helper()
	var out T
	raw, err := json.Marshal(in)
	if err == nil {
		err = json.Unmarshal(raw, &out)
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}
