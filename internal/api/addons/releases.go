package addons

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	corev1 "k8s.io/api/core/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/helm"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/projects"
)

// Release is a release's last revision.
type Release struct {
	Name           string    `json:"name"`
	Namespace      string    `json:"namespace"`
	Revision       int       `json:"revision"`
	Status         string    `json:"status" doc:"Helm's: deployed, failed, superseded, uninstalled, uninstalling, pending-install, pending-upgrade, pending-rollback"`
	Description    string    `json:"description,omitempty" doc:"Why the revision is as it is (a failure's cause, an interrupted operation)"`
	Chart          string    `json:"chart"`
	CatalogVersion string    `json:"chartVersion"`
	AppVersion     string    `json:"appVersion,omitempty"`
	Updated        time.Time `json:"updated"`
	// ManagedByWheelhouse: written by Wheelhouse, not the helm CLI.
	ManagedByWheelhouse bool `json:"managedByWheelhouse"`
	// Operation is the release's running operation, if any.
	Operation *Operation `json:"operation,omitempty"`
}

func (h *handlers) view(cluster string, r *helm.Release) Release {
	v := Release{Name: r.Name, Namespace: r.Namespace, Revision: r.Revision, Status: r.Status, Description: r.Description,
		Chart: r.Chart, CatalogVersion: r.Version, AppVersion: r.AppVersion, Updated: r.LastDeployed, ManagedByWheelhouse: r.ManagedByWheelhouse}
	if op, ok := h.Operations.running(cluster, r.Namespace, r.Name); ok {
		v.Operation = &op
	}
	return v
}

// Resource is an object of a release as it is in the cluster.
type Resource struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
	Status     string `json:"status" doc:"kstatus: Current (ready), InProgress, Failed, Terminating, NotFound, Unknown"`
	Message    string `json:"message,omitempty"`
}

// ReleaseDetail is a release with its values, notes and live objects.
type ReleaseDetail struct {
	Release
	Values    map[string]any `json:"values" doc:"The user's overrides of the chart's defaults; values of secret-named keys read (hidden)"`
	Notes     string         `json:"notes,omitempty"`
	Resources []Resource     `json:"resources" nullable:"false"`
	Ready     bool           `json:"ready" doc:"Every object is there and ready"`
}

// Revision is one revision of a release's history.
type Revision struct {
	Revision       int       `json:"revision"`
	Status         string    `json:"status"`
	Description    string    `json:"description,omitempty"`
	Chart          string    `json:"chart"`
	CatalogVersion string    `json:"chartVersion"`
	AppVersion     string    `json:"appVersion,omitempty"`
	Updated        time.Time `json:"updated"`
}

// RevisionDetail is a revision with its values and manifest.
type RevisionDetail struct {
	Revision
	Values   map[string]any `json:"values"`
	Manifest string         `json:"manifest" doc:"The rendered objects; Secrets' data is replaced by fingerprints"`
	Notes    string         `json:"notes,omitempty"`
}

func revision(r *helm.Release) Revision {
	return Revision{Revision: r.Revision, Status: r.Status, Description: r.Description, Chart: r.Chart, CatalogVersion: r.Version,
		AppVersion: r.AppVersion, Updated: r.LastDeployed}
}

// ObjectDiff is how one object changes (or drifted).
type ObjectDiff struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	Change    string `json:"change" enum:"added,removed,changed"`
	Diff      string `json:"diff" doc:"Unified diff of the object's manifests; Secrets' values are fingerprints"`
}

func diffs(in []helm.ObjectDiff) []ObjectDiff {
	out := make([]ObjectDiff, 0, len(in))
	for _, d := range in {
		out = append(out, ObjectDiff{Kind: d.Kind, Namespace: d.Namespace, Name: d.Name, Change: d.Change, Diff: d.Diff})
	}
	return out
}

// Drift is how a release's live objects differ from it.
type Drift struct {
	Revision int          `json:"revision"`
	Drifted  bool         `json:"drifted"`
	Objects  []ObjectDiff `json:"objects" nullable:"false" doc:"Objects changed or deleted by hand; the diff shows live against the release"`
}

// ClusterReleasesInput lists a cluster's releases.
type ClusterReleasesInput struct {
	operation.ClusterParam
	Namespace string `query:"namespace" maxLength:"63" doc:"Only this namespace's releases"`
	Name      string `query:"name" maxLength:"53" doc:"Keep releases whose name contains this"`
}

