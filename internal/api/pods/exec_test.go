//go:build !unit

package pods_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/pods"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

// execClient dials the exec endpoint of the test's server.
type execClient struct {
	t *testing.T
	h *servertest.Harness
}

// dial opens an exec session on pod with the query q as the holder of
// token (in the Authorization header; with subprotocol set, as a bearer
// subprotocol like a browser). It returns the connection, or the HTTP
// response that refused it.
func (c execClient) dial(pod string, q url.Values, token string, hdr http.Header, subprotocol bool) (*websocket.Conn, *http.Response, error) {
	c.t.Helper()
	if hdr == nil {
		hdr = http.Header{}
	}
	protocols := []string{pods.ExecProtocol}
	if subprotocol {
		protocols = append(protocols, operation.WebSocketBearerProtocolPrefix+base64.RawURLEncoding.EncodeToString([]byte(token)))
	} else if token != "" {
		hdr.Set("Authorization", "Bearer "+token)
	}
	u := "wss" + strings.TrimPrefix(c.h.URL, "https") + base + "/pods/" + pod + "/exec?" + q.Encode()
	ctx, cancel := context.WithTimeout(c.t.Context(), 30*time.Second)
	defer cancel()
	conn, resp, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPClient: c.h.Client, HTTPHeader: hdr, Subprotocols: protocols})
	if conn != nil {
		c.t.Cleanup(func() { conn.CloseNow() })
	}
	return conn, resp, err
}

// mustDial opens a session as the admin.
func (c execClient) mustDial(pod string, q url.Values) *websocket.Conn {
	c.t.Helper()
	conn, resp, err := c.dial(pod, q, c.h.Admin, nil, false)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		c.t.Fatalf("dial exec %v: %v (status %d)", q, err, status)
	}
	if conn.Subprotocol() != pods.ExecProtocol {
		c.t.Errorf("subprotocol %q, want %q", conn.Subprotocol(), pods.ExecProtocol)
	}
	return conn
}

// refused dials and expects the upgrade to be refused with status want.
func (c execClient) refused(want int, pod string, q url.Values, token string, hdr http.Header) {
	c.t.Helper()
	conn, resp, err := c.dial(pod, q, token, hdr, false)
	if err == nil {
		conn.CloseNow()
		c.t.Fatalf("exec %s %v: upgraded, want %d", pod, q, want)
	}
	if resp == nil || resp.StatusCode != want {
		c.t.Fatalf("exec %s %v: %v, want status %d", pod, q, err, want)
	}
}

// session reads a session against the sandbox to its end.
func session(t *testing.T, conn *websocket.Conn) (string, pods.ExecMessage, websocket.StatusCode) {
	t.Helper()
	return pods.ReadExecSession(t, conn, time.Minute)
}

// readOutput reads binary messages until their text contains want.
func readOutput(t *testing.T, conn *websocket.Conn, want string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	var out strings.Builder
	for !strings.Contains(out.String(), want) {
		typ, data, err := conn.Read(ctx)
		if err != nil {
			t.Fatalf("output %q without %q: %v", out.String(), want, err)
		}
		if typ != websocket.MessageBinary {
			t.Fatalf("output %q, then text message %s", out.String(), data)
		}
		out.Write(data)
	}
	return out.String()
}

func cmd(words ...string) url.Values { return url.Values{"command": words} }

