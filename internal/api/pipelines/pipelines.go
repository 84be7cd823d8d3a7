// Package pipelines serves a project's pipelines: the six
// devops.wheelhouse.dev resources in the project's namespace of the
// management cluster (source code providers, credentials and repositories,
// the pipeline setting, pipelines and their executions), runs, aborts and
// reruns, and each step's log, read whole or followed live.
//
// The resources are read and written as the Kubernetes objects they are
// (JSON, validated by the API server's schema and CEL rules, whose field
// paths the problem documents carry); the project's namespace is made on
// the first write. A reference to a credential of the credential store
// needs the right to use the project's credentials, and must name one the
// project can see.
package pipelines

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	ctl "github.com/wheelhouse-dev/wheelhouse/internal/controller/pipelines"
	"github.com/wheelhouse-dev/wheelhouse/internal/credentials"
	"github.com/wheelhouse-dev/wheelhouse/internal/logstore"
	"github.com/wheelhouse-dev/wheelhouse/internal/secrets"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// Deps are what the pipeline endpoints need.
type Deps struct {
	operation.Kit
	Store       *store.Store
	Credentials *credentials.Service
	Host        *ctl.Host
	Logs        logstore.Store
	// Keyring opens the pipelines' webhook secrets and seals the states
	// of OAuth sign-ins.
	Keyring *secrets.Keyring
}

var tags = []string{"Pipelines"}

// startWait bounds how long a request waits for the controllers to start
// (the management cluster connecting) before it answers 503.
const startWait = 5 * time.Second

func perm(verb string) auth.Permission {
	return auth.Permission{Verb: verb, Resource: auth.ResourcePipelines}
}

// operationNew declares a route of a project's pipelines, below prefix.
func operationNew(method, path, id, summary, verb string) huma.Operation {
	return operation.New(method, prefix+path, id, summary, tags, perm(verb))
}

type handlers struct {
	Deps
	hooks *inflight
}

// prefix is the path of a project's pipeline routes.
const prefix = "/api/v1/clusters/{cluster}/projects/{project}"

// ProjectParam names the project whose pipelines a request is about.
type ProjectParam struct {
	Cluster string `path:"cluster" maxLength:"63" doc:"Cluster of the project"`
	Project string `path:"project" maxLength:"63" doc:"Project whose pipelines these are"`
}

// Namespace is the namespace of the management cluster that holds the
// pipeline resources of the project with id.
func Namespace(projectID uint64) string { return fmt.Sprintf("p-%d-pipelines", projectID) }

// Register adds the pipeline routes to api.
func Register(api huma.API, d Deps) {
	h := &handlers{Deps: d, hooks: &inflight{keys: map[string]bool{}}}
	h.registerHooks(api)
	h.registerAccounts(api)
	h.registerFile(api)
	h.registerResources(api)
	h.registerActions(api)
	h.registerLogs(api)
	h.registerWatches(api)
}

// project resolves the path's project to its namespace in the management
// cluster and the controllers' client: 404 for a project that does not
// exist, 503 while the management cluster is not connected.
func (h *handlers) project(ctx context.Context, p ProjectParam) (namespace string, c *ctl.Controllers, err error) {
	rec, err := h.Store.Projects().Get(ctx, p.Cluster, p.Project)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil, huma.Error404NotFound(fmt.Sprintf("cluster %q has no project %q", p.Cluster, p.Project))
	}
	if err != nil {
		return "", nil, err
	}
	wctx, cancel := context.WithTimeout(ctx, startWait)
	defer cancel()
	c, err = h.Host.Controllers(wctx)
	if err != nil {
		return "", nil, huma.ErrorWithHeaders(huma.Error503ServiceUnavailable(fmt.Sprintf(
			"pipelines run on the management cluster %q, which is not connected: %v", h.Host.Cluster(), err)),
			http.Header{"Retry-After": {"5"}})
	}
	return Namespace(rec.ID), c, nil
}

// read reads the object name of the project's namespace into obj (a 404
// naming it when it is not there) and returns the namespace and the
// controllers.
func (h *handlers) read(ctx context.Context, p ProjectParam, k kind, name string, obj client.Object) (string, *ctl.Controllers, error) {
	ns, c, err := h.project(ctx, p)
	if err != nil {
		return "", nil, err
	}
	if err := c.Reader.Get(ctx, objectKey(ns, name), obj); err != nil {
		return "", nil, notFound(err, k, name)
	}
	return ns, c, nil
}

// ensureNamespace makes the project's namespace in the management cluster
// when it is not there yet.
func ensureNamespace(ctx context.Context, c *ctl.Controllers, namespace string, p ProjectParam) error {
	var ns corev1.Namespace
	err := c.Reader.Get(ctx, objectKey("", namespace), &ns)
	if err == nil {
		return nil
	}
	if !apierrors.IsNotFound(err) {
		return operation.ClusterError(err)
	}
	ns = corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace, Labels: map[string]string{
		ctl.LabelProjectCluster: p.Cluster, ctl.LabelProjectName: p.Project,
	}}}
	if err := c.Client.Create(ctx, &ns); err != nil && !apierrors.IsAlreadyExists(err) {
		return operation.ClusterError(err)
	}
	return nil
}
