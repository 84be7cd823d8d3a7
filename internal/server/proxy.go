package server

import (
	"context"
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
	"github.com/wheelhouse-dev/wheelhouse/internal/clusterrbac"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
)

// ProxyPrefix is where Kubernetes API requests to member clusters enter:
// /k8s/clusters/{cluster}/api/v1/pods reaches /api/v1/pods of that cluster.
const ProxyPrefix = "/k8s/clusters/"

// ActionKubernetesProxy is the audit action of requests through the
// pass-through.
const ActionKubernetesProxy = "kubernetes-proxy"

// proxy passes Kubernetes API requests through to member clusters, so
// kubectl and client libraries work through Wheelhouse.
//
// Each request is authorized twice. Wheelhouse first authorizes what the
// request does (Kubernetes' own request info: exec, attach, port-forward
// and proxy are creates whatever the method) against the caller's roles,
// and refuses what only the whole cluster's roles may do (tokens, the
// project quota). Then, where the cluster's credentials allow it, the
// request goes on as the caller (impersonated, with a group per role; see
// internal/clusterrbac), so the cluster's RBAC and its escalation checks
// apply too; where they do not, Wheelhouse also refuses what it cannot
// bound by itself (RBAC objects, quotas and limit ranges) to everyone but
// the cluster's owners. The caller's own Authorization and Impersonate-*
// headers never reach the cluster.
//
// Secrets are read whole only by those allowed to reveal them, and every
// such read is audited; everyone else gets their metadata. Writes and
// connections (exec, attach, port-forward, proxy) are audited.
func (s *Server) proxy(w http.ResponseWriter, r *http.Request) {
	ri := operation.Request(r.Context())
	ri.Route = "PROXY " + ProxyPrefix + "{cluster}"
	tail, ok := strings.CutPrefix(r.URL.Path, ProxyPrefix)
	if !ok {
		http.NotFound(w, r)
		return
	}
	cluster, path, _ := strings.Cut(tail, "/")
	out := r.Clone(r.Context())
	out.URL.Path, out.URL.RawPath = "/"+path, ""
	kr, err := auth.ParseKubeRequest(out)
	if err != nil {
		kubeStatus(w, http.StatusBadRequest, "BadRequest", "cannot read what the request does: "+err.Error())
		return
	}
	sw := &statusWriter{ResponseWriter: w}
	action := s.serveProxy(sw, out, cluster, kr)
	if sw.status == 0 {
		sw.status = http.StatusOK
	}
	if action != "" || !kr.Reads() || kr.Connects() || sw.status == http.StatusUnauthorized || sw.status == http.StatusForbidden {
		if action == "" {
			action = ActionKubernetesProxy
		}
		s.recordAudit(r.Context(), operation.AuditEvent{Action: action, Method: r.Method, Target: r.URL.Path, Status: sw.status})
	}
}

// serveProxy answers the request; it returns the audit action of a read
// that must be audited (a Secret reveal), else "".
func (s *Server) serveProxy(w http.ResponseWriter, r *http.Request, cluster string, kr auth.KubeRequest) string {
	ctx := r.Context()
	p, err := s.bearer(ctx, r.Header.Get("Authorization"))
	if err != nil {
		refuseKube(w, err)
		return ""
	}
	ctx = auth.WithPrincipal(ctx, p)
	conn, err := s.cfg.Clusters.Get(cluster)
	if errors.Is(err, multicluster.ErrUnknownCluster) {
		kubeStatus(w, http.StatusNotFound, "NotFound", fmt.Sprintf("cluster %q not found", cluster))
		return ""
	}
	bounded := conn.Access().Impersonate
	if err := s.cfg.Authorizer.AuthorizeKube(ctx, p, kr, cluster, bounded); err != nil {
		operation.Request(ctx).Err = err
		refuseKube(w, err)
		return ""
	}
	var ue *multicluster.UnavailableError
	if err := conn.Available(); errors.As(err, &ue) && ue.Phase != multicluster.PhaseSyncing {
		w.Header().Set("Retry-After", "10")
		kubeStatus(w, http.StatusServiceUnavailable, "ServiceUnavailable", ue.Error())
		return ""
	}
	r.Header.Del("Authorization")
	for h := range r.Header {
		if strings.HasPrefix(strings.ToLower(h), "impersonate-") {
			r.Header.Del(h)
		}
	}
	action := ""
	if kr.ReadsSecrets() {
		reveal, err := (&operation.Kit{Authorizer: s.cfg.Authorizer}).MayReveal(ctx, kr.Scope(cluster))
		if err != nil {
			operation.Request(ctx).Err = err
			kubeStatus(w, http.StatusServiceUnavailable, "ServiceUnavailable", "cannot check permissions right now")
			return ""
		}
		if !reveal {
			// Metadata only, read with Wheelhouse's own credentials: the
			// caller's RBAC in the cluster (view) does not read Secrets.
			metadataOnly(r, kr)
			bounded = false
		} else {
			action = operation.ActionRevealSecret
		}
	}
	if bounded {
		if err := s.impersonate(ctx, r, p, cluster); err != nil {
			operation.Request(ctx).Err = err
			kubeStatus(w, http.StatusServiceUnavailable, "ServiceUnavailable", "cannot read the caller's roles right now")
			return ""
		}
	}
	rp, err := reverseProxy(conn)
	if err != nil {
		operation.Request(ctx).Err = err
		kubeStatus(w, http.StatusBadGateway, "BadGateway", "cannot build a client for cluster "+cluster)
		return ""
	}
	rp.ServeHTTP(w, r)
	return action
}

