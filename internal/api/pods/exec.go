package pods

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/coder/websocket"
	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/remotecommand"
	"k8s.io/streaming/pkg/httpstream"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
)

// ActionExecPod is the audit action of an exec session.
const ActionExecPod = "exec-pod"

// defaultContainerAnnotation names the container kubectl picks when none
// is given.
const defaultContainerAnnotation = "kubectl.kubernetes.io/default-container"

const execDoc = "Upgrades to a WebSocket (RFC 6455) bridged to the Kubernetes exec subresource of the pod: " +
	"a terminal in the container.\n\n" +
	"**Authentication**: an `Authorization: Bearer` header, or, from a browser (which cannot set headers on a " +
	"WebSocket), the subprotocol `" + operation.WebSocketBearerProtocolPrefix + "<token>` with the token in " +
	"base64url without padding, offered next to `" + ExecProtocol + "`. The server selects `" + ExecProtocol +
	"` and never echoes the token. Exec is a write: a project member may exec in the project's namespaces, a " +
	"viewer may not. An upgrade whose `Origin` names another host than the request's is refused (403).\n\n" +
	"**Messages from the client**: binary messages are the command's standard input. Text messages are JSON: " +
	"`{\"type\":\"resize\",\"cols\":120,\"rows\":40}` sets the terminal size (with tty=true; send it first), " +
	"`{\"type\":\"stdin-eof\"}` closes standard input. Other types are ignored; text that is not JSON, or a size " +
	"outside 1–65535, ends the session with close code 1007.\n\n" +
	"**Messages from the server**: binary messages are the command's output (standard output and, without tty, " +
	"standard error, in the order read). The last message is text: `{\"type\":\"exit\",\"exitCode\":0}` when the " +
	"command ended (close code 1000), or `{\"type\":\"error\",\"message\":\"...\"}` when the exec stream failed " +
	"(close code 1011) or a limit ended the session (close code 1008: 30 minutes without input or output, or 8 " +
	"hours in all) or the server stopped (close code 1001). Some runtimes report a failing command as an error message rather than an exit code " +
	"(kwok's simulated exec does). The server pings every 30 seconds; a client that does not answer is dropped.\n\n" +
	"Errors before the upgrade are problem documents: 400 without a command or with an unknown container or a " +
	"completed pod, 404 for an unknown pod, 426 for a request that is not a WebSocket upgrade.\n\n" +
	"The session start is audited (action `" + ActionExecPod + "`, the command and container in the target); " +
	"what is typed and shown never is."

// PodExecInput starts a command in a container of a pod.
type PodExecInput struct {
	PodInput
	Container string   `query:"container" maxLength:"253" doc:"Container name; default: the pod's kubectl.kubernetes.io/default-container annotation, else its first container"`
	Command   []string `query:"command,explode" doc:"The command and its arguments, one command= per word (no shell unless you run one: command=sh&command=-c&command=...)"`
	TTY       bool     `query:"tty" doc:"Run the command in a terminal (stdin, stdout and stderr are one stream; resize applies)"`

	upgrade bool
	origin  string
	host    string
}

// Resolve captures what the handler needs of the raw request.
func (in *PodExecInput) Resolve(ctx huma.Context) []error {
	r, _ := humago.Unwrap(ctx)
	in.upgrade = operation.IsWebSocketUpgrade(r.Header)
	in.origin, in.host = r.Header.Get("Origin"), r.Host
	return nil
}

func registerExec(api huma.API, d Deps) {
	op := operation.New(http.MethodGet, basePath+"/pods/{name}/exec", "exec-pod",
		"Run a command in a container of a pod over a WebSocket", tags, auth.Permission{Verb: auth.VerbCreate, Resource: ResourcePods})
	op.Description = execDoc
	op.Errors = append(op.Errors, http.StatusBadRequest, http.StatusNotFound, http.StatusUpgradeRequired, http.StatusServiceUnavailable)
	op.Responses = map[string]*huma.Response{"101": {
		Description: "Switching Protocols: the WebSocket session of subprotocol " + ExecProtocol + " (see the description)",
	}}
	op.DefaultStatus = http.StatusSwitchingProtocols
	operation.AuditRefusals(&op)
	huma.Register(api, op, func(ctx context.Context, in *PodExecInput) (*huma.StreamResponse, error) {
		if len(in.Command) == 0 || in.Command[0] == "" {
			return nil, huma.Error400BadRequest("missing command", &huma.ErrorDetail{Location: "query.command",
				Message: "give the command and its arguments, one command= parameter per word"})
		}
		if err := checkOrigin(in.origin, in.host); err != nil {
			return nil, err
		}
		if !in.upgrade {
			return nil, huma.ErrorWithHeaders(huma.NewError(http.StatusUpgradeRequired,
				"exec is a WebSocket: send a WebSocket upgrade (Connection: Upgrade, Upgrade: websocket)"),
				http.Header{"Upgrade": {"websocket"}})
		}
		c, err := d.Cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		pod, err := cachedPod(c, in.Namespace, in.Name)
		if err != nil {
			return nil, err
		}
		container, err := execContainer(pod, in.Container)
		if err != nil {
			return nil, err
		}
		if pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
			return nil, huma.Error400BadRequest(fmt.Sprintf("pod %s/%s has completed (%s): nothing runs to exec in", pod.Namespace, pod.Name, pod.Status.Phase))
		}
		ex, err := newExecutor(d.Logger, c.Config, c.Kube.CoreV1().RESTClient(), pod, &corev1.PodExecOptions{
			Container: container, Command: in.Command, Stdin: true, Stdout: true, Stderr: !in.TTY, TTY: in.TTY})
		if err != nil {
			return nil, fmt.Errorf("exec in pod %s/%s: %w", pod.Namespace, pod.Name, err)
		}
		p := auth.PrincipalFrom(ctx)
		if err := d.auditExec(ctx, in, container); err != nil {
			return nil, err
		}
		return &huma.StreamResponse{Body: func(hctx huma.Context) {
			r, w := humago.Unwrap(hctx)
			conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{ExecProtocol}})
			if err != nil {
				// Accept has written the error response.
				return
			}
			conn.SetReadLimit(1 << 20)
			start := time.Now()
			s := &execSession{conn: conn, exec: ex, tty: in.TTY, limits: d.Exec, shutdown: d.Shutdown}
			out := s.run(r.Context())
			attrs := []any{"requestId", operation.Request(ctx).ID, "user", p.Username, "cluster", in.Cluster, "namespace", in.Namespace,
				"pod", in.Name, "container", container, "duration", time.Since(start).Round(time.Millisecond)}
			if out.ExitCode != nil {
				attrs = append(attrs, "exitCode", *out.ExitCode)
			}
			if out.Err != nil {
				attrs = append(attrs, "reason", out.Err.Error())
			}
			d.Logger.Info("Exec session ended", attrs...)
		}}, nil
	})
}

