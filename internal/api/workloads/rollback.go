package workloads

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/danielgtaylor/huma/v2"
	appsv1 "k8s.io/api/apps/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/retry"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
)

func registerRollback(api huma.API, d Deps, k kindInfo, perm auth.Permission) {
	op := operation.New(http.MethodPost, basePath(k)+"/{name}/rollback", "rollback-"+k.singular,
		"Roll a "+k.kind+" back to a revision", tags, perm)
	op.Description = "Like kubectl rollout undo --to-revision: a Deployment gets the pod template of the ReplicaSet " +
		"of that revision (which becomes the newest revision); a StatefulSet or DaemonSet gets the template its " +
		"ControllerRevision recorded. A paused Deployment cannot be rolled back (409): resume it first."
	op.Errors = append(op.Errors, http.StatusNotFound, http.StatusConflict, http.StatusServiceUnavailable)
	huma.Register(api, op, func(ctx context.Context, in *WorkloadRollbackInput) (*WorkloadOutput, error) {
		c, live, err := d.live(ctx, k, in.Cluster, in.Namespace, in.Name)
		if err != nil {
			return nil, err
		}
		var out *WorkloadOutput
		if dep, ok := live.(*appsv1.Deployment); ok {
			out, err = rollbackDeployment(ctx, c, dep, in.Body.Revision)
		} else {
			out, err = rollbackFromControllerRevision(ctx, c, k, live.(metav1.Object), in.Body.Revision)
		}
		if err == nil {
			d.Logger.InfoContext(ctx, "Workload rolled back", "cluster", in.Cluster, "kind", k.kind, "namespace", in.Namespace,
				"name", in.Name, "revision", in.Body.Revision)
		}
		return out, err
	})
}

// noRevision is the 422 for a revision the workload does not have.
func noRevision(rev int64, have []int64) error {
	return huma.Error422UnprocessableEntity("no such revision", &huma.ErrorDetail{Location: "body.revision",
		Message: fmt.Sprintf("no revision %d (revisions: %v)", rev, have), Value: rev})
}

// pickRevision returns the wanted revision, or for 0 the highest below
// current.
func pickRevision(want, current int64, have []int64) (int64, error) {
	slices.Sort(have)
	if want != 0 {
		if !slices.Contains(have, want) {
			return 0, noRevision(want, have)
		}
		return want, nil
	}
	for i := len(have) - 1; i >= 0; i-- {
		if have[i] < current {
			return have[i], nil
		}
	}
	return 0, huma.Error422UnprocessableEntity("no previous revision", &huma.ErrorDetail{Location: "body.revision",
		Message: fmt.Sprintf("there is no revision before %d (revisions: %v)", current, have)})
}

func rollbackDeployment(ctx context.Context, c *multicluster.Cluster, dep *appsv1.Deployment, want int64) (*WorkloadOutput, error) {
	if dep.Spec.Paused {
		return nil, huma.Error409Conflict(fmt.Sprintf("deployment %q is paused: resume it before rolling back", dep.Name))
	}
	sel, err := metav1.LabelSelectorAsSelector(dep.Spec.Selector)
	if err != nil {
		return nil, fmt.Errorf("selector of deployment %s: %w", dep.Name, err)
	}
	list, err := c.Kube.AppsV1().ReplicaSets(dep.Namespace).List(ctx, metav1.ListOptions{LabelSelector: sel.String()})
	if err != nil {
		return nil, operation.ClusterError(fmt.Errorf("list replica sets of %s: %w", dep.Name, err))
	}
	byRev := map[int64]*appsv1.ReplicaSet{}
	var have []int64
	for i := range list.Items {
		rs := &list.Items[i]
		if ref := metav1.GetControllerOf(rs); ref == nil || ref.UID != dep.UID {
			continue
		}
		n := revisionOf(rs)
		byRev[n] = rs
		have = append(have, n)
	}
	current, _ := strconv.ParseInt(dep.Annotations[revisionAnnotation], 10, 64) // missing: 0
	rev, err := pickRevision(want, current, have)
	if err != nil {
		return nil, err
	}
	t := byRev[rev].Spec.Template.DeepCopy()
	delete(t.Labels, appsv1.DefaultDeploymentUniqueLabelKey)
	if apiequality.Semantic.DeepEqual(t, &dep.Spec.Template) {
		return &WorkloadOutput{Body: viewOf(dep)}, nil
	}
	// The controller writes the Deployment all the time (annotations,
	// status): retry on conflict, each time from the live object.
	var obj runtime.Object
	err = retry.RetryOnConflict(retry.DefaultRetry, func() error {
		live, err := c.Kube.AppsV1().Deployments(dep.Namespace).Get(ctx, dep.Name, metav1.GetOptions{})
		if err != nil {
			return fmt.Errorf("get deployment %s/%s: %w", dep.Namespace, dep.Name, err)
		}
		if live.Spec.Paused {
			return huma.Error409Conflict(fmt.Sprintf("deployment %q is paused: resume it before rolling back", dep.Name))
		}
		live.Spec.Template = *t
		obj, err = updateObject(ctx, c, deployments, live.Namespace, live)
		return err
	})
	var se huma.StatusError
	if errors.As(err, &se) {
		return nil, err
	}
	if err != nil {
		return nil, operation.ClusterError(err)
	}
	return &WorkloadOutput{Body: viewOf(obj)}, nil
}

// rollbackFromControllerRevision patches a StatefulSet or DaemonSet with
// the data of its ControllerRevision (a strategic merge patch replacing
// the pod template), as kubectl does.
func rollbackFromControllerRevision(ctx context.Context, c *multicluster.Cluster, k kindInfo, obj metav1.Object, want int64) (*WorkloadOutput, error) {
	var sel *metav1.LabelSelector
	var currentName string
	switch o := obj.(type) {
	case *appsv1.StatefulSet:
		sel, currentName = o.Spec.Selector, o.Status.UpdateRevision
	case *appsv1.DaemonSet:
		sel = o.Spec.Selector
	}
	crs, err := ownedControllerRevisions(ctx, c, obj.GetNamespace(), obj.GetUID(), sel)
	if err != nil {
		return nil, operation.ClusterError(err)
	}
	byRev := map[int64]*appsv1.ControllerRevision{}
	var have []int64
	var current int64
	for i := range crs {
		cr := &crs[i]
		byRev[cr.Revision] = cr
		have = append(have, cr.Revision)
		if cr.Name == currentName || (currentName == "" && cr.Revision > current) {
			current = cr.Revision
		}
	}
	rev, err := pickRevision(want, current, have)
	if err != nil {
		return nil, err
	}
	return patchObject(ctx, c, k, obj.GetNamespace(), obj.GetName(), types.StrategicMergePatchType, byRev[rev].Data.Raw)
}
