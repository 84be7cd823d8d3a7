package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"k8s.io/client-go/rest"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
)

// ProxyPrefix is where Kubernetes API requests to member clusters enter:
// /k8s/clusters/{cluster}/api/v1/pods reaches /api/v1/pods of that cluster.
const ProxyPrefix = "/k8s/clusters/"

// proxy passes Kubernetes API requests through to member clusters, so
// kubectl and client libraries work through Wheelhouse. The caller
// authenticates with a Wheelhouse token and is authorized by Wheelhouse's
// roles in that cluster; the request then goes on with the cluster's stored
// credentials, and the caller's own Authorization and Impersonate-* headers
// are dropped so they cannot raise its rights. Mutating requests are
// audited like every other. Upgrades (exec, attach, port-forward) pass
// through over HTTP/1.1.
func (s *Server) proxy(w http.ResponseWriter, r *http.Request) {
	ri := operation.Request(r.Context())
	ri.Route = "PROXY " + ProxyPrefix + "{cluster}"
	tail, ok := strings.CutPrefix(r.URL.Path, ProxyPrefix)
	if !ok {
		http.NotFound(w, r)
		return
	}
	name, path, _ := strings.Cut(tail, "/")
	path = "/" + path
	audited := r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions
	status := s.serveProxy(w, r, name, path)
	if audited {
		s.recordAudit(r.Context(), operation.AuditEvent{Action: "kubernetes-proxy", Method: r.Method, Target: r.URL.Path, Status: status})
	}
}

// serveProxy answers the request and returns the status it sent.
func (s *Server) serveProxy(w http.ResponseWriter, r *http.Request, cluster, path string) int {
	fail := func(status int, title, detail string) int {
		kubeStatus(w, status, title, detail)
		return status
	}
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "bearer") || token == "" {
		return fail(http.StatusUnauthorized, "Unauthorized", "send a Wheelhouse token: Authorization: Bearer <token>")
	}
	p, err := s.cfg.Auth.Authenticate(r.Context(), strings.TrimSpace(token))
	if errors.Is(err, auth.ErrInvalidToken) {
		return fail(http.StatusUnauthorized, "Unauthorized", err.Error())
	}
	if err != nil {
		operation.Request(r.Context()).Err = err
		return fail(http.StatusServiceUnavailable, "ServiceUnavailable", "cannot check credentials right now")
	}
	ri := operation.Request(r.Context())
	ri.Username, ri.UserID = p.Username, &p.UserID

	perm := auth.Permission{Verb: verbOf(r.Method), Resource: auth.ResourceKubernetes}
	err = s.cfg.Authorizer.Authorize(r.Context(), p, perm, auth.Scope{Cluster: cluster, Namespace: namespaceOf(path)})
	var forbidden *auth.ForbiddenError
	switch {
	case errors.As(err, &forbidden):
		return fail(http.StatusForbidden, "Forbidden", forbidden.Error())
	case err != nil:
		ri.Err = err
		return fail(http.StatusServiceUnavailable, "ServiceUnavailable", "cannot check permissions right now")
	}

	conn, err := s.cfg.Clusters.Get(cluster)
	if errors.Is(err, multicluster.ErrUnknownCluster) {
		return fail(http.StatusNotFound, "NotFound", fmt.Sprintf("cluster %q not found", cluster))
	}
	var ue *multicluster.UnavailableError
	if err := conn.Available(); errors.As(err, &ue) && ue.Phase != multicluster.PhaseSyncing {
		w.Header().Set("Retry-After", "10")
		return fail(http.StatusServiceUnavailable, "ServiceUnavailable", ue.Error())
	}
	rp, err := s.reverseProxy(conn)
	if err != nil {
		ri.Err = err
		return fail(http.StatusBadGateway, "BadGateway", "cannot build a client for cluster "+cluster)
	}
	out := r.Clone(r.Context())
	out.URL.Path, out.URL.RawPath = path, ""
	out.Header.Del("Authorization")
	for h := range out.Header {
		if strings.HasPrefix(strings.ToLower(h), "impersonate-") {
			out.Header.Del(h)
		}
	}
	sw := &statusWriter{ResponseWriter: w}
	rp.ServeHTTP(sw, out)
	if sw.status == 0 {
		sw.status = http.StatusOK
	}
	return sw.status
}