// checkOrigin refuses a browser's upgrade from a page of another host: a
// WebSocket is not bound by the same-origin policy.
func checkOrigin(origin, host string) error {
	if origin == "" {
		return nil // not a browser
	}
	u, err := url.Parse(origin)
	if err == nil && u.Host != "" && strings.EqualFold(u.Host, host) {
		return nil
	}
	return huma.Error403Forbidden(fmt.Sprintf("cross-origin WebSocket refused: Origin %q is not this server (%s)", origin, host))
}

// execContainer picks the container to exec in.
func execContainer(pod *corev1.Pod, name string) (string, error) {
	var names []string
	for _, c := range pod.Spec.Containers {
		names = append(names, c.Name)
	}
	for _, c := range pod.Spec.InitContainers {
		names = append(names, c.Name)
	}
	for _, c := range pod.Spec.EphemeralContainers {
		names = append(names, c.Name)
	}
	if name == "" {
		if def := pod.Annotations[defaultContainerAnnotation]; def != "" && slices.Contains(names, def) {
			return def, nil
		}
		if len(pod.Spec.Containers) == 0 {
			return "", huma.Error400BadRequest(fmt.Sprintf("pod %s/%s has no containers", pod.Namespace, pod.Name))
		}
		return pod.Spec.Containers[0].Name, nil
	}
	if !slices.Contains(names, name) {
		return "", huma.Error400BadRequest("unknown container", &huma.ErrorDetail{Location: "query.container",
			Message: fmt.Sprintf("pod %s/%s has no container %q; it has %s", pod.Namespace, pod.Name, name, strings.Join(names, ", ")), Value: name})
	}
	return name, nil
}

// newExecutor returns the exec stream client of the pod: WebSocket (the
// API server's v5 channel protocol) first, SPDY when the API server or a
// proxy in front of it cannot upgrade to a WebSocket, as kubectl does.
func newExecutor(log *slog.Logger, rc *rest.Config, client rest.Interface, pod *corev1.Pod, opts *corev1.PodExecOptions) (remotecommand.Executor, error) {
	u := client.Post().Resource("pods").Namespace(pod.Namespace).Name(pod.Name).SubResource("exec").
		VersionedParams(opts, scheme.ParameterCodec).URL()
	ws, err := remotecommand.NewWebSocketExecutor(rc, http.MethodGet, u.String())
	if err != nil {
		return nil, fmt.Errorf("websocket executor: %w", err)
	}
	spdy, err := remotecommand.NewSPDYExecutor(rc, http.MethodPost, u)
	if err != nil {
		return nil, fmt.Errorf("spdy executor: %w", err)
	}
	return remotecommand.NewFallbackExecutor(ws, spdy, func(err error) bool {
		if httpstream.IsUpgradeFailure(err) || httpstream.IsHTTPSProxyError(err) {
			log.Info("Exec falls back to SPDY", "namespace", pod.Namespace, "pod", pod.Name, "error", err)
			return true
		}
		return false
	})
}

// auditExec records the start of a session: who, where, the container and
// the command (in the target, after the path), never the session's input
// or output. A session that cannot be audited does not start.
func (d Deps) auditExec(ctx context.Context, in *PodExecInput, container string) error {
	q := url.Values{"container": {container}, "command": in.Command}
	if in.TTY {
		q.Set("tty", "true")
	}
	ev := operation.AuditEvent{Action: ActionExecPod, Method: http.MethodGet, Target: operation.Request(ctx).Path + "?" + q.Encode(),
		Status: http.StatusSwitchingProtocols}
	if err := d.Audit.Record(ctx, ev); err != nil {
		operation.Request(ctx).Err = err
		return huma.Error503ServiceUnavailable("cannot audit the exec session right now, so it does not start")
	}
	return nil
}
