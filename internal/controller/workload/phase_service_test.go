package workload

import (
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
)

func TestReconcileService(t *testing.T) {
	plain := newWorkload(appsv1alpha1.WorkloadTypeDeployment)
	withSvc := newWorkload(appsv1alpha1.WorkloadTypeDeployment, withService)
	sts := newWorkload(appsv1alpha1.WorkloadTypeStatefulSet, withService)
	liveService := func(clusterIP string) client.Object {
		return ownedBy(plain, &corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: testNamespace, UID: "uid-svc"},
			Spec:       corev1.ServiceSpec{ClusterIP: clusterIP, Ports: []corev1.ServicePort{{Port: 8080}}},
		})
	}

	tests := []struct {
		name        string
		w           *appsv1alpha1.Workload
		objs        []client.Object
		funcs       *interceptor.Funcs
		wantErr     string
		wantService bool
		wantEvents  []string
		check       func(g Gomega, svc *corev1.Service, err error)
	}{{
		name:        "creates the service",
		w:           withSvc,
		wantService: true,
		wantEvents:  []string{appsv1alpha1.EventServiceApplySucceeded},
		check: func(g Gomega, svc *corev1.Service, err error) {
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(svc.Spec.Ports[0].Port).To(Equal(int32(80)))
		},
	}, {
		name:        "updates a drifted service",
		w:           withSvc,
		objs:        []client.Object{liveService("10.0.0.7")},
		wantService: true,
		wantEvents:  []string{appsv1alpha1.EventServiceApplySucceeded},
		check: func(g Gomega, svc *corev1.Service, err error) {
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(svc.Spec.Ports).To(ContainElement(HaveField("Port", int32(80))))
		},
	}, {
		name:       "deletes a service no longer requested",
		w:          plain,
		objs:       []client.Object{liveService("10.0.0.7")},
		wantEvents: []string{appsv1alpha1.EventCleanupSucceeded},
		check: func(g Gomega, _ *corev1.Service, err error) {
			g.Expect(apierrors.IsNotFound(err)).To(BeTrue())
		},
	}, {
		name: "nothing requested, nothing there",
		w:    plain,
		check: func(g Gomega, _ *corev1.Service, err error) {
			g.Expect(apierrors.IsNotFound(err)).To(BeTrue())
		},
	}, {
		name:        "replaces a ClusterIP service with a headless one for a StatefulSet",
		w:           sts,
		objs:        []client.Object{liveService("10.0.0.7")},
		wantService: true,
		wantEvents:  []string{appsv1alpha1.EventCleanupSucceeded, appsv1alpha1.EventServiceApplySucceeded},
		check: func(g Gomega, svc *corev1.Service, err error) {
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(svc.Spec.ClusterIP).To(Equal(corev1.ClusterIPNone))
			g.Expect(svc.UID).NotTo(BeEquivalentTo("uid-svc"))
		},
	}, {
		name:       "refuses a service it does not own",
		w:          withSvc,
		objs:       []client.Object{&corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: testNamespace}}},
		wantErr:    "not owned",
		wantEvents: []string{appsv1alpha1.EventServiceApplyFailed},
	}, {
		name:       "apply error",
		w:          withSvc,
		funcs:      failApply(errAPIDown),
		wantErr:    "connection refused",
		wantEvents: []string{appsv1alpha1.EventServiceApplyFailed},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			env := newTestEnv(t, tt.funcs, tt.objs...)
			s := &scope{workload: tt.w.DeepCopy()}
			_, err := env.r.reconcileService(t.Context(), s)
			env.r.reportCreated(s)
			if tt.wantErr != "" {
				g.Expect(err).To(MatchError(ContainSubstring(tt.wantErr)))
				g.Expect(s.serviceKnown).To(BeFalse())
			} else {
				g.Expect(err).NotTo(HaveOccurred())
				g.Expect(s.serviceKnown).To(BeTrue())
			}
			g.Expect(s.service != nil).To(Equal(tt.wantService))
			g.Expect(env.eventReasons()).To(Equal(tt.wantEvents))
			if tt.check != nil {
				svc := &corev1.Service{}
				err := env.client.Get(t.Context(), key(), svc)
				tt.check(g, svc, err)
			}
		})
	}
}