func TestPodExec(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	e := &env{h: h, conn: h.ImportCluster("c1", sandboxtest.StartWith(t, 1, sandboxtest.Options{Exec: true}))}
	ctx := t.Context()
	servertest.CreateNamespaces(t, e.conn, ns)
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "shell", Namespace: ns, Labels: map[string]string{"app": "web"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "busybox:1.37"}, {Name: "sidecar", Image: "busybox:1.37"}}}}
	if _, err := e.conn.Kube.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	servertest.Eventually(t, func() error {
		p, err := e.conn.Kube.CoreV1().Pods(ns).Get(ctx, pod.Name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if p.Status.Phase != corev1.PodRunning {
			return fmt.Errorf("pod %s is %s", p.Name, p.Status.Phase)
		}
		return nil
	}).Should(gomega.Succeed())
	c := execClient{t: t, h: h}

	t.Run("echo", func(t *testing.T) {
		c := execClient{t: t, h: h}
		out, last, status := session(t, c.mustDial("shell", cmd("echo", "hello", "from", "exec")))
		if out != "hello from exec\n" || last.Type != pods.ExecExit || last.ExitCode == nil || *last.ExitCode != 0 || status != websocket.StatusNormalClosure {
			t.Errorf("output %q, last %+v, close %d", out, last, status)
		}
	})

	t.Run("stdin", func(t *testing.T) {
		c := execClient{t: t, h: h}
		conn := c.mustDial("shell", cmd("cat"))
		for _, line := range []string{"first line\n", "second line\n"} {
			if err := conn.Write(ctx, websocket.MessageBinary, []byte(line)); err != nil {
				t.Fatal(err)
			}
			if got := readOutput(t, conn, line); got != line {
				t.Errorf("cat echoed %q, want %q", got, line)
			}
		}
		// A command that ends when it has read its input.
		conn = c.mustDial("shell", cmd("sh", "-c", `read line; echo "got: $line"`))
		if err := conn.Write(ctx, websocket.MessageBinary, []byte("typed text\n")); err != nil {
			t.Fatal(err)
		}
		out, last, status := session(t, conn)
		if out != "got: typed text\n" || last.Type != pods.ExecExit || status != websocket.StatusNormalClosure {
			t.Errorf("output %q, last %+v, close %d", out, last, status)
		}
	})

	t.Run("tty and resize", func(t *testing.T) {
		c := execClient{t: t, h: h}
		// The resize and the typed line travel on different streams: the
		// command waits until the size has reached the terminal. It then
		// waits for a last line, since kwok closes the terminal as soon as
		// the command ends, sometimes before it has passed on its output.
		q := cmd("sh", "-c", `read line; until [ "$(stty size)" = "45 123" ]; do sleep 0.1; done; stty size; read done`)
		q.Set("tty", "true")
		conn := c.mustDial("shell", q)
		if err := conn.Write(ctx, websocket.MessageText, []byte(`{"type":"resize","cols":123,"rows":45}`)); err != nil {
			t.Fatal(err)
		}
		if err := conn.Write(ctx, websocket.MessageBinary, []byte("go\r")); err != nil {
			t.Fatal(err)
		}
		out := readOutput(t, conn, "45 123")
		if err := conn.Write(ctx, websocket.MessageBinary, []byte("done\r")); err != nil {
			t.Fatal(err)
		}
		rest, last, status := session(t, conn)
		if !strings.Contains(out+rest, "45 123") || last.Type != pods.ExecExit || status != websocket.StatusNormalClosure {
			t.Errorf("output %q, last %+v, close %d", out+rest, last, status)
		}
	})

	t.Run("failing command", func(t *testing.T) {
		c := execClient{t: t, h: h}
		out, last, status := session(t, c.mustDial("shell", url.Values{"command": {"sh", "-c", "echo oops >&2; exit 3"}, "container": {"sidecar"}}))
		if !strings.Contains(out, "oops") {
			t.Errorf("stderr not in the output: %q", out)
		}
		t.Logf("last message %+v, close %d", last, status)
		// A kubelet reports the exit code; kwok's simulated exec reports an
		// error naming it.
		switch last.Type {
		case pods.ExecExit:
			if last.ExitCode == nil || *last.ExitCode != 3 || status != websocket.StatusNormalClosure {
				t.Errorf("last %+v, close %d, want exit code 3", last, status)
			}
		case pods.ExecError:
			if !strings.Contains(last.Message, "exit status 3") || status != websocket.StatusInternalError {
				t.Errorf("last %+v, close %d, want an error naming exit status 3", last, status)
			}
		default:
			t.Errorf("last message %+v, close %d", last, status)
		}
	})

	t.Run("browser token and origin", func(t *testing.T) {
		c := execClient{t: t, h: h}
		hdr := http.Header{"Origin": {h.URL}}
		conn, resp, err := c.dial("shell", cmd("echo", "browser"), h.Admin, hdr, true)
		if err != nil {
			t.Fatalf("same-origin dial with the token as subprotocol: %v %v", err, resp)
		}
		if out, _, _ := session(t, conn); out != "browser\n" {
			t.Errorf("output %q", out)
		}
		for _, origin := range []string{"https://evil.example", "null", "https://" + strings.TrimPrefix(h.URL, "https://") + ".evil.example"} {
			c.refused(http.StatusForbidden, "shell", cmd("echo", "x"), h.Admin, http.Header{"Origin": {origin}})
		}
		_, resp, err = c.dial("shell", cmd("echo", "x"), "whk_not-a-token", nil, true)
		if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("bad token subprotocol: %v %v", err, resp)
		}
	})

	t.Run("refused", func(t *testing.T) {
		c.refused(http.StatusBadRequest, "shell", url.Values{}, h.Admin, nil)
		c.refused(http.StatusBadRequest, "shell", url.Values{"command": {"ls"}, "container": {"nope"}}, h.Admin, nil)
		c.refused(http.StatusNotFound, "no-such-pod", cmd("ls"), h.Admin, nil)
		c.refused(http.StatusUnauthorized, "shell", cmd("ls"), "", nil)
		code, body, hdr := h.Do(http.MethodGet, base+"/pods/shell/exec?command=ls", h.Admin, nil)
		if code != http.StatusUpgradeRequired || hdr.Get("Upgrade") != "websocket" {
			t.Errorf("plain GET: %d %v", code, body)
		}
	})

	t.Run("roles", func(t *testing.T) {
		h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/clusters/c1/projects", h.Admin, map[string]any{"name": "p1"})
		h.AddToProject(t, "c1", "p1", ns)
		tokens := map[string]string{}
		for _, role := range []string{"member", "viewer"} {
			tokens[role] = h.CreateUser("project-"+role, "user")
			h.Expect(http.StatusOK, http.MethodPut, "/api/v1/clusters/c1/projects/p1/members/project-"+role, h.Admin, map[string]string{"role": role})
		}
		nobody := h.CreateUser("nobody", "user")
		c.refused(http.StatusForbidden, "shell", cmd("echo", "x"), nobody, nil)
		c.refused(http.StatusForbidden, "shell", cmd("echo", "x"), tokens["viewer"], nil)
		conn, resp, err := c.dial("shell", cmd("echo", "member"), tokens["member"], nil, false)
		if err != nil {
			t.Fatalf("member: %v %v", err, resp)
		}
		if out, _, _ := session(t, conn); out != "member\n" {
			t.Errorf("member output %q", out)
		}
	})

	t.Run("server log", func(t *testing.T) {
		logs := h.Logs.String()
		if strings.Contains(logs, "Exec falls back to SPDY") {
			t.Errorf("exec fell back to SPDY against the sandbox's kube-apiserver:\n%s", logs)
		}
		// The access log sees the upgrade through its response writer.
		if !strings.Contains(logs, "path="+base+"/pods/shell/exec status=101") {
			t.Errorf("no access log line with status 101 for an exec session:\n%s", logs)
		}
		if !strings.Contains(logs, `msg="Exec session ended"`) || strings.Contains(logs, "typed text") {
			t.Errorf("exec session log:\n%s", logs)
		}
	})

	t.Run("audit", func(t *testing.T) {
		var l struct{ Items []map[string]any }
		if err := remarshal(h.Expect(http.StatusOK, http.MethodGet, "/api/v1/audit?action=exec-pod&limit=1000", h.Admin, nil), &l); err != nil {
			t.Fatal(err)
		}
		var started, denied int
		for _, it := range l.Items {
			switch it["outcome"] {
			case "success":
				started++
				if it["statusCode"] != float64(http.StatusSwitchingProtocols) {
					t.Errorf("session start %v", it)
				}
			case "denied":
				denied++
			}
			if target := it["target"].(string); strings.Contains(target, "typed") || strings.Contains(target, "first line") {
				t.Errorf("audit target carries session input: %q", target)
			}
		}
		want := base + "/pods/shell/exec?command=sh&command=-c&command=echo+oops+%3E%262%3B+exit+3&container=sidecar"
		found := false
		for _, it := range l.Items {
			found = found || it["target"] == want
		}
		if !found || started < 7 || denied < 4 {
			t.Errorf("audit: %d starts, %d denied, failing command recorded %v: %v", started, denied, found, l.Items)
		}
	})
}
