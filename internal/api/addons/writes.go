package addons

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/helm"
	"github.com/wheelhouse-dev/wheelhouse/internal/projects"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// LabelRepository is the revision label that says which chart repository
// (or "builtin") the chart came from.
const LabelRepository = "wheelhouse.dev/chart-repository"

// WaitParams say how an operation waits for the release's objects.
type WaitParams struct {
	Wait           *bool `json:"wait,omitempty" doc:"Wait until every object is ready (kstatus) before the operation succeeds; default true"`
	TimeoutSeconds int   `json:"timeoutSeconds,omitempty" minimum:"0" maximum:"3600" doc:"Bound of the wait (and of Helm's hooks); default 300"`
}

func (w WaitParams) wait() bool             { return w.Wait == nil || *w.Wait }
func (w WaitParams) timeout() time.Duration { return time.Duration(w.TimeoutSeconds) * time.Second }

// InstallBody installs a release.
type InstallBody struct {
	Name   string         `json:"name" minLength:"1" maxLength:"53" doc:"Release name: a DNS label of at most 53 characters"`
	Chart  ChartRef       `json:"chart"`
	Values map[string]any `json:"values,omitempty" doc:"Overrides of the chart's defaults; checked against its values schema"`
	WaitParams
	KeepFailed bool `json:"keepFailed,omitempty" doc:"Keep a failed install's objects and revision for debugging; by default they are removed"`
}

// InstallInput installs a release.
type InstallInput struct {
	operation.NamespaceParam
	Body InstallBody
}

// UpgradeBody changes a release.
type UpgradeBody struct {
	Chart  *ChartRef      `json:"chart,omitempty" doc:"The chart version to move to; absent: the running chart, values change only"`
	Values map[string]any `json:"values,omitempty" doc:"The new overrides, replacing the release's; absent: keep them. A value sent as (hidden) keeps the release's"`
	WaitParams
}

// UpgradeInput changes a release (or plans it).
type UpgradeInput struct {
	ReleaseParam
	Body UpgradeBody
}

// RollbackBody rolls a release back.
type RollbackBody struct {
	Revision int `json:"revision,omitempty" minimum:"0" doc:"The revision to go back to; 0: the one before the last"`
	WaitParams
}

// RollbackInput rolls a release back.
type RollbackInput struct {
	ReleaseParam
	Body RollbackBody
}

// RepairInput re-applies a release.
type RepairInput struct {
	ReleaseParam
	Body WaitParams
}

// UninstallInput uninstalls a release.
type UninstallInput struct {
	ReleaseParam
	KeepHistory bool `query:"keepHistory" doc:"Keep the release's revisions (status uninstalled); the name can be installed again either way"`
}

// OperationOutput is an operation.
type OperationOutput struct{ Body Operation }

// Plan is what an upgrade would change.
type Plan struct {
	Current Revision     `json:"current"`
	Next    Revision     `json:"next" doc:"The revision the upgrade would write"`
	Values  any          `json:"values" doc:"The overrides the upgrade would keep; secret-named values read (hidden)"`
	Diff    []ObjectDiff `json:"diff" nullable:"false" doc:"Objects that change, in manifest order"`
}

// PlanOutput is a plan.
type PlanOutput struct{ Body Plan }

func (h *handlers) registerWrites(api huma.API) {
	base := "/api/v1/clusters/{cluster}/namespaces/{namespace}/releases"
	rel := base + "/{release}"
	declare := func(method, path, id, summary, verb string, errs ...int) huma.Operation {
		op := operation.New(method, path, id, summary, releaseTags, perm(verb))
		op.Errors = append(op.Errors, errs...)
		return op
	}
	install := declare(http.MethodPost, base, "install-release", "Install a chart as a release (in the background)", auth.VerbCreate,
		http.StatusNotFound, http.StatusConflict, http.StatusFailedDependency)
	install.Description = "Checks the values against the chart's schema, renders the release and " +
		"authorizes each object it would create, then answers 202 with the operation; follow it at .../releases/{release}/operation. " +
		"A failed install is removed unless keepFailed."
	install.DefaultStatus = http.StatusAccepted
	huma.Register(api, install, h.install)

	plan := declare(http.MethodPost, rel+"/plan", "plan-release-upgrade",
		"Show what an upgrade would change: the diff of rendered manifests from a server-side dry run", auth.VerbGet,
		http.StatusNotFound, http.StatusConflict, http.StatusFailedDependency)
	huma.Register(api, plan, h.plan)

	upgrade := declare(http.MethodPut, rel, "upgrade-release", "Upgrade a release to new values or a chart version (in the background)",
		auth.VerbUpdate, http.StatusNotFound, http.StatusConflict, http.StatusFailedDependency)
	upgrade.Description = "Only the user's overrides are kept. A release an interrupted operation left failed is upgraded the same way: " +
		"that is the retry. 202 with the operation."
	upgrade.DefaultStatus = http.StatusAccepted
	huma.Register(api, upgrade, h.upgrade)

	rollback := declare(http.MethodPost, rel+"/rollback", "rollback-release", "Roll a release back to a revision (in the background)",
		auth.VerbUpdate, http.StatusNotFound, http.StatusConflict)
	rollback.DefaultStatus = http.StatusAccepted
	huma.Register(api, rollback, h.rollback)

	repair := declare(http.MethodPost, rel+"/repair", "repair-release",
		"Re-apply a release, taking back what was changed or deleted by hand (in the background)", auth.VerbUpdate,
		http.StatusNotFound, http.StatusConflict)
	repair.DefaultStatus = http.StatusAccepted
	huma.Register(api, repair, h.repair)

	uninstall := declare(http.MethodDelete, rel, "uninstall-release", "Uninstall a release and delete its objects (in the background)",
		auth.VerbDelete, http.StatusNotFound, http.StatusConflict)
	uninstall.DefaultStatus = http.StatusAccepted
	huma.Register(api, uninstall, h.uninstall)

	op := declare(http.MethodGet, rel+"/operation", "get-release-operation",
		"Follow the release's last operation: state, objects ready, why it failed", auth.VerbGet, http.StatusNotFound)
	op.Description = "Operations are kept in the server's memory for an hour after they end; the release's history in the " +
		"cluster is the lasting record."
	huma.Register(api, op, h.getOperation)
}

