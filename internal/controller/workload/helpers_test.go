package workload

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
)

const testNamespace = "team-a"

// testScheme knows the built-in kinds and Workloads.
func testScheme(t testing.TB) *runtime.Scheme {
	t.Helper()
	s := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	if err := appsv1alpha1.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	return s
}

// newWorkload is a Workload "web" of the given type with one nginx
// container, adjusted by the mutators.
func newWorkload(t appsv1alpha1.WorkloadType, mutate ...func(*appsv1alpha1.Workload)) *appsv1alpha1.Workload {
	w := &appsv1alpha1.Workload{
		TypeMeta: metav1.TypeMeta{APIVersion: appsv1alpha1.GroupVersion.String(), Kind: "Workload"},
		ObjectMeta: metav1.ObjectMeta{
			Name: "web", Namespace: testNamespace, UID: "uid-web", Generation: 1,
		},
		Spec: appsv1alpha1.WorkloadSpec{
			Type: t,
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"tier": "front"}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx:1.27"}}},
			},
		},
	}
	if t == appsv1alpha1.WorkloadTypeCronJob {
		w.Spec.Schedule = ptr.To("*/5 * * * *")
	}
	for _, m := range mutate {
		m(w)
	}
	return w
}

// withService gives w a ClusterIP Service on port 80.
func withService(w *appsv1alpha1.Workload) {
	w.Spec.Service = &appsv1alpha1.ServiceSpec{Ports: []appsv1alpha1.ServicePort{{Port: 80}}}
}

// ownedBy makes obj controlled by w.
func ownedBy(w *appsv1alpha1.Workload, obj client.Object) client.Object {
	obj.SetOwnerReferences([]metav1.OwnerReference{ownerReference(w)})
	return obj
}

// testEnv is a Reconciler over a fake client.
type testEnv struct {
	r        *Reconciler
	client   client.Client
	recorder *events.FakeRecorder
}

// newTestEnv builds a Reconciler on a fake client holding objs, with the
// interceptor funcs (for API failures) if any.
func newTestEnv(t testing.TB, funcs *interceptor.Funcs, objs ...client.Object) *testEnv {
	t.Helper()
	return newTestEnvWith(t, false, funcs, objs...)
}

// newTestEnvWith is newTestEnv with the write caches on or off.
func newTestEnvWith(t testing.TB, disableWriteCaches bool, funcs *interceptor.Funcs, objs ...client.Object) *testEnv {
	t.Helper()
	b := fake.NewClientBuilder().
		WithScheme(testScheme(t)).
		WithStatusSubresource(&appsv1alpha1.Workload{}).
		WithObjects(objs...)
	if funcs != nil {
		b = b.WithInterceptorFuncs(*funcs)
	}
	c := b.Build()
	rec := events.NewFakeRecorder(100)
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(Config{Client: c, Recorder: rec, Metrics: m, Cluster: "test", DisableWriteCaches: disableWriteCaches})
	if err != nil {
		t.Fatal(err)
	}
	return &testEnv{r: r, client: c, recorder: rec}
}

// writeCachesModes are the two ways to run the reconciler: with the
// write-avoiding caches (the default) and without them.
var writeCachesModes = []struct {
	name     string
	disabled bool
}{{"write caches on", false}, {"write caches off", true}}

// events drains the recorded events as "Type Reason message" strings.
func (e *testEnv) events() []string {
	var out []string
	for {
		select {
		case ev := <-e.recorder.Events:
			out = append(out, ev)
		default:
			return out
		}
	}
}

// eventReasons is the reason of each recorded event.
func (e *testEnv) eventReasons() []string {
	var out []string
	for _, ev := range e.events() {
		f := strings.Fields(ev)
		if len(f) > 1 {
			out = append(out, f[1])
		}
	}
	return out
}