// NamespaceReleasesInput lists a namespace's releases.
type NamespaceReleasesInput struct {
	operation.NamespaceParam
	Name string `query:"name" maxLength:"53" doc:"Keep releases whose name contains this"`
}

// ReleaseListOutput lists releases, sorted by namespace and name.
type ReleaseListOutput struct {
	Body struct {
		Items []Release `json:"items" nullable:"false"`
	}
}

// ReleaseParam names a release.
type ReleaseParam struct {
	operation.NamespaceParam
	Release string `path:"release" maxLength:"53" doc:"Release name"`
}

// ReleaseOutput is a release.
type ReleaseOutput struct{ Body ReleaseDetail }

// HistoryOutput is a release's revisions, newest first.
type HistoryOutput struct {
	Body struct {
		Items []Revision `json:"items" nullable:"false"`
	}
}

// RevisionInput names a revision.
type RevisionInput struct {
	ReleaseParam
	Revision int `path:"revision" minimum:"1"`
}

// RevisionOutput is a revision.
type RevisionOutput struct{ Body RevisionDetail }

// DriftOutput is a release's drift.
type DriftOutput struct{ Body Drift }

func (h *handlers) registerReleases(api huma.API) {
	base := "/api/v1/clusters/{cluster}"
	rel := base + "/namespaces/{namespace}/releases/{release}"
	list := operation.AnyProject(operation.New(http.MethodGet, base+"/releases", "list-cluster-releases",
		"List a cluster's add-on releases (Helm's, whoever installed them)", releaseTags, perm(auth.VerbList)))
	list.Errors = append(list.Errors, http.StatusNotFound)
	huma.Register(api, list, h.listClusterReleases)

	nsList := operation.New(http.MethodGet, base+"/namespaces/{namespace}/releases", "list-releases",
		"List a namespace's add-on releases", releaseTags, perm(auth.VerbList))
	nsList.Errors = append(nsList.Errors, http.StatusNotFound)
	huma.Register(api, nsList, h.listNamespaceReleases)

	get := operation.New(http.MethodGet, rel, "get-release",
		"Read a release: its last revision, values, notes and each object's readiness now", releaseTags, perm(auth.VerbGet))
	get.Errors = append(get.Errors, http.StatusNotFound)
	huma.Register(api, get, h.getRelease)

	history := operation.New(http.MethodGet, rel+"/history", "get-release-history", "List a release's revisions, newest first", releaseTags, perm(auth.VerbGet))
	history.Errors = append(history.Errors, http.StatusNotFound)
	huma.Register(api, history, h.getHistory)

	rev := operation.New(http.MethodGet, rel+"/revisions/{revision}", "get-release-revision",
		"Read a revision: its values and rendered manifest", releaseTags, perm(auth.VerbGet))
	rev.Errors = append(rev.Errors, http.StatusNotFound)
	huma.Register(api, rev, h.getRevision)

	drift := operation.New(http.MethodGet, rel+"/drift", "get-release-drift",
		"Compare a release's live objects with it: what was changed or deleted by hand", releaseTags, perm(auth.VerbGet))
	drift.Description = "Each object of the last revision is re-applied in a server-side dry run as Helm's field manager; " +
		"a field the release sets that someone changed, or an object someone deleted, is drift. Fields the release does not " +
		"set (labels another controller adds, status) are not. POST .../repair takes them back."
	drift.Errors = append(drift.Errors, http.StatusNotFound)
	huma.Register(api, drift, h.getDrift)
}

func (h *handlers) listClusterReleases(ctx context.Context, in *ClusterReleasesInput) (*ReleaseListOutput, error) {
	c, err := h.client(in.Cluster)
	if err != nil {
		return nil, err
	}
	conn, err := h.Cluster(in.Cluster)
	if err != nil {
		return nil, err
	}
	var namespaces []string // nil: all
	if vis := operation.VisibleProjects(ctx); !vis.All {
		namespaces = []string{}
		for _, p := range vis.Projects {
			page, err := conn.List("namespaces", multicluster.Query{LabelSelector: projects.ProjectLabel + "=" + p})
			if err != nil {
				return nil, operation.ClusterError(err)
			}
			for _, o := range page.Items {
				if ns, ok := o.(*corev1.Namespace); ok {
					namespaces = append(namespaces, ns.Name)
				}
			}
		}
	}
	if in.Namespace != "" {
		if namespaces != nil && !slices.Contains(namespaces, in.Namespace) {
			namespaces = []string{}
		} else {
			namespaces = []string{in.Namespace}
		}
	}
	var rels []*helm.Release
	if namespaces == nil {
		rels, err = c.List(ctx, "")
	} else {
		slices.Sort(namespaces)
		for _, ns := range slices.Compact(namespaces) {
			var more []*helm.Release
			if more, err = c.List(ctx, ns); err != nil {
				break
			}
			rels = append(rels, more...)
		}
	}
	if err != nil {
		return nil, h.kubeProblem(ctx, err)
	}
	return h.releaseList(in.Cluster, rels, in.Name), nil
}