// projectScope is the record scope of the namespace's project (the global
// scope when the namespace is in none): where a chart repository named in
// a request is looked up first.
func (h *handlers) projectScope(cluster, namespace string) store.Scope {
	c, err := h.Cluster(cluster)
	if err != nil {
		return store.Scope{}
	}
	obj, err := c.Get("namespaces", "", namespace)
	if err != nil {
		return store.Scope{}
	}
	ns, ok := obj.(*corev1.Namespace)
	if !ok || ns.Labels[projects.ProjectLabel] == "" {
		return store.Scope{}
	}
	return store.Scope{Cluster: cluster, Project: ns.Labels[projects.ProjectLabel]}
}

func repositoryLabel(ref ChartRef) map[string]string {
	if ref.Repository == "" {
		return map[string]string{LabelRepository: builtin}
	}
	return map[string]string{LabelRepository: ref.Repository}
}

func (h *handlers) install(ctx context.Context, in *InstallInput) (*OperationOutput, error) {
	b := in.Body
	if problems := validation.IsDNS1123Label(b.Name); len(problems) > 0 {
		return nil, operation.ValidationFailed(operation.Invalid("body.name", b.Name, problems))
	}
	c, err := h.client(in.Cluster)
	if err != nil {
		return nil, err
	}
	if err := h.busy(opKey{in.Cluster, in.Namespace, b.Name}); err != nil {
		return nil, err
	}
	if err := h.namespaceExists(in.Cluster, in.Namespace); err != nil {
		return nil, err
	}
	ch, _, err := h.loadChart(ctx, h.projectScope(in.Cluster, in.Namespace), b.Chart, bodyChart)
	if err != nil {
		return nil, err
	}
	opts := helm.InstallOptions{Namespace: in.Namespace, Name: b.Name, Chart: ch, Values: b.Values, Wait: b.wait(),
		Timeout: b.timeout(), KeepFailed: b.KeepFailed, Labels: repositoryLabel(b.Chart)}
	manifest, err := c.RenderInstall(ctx, opts)
	if err != nil {
		return nil, renderProblem(ctx, err, b.Name)
	}
	if err := h.authorizeObjects(ctx, c, in.Cluster, in.Namespace, manifest, "create"); err != nil {
		return nil, err
	}
	return h.start(ctx, opKey{in.Cluster, in.Namespace, b.Name}, "install", c, revisionOf(func(ctx context.Context) (*helm.Release, error) {
		return c.Install(ctx, opts)
	}), true)
}

// renderProblem is what a failed dry run answers: the values' or name's
// problem, the cluster's refusal of a rendered object, or a 422 naming
// the chart whose templates failed.
func renderProblem(ctx context.Context, err error, release string) error {
	var iv *helm.InvalidValuesError
	switch {
	case errors.As(err, &iv), errors.Is(err, helm.ErrExists), errors.Is(err, helm.ErrNotFound),
		errors.Is(err, helm.ErrBusy), errors.Is(err, helm.ErrPending):
		return helmProblem(ctx, err, release)
	}
	if cerr := operation.ClusterError(err); cerr != err {
		return cerr
	}
	return huma.Error422UnprocessableEntity("the chart does not render objects the cluster takes",
		&huma.ErrorDetail{Location: "body.chart", Message: err.Error()})
}

