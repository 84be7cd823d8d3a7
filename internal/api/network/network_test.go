//go:build !unit

package network_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

const base = "/api/v1/clusters/c1/namespaces/web"

// TestNetwork runs every Service and Ingress endpoint against a sandbox
// cluster whose kwok nodes run the pods behind a Service.
func TestNetwork(t *testing.T) {
	h, conn := servertest.WithSandbox(t, servertest.Options{}, "c1", 2, "web")
	nobody := h.CreateUser("nobody", "user")
	ctx := t.Context()
	for _, name := range []string{"web-1", "web-2"} {
		pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "web", Labels: map[string]string{"app": "web"}},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx",
				Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}}}}}}
		if _, err := conn.Kube.CoreV1().Pods("web").Create(ctx, pod, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	services := base + "/services"

	t.Run("services", func(t *testing.T) {
		svc := h.Expect(http.StatusCreated, http.MethodPost, services, h.Admin, map[string]any{"name": "web", "selector": map[string]string{"app": "web"},
			"ports": []map[string]any{{"name": "http", "port": 80, "targetPort": "http"}}})
		if svc["type"] != "ClusterIP" || svc["clusterIP"] == "" || svc["clusterIP"] == "None" {
			t.Errorf("created service: %v", svc)
		}
		headless := h.Expect(http.StatusCreated, http.MethodPost, services, h.Admin, map[string]any{"name": "web-headless", "clusterIP": "None",
			"selector": map[string]string{"app": "web"}, "ports": []map[string]any{{"port": 8080}}})
		if headless["clusterIP"] != "None" {
			t.Errorf("headless service: %v", headless)
		}
		h.Expect(http.StatusConflict, http.MethodPost, services, h.Admin, map[string]any{"name": "web", "ports": []map[string]any{{"port": 80}}})

		good := map[string]any{"name": "bad", "ports": []map[string]any{{"port": 80}}}
		port := func(p map[string]any) []map[string]any { return []map[string]any{p} }
		h.ExpectInvalid(t, []servertest.InvalidCase{
			servertest.Invalid("bad name", http.MethodPost, services, servertest.With(good, "name", "Bad_Name"), "body.name"),
			servertest.Invalid("port out of range", http.MethodPost, services, servertest.With(good, "ports", port(map[string]any{"port": 70000})), "body.ports[0].port"),
			servertest.Invalid("bad target port name", http.MethodPost, services, servertest.With(good, "ports", port(map[string]any{"port": 80, "targetPort": "not a name!"})), "body.ports[0].targetPort"),
			servertest.Invalid("target port out of range", http.MethodPost, services, servertest.With(good, "ports", port(map[string]any{"port": 80, "targetPort": "99999"})), "body.ports[0].targetPort"),
			servertest.Invalid("bad protocol", http.MethodPost, services, servertest.With(good, "ports", port(map[string]any{"port": 80, "protocol": "ICMP"})), "body.ports[0].protocol"),
			servertest.Invalid("bad cluster IP", http.MethodPost, services, servertest.With(good, "clusterIP", "somewhere"), "body.clusterIP"),
			servertest.Invalid("unknown type", http.MethodPost, services, servertest.With(good, "type", "Tunnel"), "body.type"),
			servertest.Invalid("bad selector", http.MethodPost, services, servertest.With(good, "selector", map[string]string{"app": "no spaces"}), "body.selector.app"),
			servertest.Invalid("external name missing", http.MethodPost, services, servertest.With(good, "type", "ExternalName"), "body.externalName"),
			// The API server's own rejection, with its field cause.
			servertest.Invalid("two unnamed ports", http.MethodPost, services, servertest.With(good, "ports", []map[string]any{{"port": 80}, {"port": 81}}), "body.spec.ports[0].name"),
		})

		servertest.Eventually(t, func() error {
			d := h.Expect(http.StatusOK, http.MethodGet, services+"/web", h.Admin, nil)
			var pods []string
			for _, p := range d["pods"].([]any) {
				if p.(map[string]any)["phase"] == "Running" {
					pods = append(pods, p.(map[string]any)["name"].(string))
				}
			}
			if !slices.Equal(pods, []string{"web-1", "web-2"}) {
				return fmt.Errorf("running pods of web: %v", d["pods"])
			}
			var backends []string
			for _, s := range d["endpointSlices"].([]any) {
				for _, e := range s.(map[string]any)["endpoints"].([]any) {
					backends = append(backends, e.(map[string]any)["pod"].(string))
				}
			}
			slices.Sort(backends)
			if !slices.Equal(backends, []string{"web-1", "web-2"}) {
				return fmt.Errorf("endpoints of web: %v", d["endpointSlices"])
			}
			return nil
		}).Should(gomega.Succeed())
		servertest.Eventually(t, func() error {
			l := h.Expect(http.StatusOK, http.MethodGet, services+"?name=web", h.Admin, nil)
			if got := servertest.ItemNames(l); !slices.Equal(got, []string{"web", "web-headless"}) {
				return fmt.Errorf("services: %v", got)
			}
			return nil
		}).Should(gomega.Succeed())

		rv := svc["resourceVersion"].(string)
		updated := h.Expect(http.StatusOK, http.MethodPut, services+"/web", h.Admin, map[string]any{"resourceVersion": rv, "type": "NodePort",
			"selector": map[string]string{"app": "web"}, "ports": []map[string]any{{"name": "http", "port": 8000, "targetPort": "8080"}}})
		ports := updated["ports"].([]any)
		if updated["type"] != "NodePort" || updated["clusterIP"] != svc["clusterIP"] || len(ports) != 1 ||
			ports[0].(map[string]any)["port"] != 8000.0 || ports[0].(map[string]any)["nodePort"] == 0.0 {
			t.Errorf("updated service: %v", updated)
		}
		h.Expect(http.StatusConflict, http.MethodPut, services+"/web", h.Admin, map[string]any{"resourceVersion": rv,
			"ports": []map[string]any{{"port": 80}}})
		h.ExpectInvalid(t, []servertest.InvalidCase{servertest.Invalid("update with port zero", http.MethodPut, services+"/web",
			map[string]any{"resourceVersion": updated["resourceVersion"], "ports": []map[string]any{{"port": 0}}}, "body.ports[0].port")})
		h.Expect(http.StatusNotFound, http.MethodPut, services+"/none", h.Admin, map[string]any{"resourceVersion": "1", "ports": []map[string]any{{"port": 80}}})
		h.Expect(http.StatusNotFound, http.MethodGet, services+"/none", h.Admin, nil)
		h.Expect(http.StatusForbidden, http.MethodGet, services, nobody, nil)
		h.Expect(http.StatusForbidden, http.MethodPost, services, nobody, good)
		h.Expect(http.StatusNoContent, http.MethodDelete, services+"/web-headless", h.Admin, nil)
		h.Expect(http.StatusNotFound, http.MethodDelete, services+"/web-headless", h.Admin, nil)
	})

	ingresses := base + "/ingresses"
	t.Run("ingresses", func(t *testing.T) {
		ing := h.Expect(http.StatusCreated, http.MethodPost, ingresses, h.Admin, map[string]any{"name": "web", "className": "nginx",
			"rules": []map[string]any{{"host": "web.example.com", "paths": []map[string]any{{"service": "web", "port": "http"}}}},
			"tls":   []map[string]any{{"hosts": []string{"web.example.com"}, "secretName": "web-tls"}}})
		rules := ing["rules"].([]any)
		if ing["className"] != "nginx" || len(rules) != 1 || ing["tls"].([]any)[0].(map[string]any)["secretName"] != "web-tls" {
			t.Fatalf("created ingress: %v", ing)
		}
		if p := rules[0].(map[string]any)["paths"].([]any)[0].(map[string]any); p["path"] != "/" || p["pathType"] != "Prefix" || p["port"] != "http" {
			t.Errorf("path of created ingress: %v", p)
		}
		h.Expect(http.StatusConflict, http.MethodPost, ingresses, h.Admin, map[string]any{"name": "web",
			"rules": []map[string]any{{"paths": []map[string]any{{"service": "web", "port": "80"}}}}})

		rule := func(host string, p map[string]any) []map[string]any {
			return []map[string]any{{"host": host, "paths": []map[string]any{p}}}
		}
		backend := map[string]any{"service": "web", "port": "80"}
		good := map[string]any{"name": "bad", "rules": rule("a.example.com", backend)}
		h.ExpectInvalid(t, []servertest.InvalidCase{
			servertest.Invalid("bad host", http.MethodPost, ingresses, servertest.With(good, "rules", rule("Bad_Host", backend)), "body.rules[0].host"),
			servertest.Invalid("relative path", http.MethodPost, ingresses, servertest.With(good, "rules", rule("", servertest.With(backend, "path", "nope"))), "body.rules[0].paths[0].path"),
			servertest.Invalid("port zero", http.MethodPost, ingresses, servertest.With(good, "rules", rule("", servertest.With(backend, "port", "0"))), "body.rules[0].paths[0].port"),
			servertest.Invalid("bad service", http.MethodPost, ingresses, servertest.With(good, "rules", rule("", servertest.With(backend, "service", "Web"))), "body.rules[0].paths[0].service"),
			servertest.Invalid("bad path type", http.MethodPost, ingresses, servertest.With(good, "rules", rule("", servertest.With(backend, "pathType", "Regex"))), "body.rules[0].paths[0].pathType"),
			servertest.Invalid("bad secret name", http.MethodPost, ingresses, servertest.With(good, "tls", []map[string]any{{"secretName": "Bad Secret"}}), "body.tls[0].secretName"),
			servertest.Invalid("bad TLS host", http.MethodPost, ingresses, servertest.With(good, "tls", []map[string]any{{"hosts": []string{"a..b"}}}), "body.tls[0].hosts[0]"),
			servertest.Invalid("bad name", http.MethodPost, ingresses, servertest.With(good, "name", "-bad"), "body.name"),
			servertest.Invalid("bad class", http.MethodPost, ingresses, servertest.With(good, "className", "Nginx!"), "body.className"),
		})

		servertest.Eventually(t, func() error {
			l := h.Expect(http.StatusOK, http.MethodGet, ingresses, h.Admin, nil)
			if got := servertest.ItemNames(l); !slices.Equal(got, []string{"web"}) {
				return fmt.Errorf("ingresses: %v", got)
			}
			return nil
		}).Should(gomega.Succeed())
		got := h.Expect(http.StatusOK, http.MethodGet, ingresses+"/web", h.Admin, nil)
		if got["resourceVersion"] != ing["resourceVersion"] {
			t.Errorf("get ingress: %v", got)
		}
		rv := ing["resourceVersion"].(string)
		updated := h.Expect(http.StatusOK, http.MethodPut, ingresses+"/web", h.Admin, map[string]any{"resourceVersion": rv, "className": "nginx",
			"rules": []map[string]any{{"host": "*.example.com", "paths": []map[string]any{{"path": "/api", "pathType": "Exact", "service": "web", "port": "8000"}}}}})
		if p := updated["rules"].([]any)[0].(map[string]any); p["host"] != "*.example.com" || updated["tls"] != nil {
			t.Errorf("updated ingress: %v", updated)
		}
		h.Expect(http.StatusConflict, http.MethodPut, ingresses+"/web", h.Admin, map[string]any{"resourceVersion": rv,
			"rules": []map[string]any{{"paths": []map[string]any{{"service": "web", "port": "80"}}}}})
		h.Expect(http.StatusNotFound, http.MethodGet, ingresses+"/none", h.Admin, nil)
		h.Expect(http.StatusForbidden, http.MethodGet, ingresses, nobody, nil)
		h.Expect(http.StatusForbidden, http.MethodPut, ingresses+"/web", nobody, map[string]any{"resourceVersion": rv})
		h.Expect(http.StatusForbidden, http.MethodDelete, ingresses+"/web", nobody, nil)
		h.Expect(http.StatusNoContent, http.MethodDelete, ingresses+"/web", h.Admin, nil)
		h.Expect(http.StatusNotFound, http.MethodDelete, ingresses+"/web", h.Admin, nil)
	})

	t.Run("delete service", func(t *testing.T) {
		h.Expect(http.StatusNoContent, http.MethodDelete, services+"/web", h.Admin, nil)
		servertest.Eventually(t, func() error {
			if code, _, _ := h.Do(http.MethodGet, services+"/web", h.Admin, nil); code != http.StatusNotFound {
				return fmt.Errorf("deleted service: %d", code)
			}
			return nil
		}).Should(gomega.Succeed())
	})
}
