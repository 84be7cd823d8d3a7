//go:build !unit

package pods_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/pods"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

// kwokLogLine is part of the line the sandbox's kwok serves as every
// container's log.
const kwokLogLine = "Simulated container in a Wheelhouse sandbox cluster"

const (
	ns   = "web"
	base = "/api/v1/clusters/c1/namespaces/" + ns
)

type env struct {
	h    *servertest.Harness
	conn *multicluster.Cluster
}

func remarshal(in, out any) error {
	raw, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, out)
}

// raw sends a GET as the admin and returns the response, closed at the
// end of the test.
func (e *env) raw(t *testing.T, ctx context.Context, path, accept string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.h.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.h.Admin)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := e.h.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func (e *env) text(t *testing.T, path string) (int, http.Header, string) {
	t.Helper()
	resp := e.raw(t, t.Context(), path, "")
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// runningPods lists the namespace's pods until want of them are Running
// and none is terminating.
func (e *env) runningPods(t *testing.T, want int) []pods.PodView {
	t.Helper()
	var items []pods.PodView
	servertest.Eventually(t, func() error {
		var l struct{ Items []pods.PodView }
		code, body, _ := e.h.Do(http.MethodGet, base+"/pods?labelSelector=app%3Dweb", e.h.Admin, nil)
		if code != http.StatusOK {
			return fmt.Errorf("list: %d %v", code, body)
		}
		if err := remarshal(body, &l); err != nil {
			return err
		}
		if len(l.Items) != want {
			return fmt.Errorf("%d pods, want %d", len(l.Items), want)
		}
		for _, p := range l.Items {
			if p.Phase != "Running" || p.Ready != "1/1" || p.Deleting {
				return fmt.Errorf("pod %s: phase %s ready %s deleting %v", p.Name, p.Phase, p.Ready, p.Deleting)
			}
		}
		items = l.Items
		return nil
	}).Should(gomega.Succeed())
	return items
}

func TestPods(t *testing.T) {
	h, conn := servertest.WithSandbox(t, servertest.Options{}, "c1", 2, ns)
	e := &env{h: h, conn: conn}
	ctx := t.Context()
	replicas := int32(2)
	labels := map[string]string{"app": "web"}
	dep := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns}, Spec: appsv1.DeploymentSpec{
		Replicas: &replicas, Selector: &metav1.LabelSelector{MatchLabels: labels},
		Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "app", Image: "nginx:1.27"}}}}}}
	if _, err := e.conn.Kube.AppsV1().Deployments(ns).Create(ctx, dep, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	list := e.runningPods(t, 2)
	pod := list[0]

	t.Run("list view", func(t *testing.T) {
		if pod.Owner == nil || pod.Owner.Kind != "ReplicaSet" || !strings.HasPrefix(pod.Owner.Name, "web-") {
			t.Errorf("owner %+v, want a ReplicaSet web-...", pod.Owner)
		}
		if pod.Node == "" || len(pod.PodIPs) == 0 || pod.ReadyContainers != 1 || pod.TotalContainers != 1 {
			t.Errorf("view %+v", pod)
		}
		if len(pod.Containers) != 1 || pod.Containers[0].Image != "nginx:1.27" || pod.Containers[0].State != "running" {
			t.Errorf("containers %+v", pod.Containers)
		}
		var l struct {
			Items    []pods.PodView
			Continue string
			Total    int
		}
		if err := remarshal(h.Expect(http.StatusOK, http.MethodGet, base+"/pods?limit=1", h.Admin, nil), &l); err != nil {
			t.Fatal(err)
		}
		if len(l.Items) != 1 || l.Total != 2 || l.Continue == "" {
			t.Errorf("page of 1: %d items, total %d, continue %q", len(l.Items), l.Total, l.Continue)
		}
		if err := remarshal(h.Expect(http.StatusOK, http.MethodGet, base+"/pods?fieldSelector=status.phase%3DPending", h.Admin, nil), &l); err != nil {
			t.Fatal(err)
		}
		if len(l.Items) != 0 {
			t.Errorf("pending pods: %d", len(l.Items))
		}
	})

	t.Run("get with events", func(t *testing.T) {
		servertest.Eventually(t, func() error {
			var d pods.PodDetail
			if err := remarshal(h.Expect(http.StatusOK, http.MethodGet, base+"/pods/"+pod.Name, h.Admin, nil), &d); err != nil {
				return err
			}
			if d.UID != pod.UID || d.Phase != "Running" {
				return fmt.Errorf("got %+v", d.PodView)
			}
			if len(d.Events) == 0 {
				return fmt.Errorf("no events yet")
			}
			for _, ev := range d.Events {
				if ev.InvolvedObject.Name != pod.Name {
					return fmt.Errorf("event about %+v", ev.InvolvedObject)
				}
			}
			return nil
		}).Should(gomega.Succeed())
		var l struct{ Items []pods.PodEventView }
		if err := remarshal(h.Expect(http.StatusOK, http.MethodGet, base+"/events?fieldSelector=involvedObject.kind%3DPod,involvedObject.name%3D"+pod.Name, h.Admin, nil), &l); err != nil {
			t.Fatal(err)
		}
		if len(l.Items) == 0 {
			t.Error("no events listed for the pod")
		}
	})

	t.Run("logs", func(t *testing.T) {
		code, hdr, body := e.text(t, base+"/pods/"+pod.Name+"/logs")
		if code != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "text/plain") || !strings.Contains(body, kwokLogLine) {
			t.Fatalf("logs: %d %s %q", code, hdr.Get("Content-Type"), body)
		}
		_, _, body = e.text(t, base+"/pods/"+pod.Name+"/logs?tailLines=1&container=app&timestamps=true")
		if lines := strings.Split(strings.TrimSpace(body), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], "20") {
			t.Errorf("tailLines=1 with timestamps: %q", body)
		}
		_, _, body = e.text(t, base+"/pods/"+pod.Name+"/logs?tailLines=0")
		if body != "" {
			t.Errorf("tailLines=0: %q", body)
		}
		_, _, body = e.text(t, base+"/pods/"+pod.Name+"/logs?limitBytes=5")
		if len(body) != 5 {
			t.Errorf("limitBytes=5: %q", body)
		}
		_, hdr, _ = e.text(t, base+"/pods/"+pod.Name+"/logs?download=true&container=app")
		if want := `attachment; filename="` + pod.Name + `-app.log"`; hdr.Get("Content-Disposition") != want {
			t.Errorf("Content-Disposition %q, want %q", hdr.Get("Content-Disposition"), want)
		}
		h.Expect(http.StatusBadRequest, http.MethodGet, base+"/pods/"+pod.Name+"/logs?container=nope", h.Admin, nil)
		h.Expect(http.StatusNotFound, http.MethodGet, base+"/pods/no-such-pod/logs", h.Admin, nil)
	})

	t.Run("logs follow over SSE", func(t *testing.T) {
		sctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		resp := e.raw(t, sctx, base+"/pods/"+pod.Name+"/logs?follow=true", "text/event-stream")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
			t.Fatalf("follow: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		line, err := readData(bufio.NewReader(resp.Body))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(line, kwokLogLine) {
			t.Errorf("first data line %q", line)
		}
	})

	for name, path := range map[string]string{
		"event stream of a cluster":   "/api/v1/clusters/c1/events/stream?namespace=" + ns,
		"event stream of a namespace": base + "/events/stream",
	} {
		t.Run(name, func(t *testing.T) {
			h.Expect(http.StatusNotAcceptable, http.MethodGet, path, h.Admin, nil)
			sctx, cancel := context.WithTimeout(ctx, time.Minute)
			defer cancel()
			resp := e.raw(t, sctx, path, "text/event-stream")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("stream: %d", resp.StatusCode)
			}
			// A change made now: an event about the Deployment.
			reason := "WheelhouseTest" + strconv.Itoa(len(name))
			ev := &corev1.Event{ObjectMeta: metav1.ObjectMeta{GenerateName: "web-", Namespace: ns},
				InvolvedObject: corev1.ObjectReference{Kind: "Deployment", Namespace: ns, Name: "web"},
				Reason:         reason, Message: "made by the test", Type: corev1.EventTypeNormal,
				Source: corev1.EventSource{Component: "pods-test"}, FirstTimestamp: metav1.Now(), LastTimestamp: metav1.Now(), Count: 1}
			if _, err := e.conn.Kube.CoreV1().Events(ns).Create(ctx, ev, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			r := bufio.NewReader(resp.Body)
			for {
				data, err := readData(r)
				if err != nil {
					t.Fatalf("no event from the test: %v", err)
				}
				var ch pods.PodEventChange
				if err := json.Unmarshal([]byte(data), &ch); err != nil {
					t.Fatalf("data %q: %v", data, err)
				}
				if ch.Event.Namespace != ns {
					t.Errorf("event of namespace %q", ch.Event.Namespace)
				}
				if ch.Event.Reason == reason {
					if ch.Type != "ADDED" || ch.Event.InvolvedObject.Name != "web" || ch.Event.Source != "pods-test" {
						t.Errorf("change %+v", ch)
					}
					return
				}
			}
		})
	}

	t.Run("not found and forbidden", func(t *testing.T) {
		h.Expect(http.StatusNotFound, http.MethodGet, base+"/pods/no-such-pod", h.Admin, nil)
		h.Expect(http.StatusNotFound, http.MethodDelete, base+"/pods/no-such-pod", h.Admin, nil)
		h.Expect(http.StatusNotFound, http.MethodGet, "/api/v1/clusters/nope/namespaces/web/pods", h.Admin, nil)
		nobody := h.CreateUser("nobody", "user")
		for _, p := range []string{base + "/pods", base + "/pods/" + pod.Name, base + "/pods/" + pod.Name + "/logs", base + "/events", base + "/events/stream", "/api/v1/clusters/c1/events/stream"} {
			h.Expect(http.StatusForbidden, http.MethodGet, p, nobody, nil)
		}
		h.Expect(http.StatusForbidden, http.MethodDelete, base+"/pods/"+pod.Name, nobody, nil)
	})

	t.Run("delete", func(t *testing.T) {
		h.Expect(http.StatusNoContent, http.MethodDelete, base+"/pods/"+pod.Name+"?gracePeriodSeconds=0", h.Admin, nil)
		servertest.Eventually(t, func() error {
			for _, p := range e.runningPods(t, 2) {
				if p.Name == pod.Name {
					return fmt.Errorf("pod %s still listed", p.Name)
				}
			}
			return nil
		}).Should(gomega.Succeed())
	})
}

// readData returns the data of the next data: line of an event stream.
func readData(r *bufio.Reader) (string, error) {
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return "", fmt.Errorf("read event stream: %w", err)
		}
		if data, ok := strings.CutPrefix(line, "data: "); ok {
			return strings.TrimRight(data, "\n"), nil
		}
	}
}