// key names the release's operation.
func (p ReleaseParam) key() opKey { return opKey{p.Cluster, p.Namespace, p.Release} }

// ready returns the cluster's Helm client when an operation may start on
// the release: the cluster answers and no operation on it runs.
func (h *handlers) ready(p ReleaseParam) (*helm.Client, error) {
	c, err := h.client(p.Cluster)
	if err != nil {
		return nil, err
	}
	return c, h.busy(p.key())
}

// lastRevision is the release's last revision, the caller being allowed to
// verb each of its objects.
func (h *handlers) lastRevision(ctx context.Context, c *helm.Client, p ReleaseParam, verb string) (*helm.Release, error) {
	cur, err := c.Revision(ctx, p.Namespace, p.Release, 0)
	if err != nil {
		return nil, helmProblem(ctx, err, p.Release)
	}
	return cur, h.authorizeObjects(ctx, c, p.Cluster, p.Namespace, cur.Manifest, verb)
}

// revisionOf makes an operation's work of a Helm call that writes a
// revision.
func revisionOf(call func(context.Context) (*helm.Release, error)) func(context.Context) (int, error) {
	return func(ctx context.Context) (int, error) {
		r, err := call(ctx)
		if err != nil {
			return 0, err
		}
		return r.Revision, nil
	}
}

// busy is the 409 for a release with an operation running, checked
// before anything else so that a second request learns why at once.
func (h *handlers) busy(k opKey) error {
	if op, ok := h.Operations.running(k.cluster, k.namespace, k.release); ok {
		return huma.Error409Conflict(fmt.Sprintf("a %s of release %q is running (operation %s); follow it at .../operation", op.Action, k.release, op.ID))
	}
	return nil
}

// start runs work as the release's operation and answers 202 with it, or
// 409 when an operation on the release is running. With progress, the
// release's objects are read while it runs.
func (h *handlers) start(ctx context.Context, k opKey, action string, c *helm.Client, work func(context.Context) (int, error),
	progress bool) (*OperationOutput, error) {
	op, ok := h.Operations.begin(k, action, operation.Request(ctx).Username)
	if !ok {
		return nil, huma.Error409Conflict(fmt.Sprintf("a %s of release %q is running (operation %s); follow it at .../operation", op.Action, k.release, op.ID))
	}
	var poll func(context.Context) (int, int, bool)
	if progress {
		poll = func(ctx context.Context) (int, int, bool) {
			st, err := c.Status(ctx, k.namespace, k.release)
			if err != nil {
				return 0, 0, false
			}
			ready := 0
			for _, r := range st.Resources {
				if r.Ready() {
					ready++
				}
			}
			return ready, len(st.Resources), true
		}
	}
	// The outcome is audited as the request's, after the request: the
	// middleware recorded its 202.
	actx := context.WithoutCancel(ctx)
	target := operation.Request(ctx).Path
	method, _, _ := strings.Cut(operation.Request(ctx).Route, " ")
	h.Operations.run(k, op, work, poll, func(final Operation) {
		status, reason := http.StatusOK, ""
		if final.State == OpFailed {
			status, reason = http.StatusInternalServerError, final.Message
		}
		if err := h.Audit.Record(actx, operation.AuditEvent{Action: action + "-release-finished", Method: method, Target: target,
			Status: status, Reason: reason}); err != nil {
			h.Logger.Warn("Auditing the end of a release operation failed", "release", k.namespace+"/"+k.release, "err", err)
		}
	})
	return &OperationOutput{Body: op}, nil
}

// upgradeOptions turns an upgrade request into Helm's options: the chart
// named (or the running one) and the values sent, with (hidden) values
// taken from the release.
func (h *handlers) upgradeOptions(ctx context.Context, c *helm.Client, in *UpgradeInput) (helm.UpgradeOptions, error) {
	cur, err := c.Revision(ctx, in.Namespace, in.Release, 0)
	if err != nil {
		return helm.UpgradeOptions{}, helmProblem(ctx, err, in.Release)
	}
	opts := helm.UpgradeOptions{Namespace: in.Namespace, Name: in.Release, Values: in.Body.Values, Wait: in.Body.wait(),
		Timeout: in.Body.timeout(), Labels: map[string]string{LabelRepository: cur.Labels[LabelRepository]}}
	if opts.Values != nil {
		restoreHidden(opts.Values, cur.Values)
	}
	var ch *chart.Chart
	if ref := in.Body.Chart; ref != nil {
		if ch, _, err = h.loadChart(ctx, h.projectScope(in.Cluster, in.Namespace), *ref, bodyChart); err != nil {
			return opts, err
		}
		opts.Labels = repositoryLabel(*ref)
	} else if ch = cur.Source; ch == nil {
		return opts, huma.Error422UnprocessableEntity("the release's chart is not stored with it; name one",
			&huma.ErrorDetail{Location: "body.chart", Message: "required for this release"})
	}
	if opts.Labels[LabelRepository] == "" {
		delete(opts.Labels, LabelRepository)
	}
	opts.Chart = ch
	return opts, nil
}