func (h *handlers) listNamespaceReleases(ctx context.Context, in *NamespaceReleasesInput) (*ReleaseListOutput, error) {
	c, err := h.client(in.Cluster)
	if err != nil {
		return nil, err
	}
	rels, err := c.List(ctx, in.Namespace)
	if err != nil {
		return nil, h.kubeProblem(ctx, err)
	}
	return h.releaseList(in.Cluster, rels, in.Name), nil
}

func (h *handlers) releaseList(cluster string, rels []*helm.Release, name string) *ReleaseListOutput {
	out := &ReleaseListOutput{}
	out.Body.Items = make([]Release, 0, len(rels))
	for _, r := range rels {
		if name == "" || strings.Contains(r.Name, name) {
			out.Body.Items = append(out.Body.Items, h.view(cluster, r))
		}
	}
	return out
}

// kubeProblem is what a failed read of Helm's storage answers: the
// cluster's status error when it gave one, a 500 otherwise.
func (h *handlers) kubeProblem(ctx context.Context, err error) error {
	if cerr := operation.ClusterError(err); cerr != err {
		return cerr
	}
	operation.Request(ctx).Err = err
	return huma.Error500InternalServerError("reading the releases failed")
}

func (h *handlers) getRelease(ctx context.Context, in *ReleaseParam) (*ReleaseOutput, error) {
	c, err := h.client(in.Cluster)
	if err != nil {
		return nil, err
	}
	st, err := c.Status(ctx, in.Namespace, in.Release)
	if err != nil {
		return nil, helmProblem(ctx, err, in.Release)
	}
	d := ReleaseDetail{Release: h.view(in.Cluster, st.Release), Values: redactValues(st.Values), Notes: st.Notes, Ready: st.Ready,
		Resources: make([]Resource, 0, len(st.Resources))}
	if d.Values == nil {
		d.Values = map[string]any{}
	}
	for _, r := range st.Resources {
		d.Resources = append(d.Resources, Resource{APIVersion: r.APIVersion, Kind: r.Kind, Namespace: r.Namespace, Name: r.Name,
			Status: r.Status, Message: r.Message})
	}
	return &ReleaseOutput{Body: d}, nil
}

func (h *handlers) getHistory(ctx context.Context, in *ReleaseParam) (*HistoryOutput, error) {
	c, err := h.client(in.Cluster)
	if err != nil {
		return nil, err
	}
	revs, err := c.History(ctx, in.Namespace, in.Release)
	if err != nil {
		return nil, helmProblem(ctx, err, in.Release)
	}
	out := &HistoryOutput{}
	out.Body.Items = make([]Revision, 0, len(revs))
	for _, r := range revs {
		out.Body.Items = append(out.Body.Items, revision(r))
	}
	return out, nil
}

func (h *handlers) getRevision(ctx context.Context, in *RevisionInput) (*RevisionOutput, error) {
	c, err := h.client(in.Cluster)
	if err != nil {
		return nil, err
	}
	r, err := c.Revision(ctx, in.Namespace, in.Release, in.Revision)
	if err != nil {
		return nil, helmProblem(ctx, err, fmt.Sprintf("%s (revision %d)", in.Release, in.Revision))
	}
	d := RevisionDetail{Revision: revision(r), Values: redactValues(r.Values), Manifest: helm.RedactManifest(r.Manifest), Notes: r.Notes}
	if d.Values == nil {
		d.Values = map[string]any{}
	}
	return &RevisionOutput{Body: d}, nil
}

func (h *handlers) getDrift(ctx context.Context, in *ReleaseParam) (*DriftOutput, error) {
	c, err := h.client(in.Cluster)
	if err != nil {
		return nil, err
	}
	d, err := c.DetectDrift(ctx, in.Namespace, in.Release)
	if err != nil {
		return nil, helmProblem(ctx, err, in.Release)
	}
	return &DriftOutput{Body: Drift{Revision: d.Revision, Drifted: d.Drifted, Objects: diffs(d.Objects)}}, nil
}