// impersonate makes r act as p in cluster: its Wheelhouse user and a group
// per role it holds there.
func (s *Server) impersonate(ctx context.Context, r *http.Request, p *auth.Principal, cluster string) error {
	bindings, err := s.cfg.Store.RoleBindings().ForUserInCluster(ctx, p.UserID, cluster)
	if err != nil {
		return fmt.Errorf("read role bindings of %q: %w", p.Username, err)
	}
	r.Header.Set("Impersonate-User", clusterrbac.User(p.Username))
	for _, g := range clusterrbac.Groups(p, bindings) {
		r.Header.Add("Impersonate-Group", g)
	}
	return nil
}

// metadataOnly turns a read of Secrets into a read of their metadata: a
// table (kubectl get) without the objects, or PartialObjectMetadata.
func metadataOnly(r *http.Request, kr auth.KubeRequest) {
	q := r.URL.Query()
	if strings.Contains(r.Header.Get("Accept"), "as=Table") {
		q.Set("includeObject", "None")
		r.Header.Set("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")
	} else if kr.Verb == "get" {
		r.Header.Set("Accept", "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io")
	} else {
		r.Header.Set("Accept", "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io")
	}
	r.URL.RawQuery = q.Encode()
}

// refuseKube answers a request the pass-through did not let through, as a
// Kubernetes Status: 401 without a valid token, 403 naming the permission,
// 503 naming the cluster when it is down, 503 without the cause (logged)
// when the credentials or bindings cannot be read.
func refuseKube(w http.ResponseWriter, err error) {
	var forbidden *auth.ForbiddenError
	var ue *multicluster.UnavailableError
	switch {
	case errors.Is(err, auth.ErrInvalidToken), errors.Is(err, errNoBearer):
		kubeStatus(w, http.StatusUnauthorized, "Unauthorized", err.Error())
	case errors.As(err, &forbidden):
		kubeStatus(w, http.StatusForbidden, "Forbidden", err.Error())
	case errors.As(err, &ue):
		w.Header().Set("Retry-After", "10")
		kubeStatus(w, http.StatusServiceUnavailable, "ServiceUnavailable", ue.Error())
	default:
		kubeStatus(w, http.StatusServiceUnavailable, "ServiceUnavailable", "cannot check credentials or permissions right now")
	}
}

// reverseProxy builds a proxy to conn's API server with its stored
// credentials. HTTP/1.1 only: upgrades (exec, port-forward) need it.
func reverseProxy(conn *multicluster.Cluster) (*httputil.ReverseProxy, error) {
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
		verb := map[string]string{http.MethodGet: auth.VerbGet, http.MethodPost: auth.VerbCreate, http.MethodPut: auth.VerbUpdate,
			http.MethodPatch: auth.VerbUpdate, http.MethodDelete: auth.VerbDelete}[method]
		op := operation.New(method, ProxyPrefix+"{cluster}/{path}", "kubernetes-proxy-"+strings.ToLower(method),
			"Kubernetes API of a member cluster", []string{"Clusters"}, auth.Permission{Verb: verb, Resource: auth.ResourceKubernetes})
		op.Description = "Passes the request to the cluster's API server at /{path} (for example api/v1/namespaces/default/pods), " +
			"after authenticating your Wheelhouse token and authorizing what the request does (its Kubernetes verb, resource and " +
			"subresource: exec, attach, port-forward and proxy are creates) against your roles in the cluster or the namespace's project. " +
			"Where the cluster's stored credentials may impersonate, the request is then made as you (user `wheelhouse:<username>`, " +
			"a group per role), so the cluster's RBAC applies too; where they may not (see the cluster's `access`), requests that " +
			"Wheelhouse cannot bound itself (RBAC objects, quotas, limit ranges) are refused to all but the cluster's owners. " +
			"Token requests and the project quota are the cluster owners' everywhere. Secrets are read whole only by those who may " +
			"reveal them (audited as reveal-secret); others get their metadata. Answers are the API server's own; errors from " +
			"Wheelhouse are Kubernetes Status objects. Writes and exec/attach/port-forward/proxy are audited. " +
			"Use GET /api/v1/clusters/{cluster}/kubeconfig to point kubectl here."
		op.Parameters = []*huma.Param{
			{Name: "cluster", In: "path", Required: true, Schema: &huma.Schema{Type: "string"}},
			{Name: "path", In: "path", Required: true, Schema: &huma.Schema{Type: "string"}, Description: "Kubernetes API path, may contain slashes"},
		}
		op.Responses = map[string]*huma.Response{"default": {Description: "The API server's answer"}}
		oapi.AddOperation(&op)
	}
}