func (h *handlers) plan(ctx context.Context, in *UpgradeInput) (*PlanOutput, error) {
	c, err := h.client(in.Cluster)
	if err != nil {
		return nil, err
	}
	opts, err := h.upgradeOptions(ctx, c, in)
	if err != nil {
		return nil, err
	}
	p, err := c.PlanUpgrade(ctx, opts)
	if err != nil {
		return nil, renderProblem(ctx, err, in.Release)
	}
	return &PlanOutput{Body: Plan{Current: revision(p.Current), Next: revision(p.Next), Values: redactValues(p.Next.Values),
		Diff: diffs(p.Diff)}}, nil
}

func (h *handlers) upgrade(ctx context.Context, in *UpgradeInput) (*OperationOutput, error) {
	c, err := h.ready(in.ReleaseParam)
	if err != nil {
		return nil, err
	}
	opts, err := h.upgradeOptions(ctx, c, in)
	if err != nil {
		return nil, err
	}
	p, err := c.PlanUpgrade(ctx, opts)
	if err != nil {
		return nil, renderProblem(ctx, err, in.Release)
	}
	if err := h.authorizeObjects(ctx, c, in.Cluster, in.Namespace, p.Next.Manifest, "patch"); err != nil {
		return nil, err
	}
	return h.start(ctx, in.key(), "upgrade", c, revisionOf(func(ctx context.Context) (*helm.Release, error) {
		return c.Upgrade(ctx, opts)
	}), true)
}

func (h *handlers) rollback(ctx context.Context, in *RollbackInput) (*OperationOutput, error) {
	c, err := h.ready(in.ReleaseParam)
	if err != nil {
		return nil, err
	}
	target := in.Body.Revision
	if target == 0 {
		hist, err := c.History(ctx, in.Namespace, in.Release)
		if err != nil {
			return nil, helmProblem(ctx, err, in.Release)
		}
		if len(hist) < 2 {
			return nil, huma.Error409Conflict(fmt.Sprintf("release %q has no revision before the last", in.Release))
		}
		target = hist[1].Revision
	}
	rev, err := c.Revision(ctx, in.Namespace, in.Release, target)
	if err != nil {
		return nil, huma.Error404NotFound(fmt.Sprintf("release %q has no revision %d", in.Release, target),
			&huma.ErrorDetail{Location: "body.revision", Value: target, Message: "no such revision"})
	}
	if err := h.authorizeObjects(ctx, c, in.Cluster, in.Namespace, rev.Manifest, "patch"); err != nil {
		return nil, err
	}
	opts := helm.RollbackOptions{Namespace: in.Namespace, Name: in.Release, Revision: target, Wait: in.Body.wait(), Timeout: in.Body.timeout()}
	return h.start(ctx, in.key(), "rollback", c, revisionOf(func(ctx context.Context) (*helm.Release, error) {
		return c.Rollback(ctx, opts)
	}), true)
}

func (h *handlers) repair(ctx context.Context, in *RepairInput) (*OperationOutput, error) {
	c, err := h.ready(in.ReleaseParam)
	if err != nil {
		return nil, err
	}
	if _, err := h.lastRevision(ctx, c, in.ReleaseParam, "patch"); err != nil {
		return nil, err
	}
	return h.start(ctx, in.key(), "repair", c, revisionOf(func(ctx context.Context) (*helm.Release, error) {
		return c.Repair(ctx, in.Namespace, in.Release, in.Body.wait(), in.Body.timeout())
	}), true)
}

func (h *handlers) uninstall(ctx context.Context, in *UninstallInput) (*OperationOutput, error) {
	c, err := h.ready(in.ReleaseParam)
	if err != nil {
		return nil, err
	}
	if _, err := h.lastRevision(ctx, c, in.ReleaseParam, "delete"); err != nil {
		return nil, err
	}
	opts := helm.UninstallOptions{Namespace: in.Namespace, Name: in.Release, KeepHistory: in.KeepHistory}
	return h.start(ctx, in.key(), "uninstall", c, func(ctx context.Context) (int, error) {
		return 0, c.Uninstall(ctx, opts)
	}, false)
}

func (h *handlers) getOperation(_ context.Context, in *ReleaseParam) (*OperationOutput, error) {
	op, ok := h.Operations.get(in.key())
	if !ok {
		return nil, huma.Error404NotFound(fmt.Sprintf("no operation on release %q since the server started, or in the last hour", in.Release))
	}
	return &OperationOutput{Body: op}, nil
}
