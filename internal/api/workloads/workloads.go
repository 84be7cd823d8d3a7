// Package workloads serves the Deployments, StatefulSets, DaemonSets, Jobs
// and CronJobs of member clusters under
// /api/v1/clusters/{cluster}/namespaces/{namespace}/{kind}: lists and
// details read from the cluster's caches (with pods, revision history and
// events), creation and full updates from a structured request, deletion
// with a propagation policy, and the day-two actions: scale, rollout
// restart, pause and resume, rollback to a revision, set a container's
// image, and for CronJobs suspend, resume and "run now".
//
// Every write goes through the member cluster's API server, so its
// validation and admission apply; its errors keep their status and field
// causes (operation.ClusterError).
package workloads

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
)

// FieldManager is the field manager of every write Wheelhouse makes.
const FieldManager = "wheelhouse"

// Deps are what the workload endpoints need.
type Deps struct {
	operation.Kit
}

var tags = []string{"Workloads"}

// Kind names the five workload kinds as they appear in paths.
const (
	KindDeployments  = "deployments"
	KindStatefulSets = "statefulsets"
	KindDaemonSets   = "daemonsets"
	KindJobs         = "jobs"
	KindCronJobs     = "cronjobs"
)

// kindInfo describes one workload kind.
type kindInfo struct {
	// resource is the plural name of paths, caches and permissions.
	resource string
	// kind is the Kubernetes kind ("Deployment").
	kind string
	gvr  schema.GroupVersionResource
	// singular names operations ("deployment").
	singular string
}

func (k kindInfo) apiVersion() string { return k.gvr.GroupVersion().String() }

var (
	deployments  = kindInfo{KindDeployments, "Deployment", schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: KindDeployments}, "deployment"}
	statefulSets = kindInfo{KindStatefulSets, "StatefulSet", schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: KindStatefulSets}, "statefulset"}
	daemonSets   = kindInfo{KindDaemonSets, "DaemonSet", schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: KindDaemonSets}, "daemonset"}
	jobs         = kindInfo{KindJobs, "Job", schema.GroupVersionResource{Group: "batch", Version: "v1", Resource: KindJobs}, "job"}
	cronJobs     = kindInfo{KindCronJobs, "CronJob", schema.GroupVersionResource{Group: "batch", Version: "v1", Resource: KindCronJobs}, "cronjob"}
)

// allKinds are the kinds in the order they are registered.
var allKinds = []kindInfo{deployments, statefulSets, daemonSets, jobs, cronJobs}

func basePath(k kindInfo) string {
	return "/api/v1/clusters/{cluster}/namespaces/{namespace}/" + k.resource
}

// WorkloadParams name one workload in the path.
type WorkloadParams struct {
	operation.NamespaceParam
	Name string `path:"name" maxLength:"253" doc:"Workload name"`
}

// ListWorkloadsInput selects and pages the workloads of one kind.
type ListWorkloadsInput struct {
	operation.NamespaceParam
	operation.ClusterListParams
}

// ListWorkloadsOutput is one page of workloads.
type ListWorkloadsOutput struct {
	Body operation.ClusterList[WorkloadView]
}

// WorkloadOutput is one workload.
type WorkloadOutput struct {
	Body WorkloadView
}

// WorkloadDetailOutput is one workload with its pods, revisions and events.
type WorkloadDetailOutput struct {
	Body WorkloadDetail
}

// Register adds the workload endpoints to api.
func Register(api huma.API, d Deps) {
	for _, k := range allKinds {
		perm := func(verb string) auth.Permission { return auth.Permission{Verb: verb, Resource: k.resource} }
		registerRead(api, d, k, perm)
		registerWrite(api, d, k, perm)
		registerActions(api, d, k, perm(auth.VerbUpdate))
	}
	registerCronJobActions(api, d)
}

func registerRead(api huma.API, d Deps, k kindInfo, perm func(string) auth.Permission) {
	list := operation.New(http.MethodGet, basePath(k), "list-"+k.resource, "List the "+k.kind+"s of a namespace", tags, perm(auth.VerbList))
	list.Description = "Read from the cluster's cache, each with a status summary."
	list.Errors = append(list.Errors, http.StatusBadRequest, http.StatusNotFound, http.StatusServiceUnavailable)
	huma.Register(api, list, func(ctx context.Context, in *ListWorkloadsInput) (*ListWorkloadsOutput, error) {
		c, err := d.Cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		page, err := c.List(k.resource, in.Query(in.Namespace))
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		out := &ListWorkloadsOutput{}
		out.Body.Items, out.Body.Continue, out.Body.Total = make([]WorkloadView, 0, len(page.Items)), page.Continue, page.Total
		for _, o := range page.Items {
			out.Body.Items = append(out.Body.Items, viewOf(o))
		}
		return out, nil
	})

	get := operation.New(http.MethodGet, basePath(k)+"/{name}", "get-"+k.singular,
		"Get a "+k.kind+" with its spec, pods, revisions and events", tags, perm(auth.VerbGet))
	get.Description = "Read from the cluster's cache, except the ControllerRevisions of StatefulSets and DaemonSets, which are listed live."
	get.Errors = append(get.Errors, http.StatusNotFound, http.StatusServiceUnavailable)
	huma.Register(api, get, func(ctx context.Context, in *WorkloadParams) (*WorkloadDetailOutput, error) {
		c, err := d.Cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		o, err := c.Get(k.resource, in.Namespace, in.Name)
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		det, err := detailOf(ctx, c, o)
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		return &WorkloadDetailOutput{Body: det}, nil
	})
}