// reverseProxy builds a proxy to conn's API server with its stored
// credentials. HTTP/1.1 only: upgrades (exec, port-forward) need it.
func (s *Server) reverseProxy(conn *multicluster.Cluster) (*httputil.ReverseProxy, error) {
	rc := rest.CopyConfig(conn.Config)
	rc.TLSClientConfig.NextProtos = []string{"http/1.1"}
	rt, err := rest.TransportFor(rc)
	if err != nil {
		return nil, err
	}
	target, err := url.Parse(rc.Host)
	if err != nil {
		return nil, err
	}
	return &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.Out.URL.Path = strings.TrimSuffix(target.Path, "/") + pr.In.URL.Path
		},
		Transport:     rt,
		FlushInterval: -1, // stream watches and logs as they come
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			operation.Request(r.Context()).Err = err
			kubeStatus(w, http.StatusBadGateway, "BadGateway", "the cluster's API server did not answer")
		},
	}, nil
}

// namespaceOf returns the namespace a Kubernetes API path acts in
// (/api/v1/namespaces/NS/... or /apis/GROUP/VERSION/namespaces/NS/...), or
// "" for cluster-wide paths. The namespace object itself
// (/api/v1/namespaces/NS) counts as cluster-wide: creating or deleting
// namespaces is not a project member's business.
func namespaceOf(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	var rest []string
	switch {
	case len(parts) >= 2 && parts[0] == "api":
		rest = parts[2:]
	case len(parts) >= 3 && parts[0] == "apis":
		rest = parts[3:]
	}
	if len(rest) >= 3 && rest[0] == "namespaces" {
		return rest[1]
	}
	return ""
}

func verbOf(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return auth.VerbGet
	case http.MethodPost:
		return auth.VerbCreate
	case http.MethodPut, http.MethodPatch:
		return auth.VerbUpdate
	case http.MethodDelete:
		return auth.VerbDelete
	}
	return method
}

// kubeStatus writes a Kubernetes Status object, which kubectl prints as
// its error message.
func kubeStatus(w http.ResponseWriter, code int, reason, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = fmt.Fprintf(w, `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":%q,"reason":%q,"code":%d}`, message, reason, code)
}

// documentProxy adds the pass-through to the OpenAPI document. It is served
// by a plain handler (any path below the prefix), so huma does not see it.
func documentProxy(oapi *huma.OpenAPI) {
	for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		op := operation.New(method, ProxyPrefix+"{cluster}/{path}", "kubernetes-proxy-"+strings.ToLower(method),
			"Kubernetes API of a member cluster", []string{"Clusters"}, auth.Permission{Verb: verbOf(method), Resource: auth.ResourceKubernetes})
		op.Description = "Passes the request to the cluster's API server at /{path} (for example api/v1/namespaces/default/pods), " +
			"with the cluster's stored credentials, after authenticating your Wheelhouse token and authorizing you in the cluster. " +
			"Answers are the API server's own; errors from Wheelhouse are Kubernetes Status objects. Writes are audited. " +
			"Use GET /api/v1/clusters/{cluster}/kubeconfig to point kubectl here."
		op.Parameters = []*huma.Param{
			{Name: "cluster", In: "path", Required: true, Schema: &huma.Schema{Type: "string"}},
			{Name: "path", In: "path", Required: true, Schema: &huma.Schema{Type: "string"}, Description: "Kubernetes API path, may contain slashes"},
		}
		op.Responses = map[string]*huma.Response{"default": {Description: "The API server's answer"}}
		oapi.AddOperation(&op)
	}
}
