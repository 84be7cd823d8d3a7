//go:build !unit

package operation_test

import (
	"net/http"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

// TestWatchStreams: a list's watch stream starts where the list left off,
// follows selectors (an object that stops matching is DELETED), is
// authorized like its list, resumes from an event's id, and resets a
// cursor it cannot resume.
func TestWatchStreams(t *testing.T) {
	g := NewWithT(t)
	h, conn := servertest.WithSandbox(t, servertest.Options{}, "c1", 1)
	ctx := t.Context()
	kube := conn.Kube.CoreV1().ConfigMaps("default")
	create := func(name string, labels map[string]string) {
		_, err := kube.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}, metav1.CreateOptions{})
		g.Expect(err).NotTo(HaveOccurred())
	}
	create("before", map[string]string{"app": "web"})
	list := "/api/v1/clusters/c1/namespaces/default/configmaps?labelSelector=app%3Dweb"
	g.Eventually(func() []any { return h.Expect(http.StatusOK, http.MethodGet, list, h.Admin, nil)["items"].([]any) }).
		WithTimeout(time.Minute).Should(HaveLen(1))
	cursor := h.Expect(http.StatusOK, http.MethodGet, list, h.Admin, nil)["cursor"].(string)
	g.Expect(cursor).NotTo(BeEmpty())

	// A change made after the list, before the watch opens, is not missed.
	create("between", map[string]string{"app": "web"})
	watch := "/api/v1/clusters/c1/watch/namespaces/default/configmaps?labelSelector=app%3Dweb&since=" + cursor
	events, status := h.OpenWatch(t, watch, h.Admin)
	g.Expect(status).To(Equal(http.StatusOK))
	next := func() servertest.WatchEvent {
		var ev servertest.WatchEvent
		g.Eventually(events).WithTimeout(30 * time.Second).Should(Receive(&ev))
		return ev
	}
	ev := next()
	g.Expect(ev.Type).To(Equal("ADDED"))
	g.Expect(ev.Object).To(HaveKeyWithValue("name", "between"))
	create("other", map[string]string{"app": "db"}) // never matches
	create("after", map[string]string{"app": "web"})
	ev = next()
	g.Expect(ev.Type).To(Equal("ADDED"))
	g.Expect(ev.Object).To(HaveKeyWithValue("name", "after"))
	last := ev.ID
	_, err := kube.Patch(ctx, "after", "application/merge-patch+json", []byte(`{"metadata":{"labels":{"app":"db"}}}`), metav1.PatchOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	ev = next()
	g.Expect(ev.Type).To(Equal("DELETED"))
	g.Expect(ev.Object).To(HaveKeyWithValue("name", "after"))

	// Reconnecting with the last id replays what came after it.
	events, _ = h.OpenWatch(t, "/api/v1/clusters/c1/watch/namespaces/default/configmaps?labelSelector=app%3Dweb&since="+last, h.Admin)
	ev = next()
	g.Expect(ev.Type).To(Equal("DELETED"))

	// A cursor it cannot resume: RESET, list again.
	events, status = h.OpenWatch(t, "/api/v1/clusters/c1/watch/namespaces/default/configmaps?since=nope.1", h.Admin)
	g.Expect(status).To(Equal(http.StatusOK))
	g.Expect(next().Type).To(Equal("RESET"))

	// Authorized as the list: a viewer of the cluster watches, a stranger
	// may not; a bad selector is the list's 400.
	viewer := h.CreateUser("viewer", "user")
	h.Expect(http.StatusOK, http.MethodPut, "/api/v1/clusters/c1/members/viewer", h.Admin, map[string]string{"role": "viewer"})
	_, status = h.OpenWatch(t, "/api/v1/clusters/c1/watch/nodes", viewer)
	g.Expect(status).To(Equal(http.StatusOK))
	_, status = h.OpenWatch(t, "/api/v1/clusters/c1/watch/nodes", h.CreateUser("stranger", "user"))
	g.Expect(status).To(Equal(http.StatusForbidden))
	_, status = h.OpenWatch(t, "/api/v1/clusters/c1/watch/pods?fieldSelector=spec.nope%3Dx", h.Admin)
	g.Expect(status).To(Equal(http.StatusBadRequest))

	// What the caller may do, for a console to offer only that.
	perms := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/clusters/c1/permissions?namespace=default", viewer, nil)
	g.Expect(perms["admin"]).To(BeFalse())
	g.Expect(perms["rules"]).To(ContainElement(HaveKeyWithValue("verbs", []any{"get", "list"})))
	g.Expect(h.Expect(http.StatusOK, http.MethodGet, "/api/v1/clusters/c1/permissions", h.Admin, nil)["admin"]).To(BeTrue())
}
