package workloads

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
)

// revisionAnnotation numbers a Deployment's ReplicaSets.
const revisionAnnotation = "deployment.kubernetes.io/revision"

// changeCauseAnnotation says why a revision was made.
const changeCauseAnnotation = "kubernetes.io/change-cause"

// WorkloadDetail is one workload with its spec, pods, revisions and events.
type WorkloadDetail struct {
	WorkloadView
	Spec      WorkloadSpec       `json:"spec" doc:"The structured spec: edit it and PUT it back (with resourceVersion)"`
	Pods      []WorkloadPod      `json:"pods" nullable:"false" doc:"Pods found through the owner chain (Deployment→ReplicaSet→Pod, CronJob→Job→Pod)"`
	Revisions []WorkloadRevision `json:"revisions" nullable:"false" doc:"Rollout history, newest first: ReplicaSets of a Deployment, ControllerRevisions of a StatefulSet or DaemonSet"`
	Events    []WorkloadEvent    `json:"events" nullable:"false" doc:"Events about the workload itself, newest first"`
	Jobs      []WorkloadView     `json:"jobs,omitempty" doc:"CronJobs: the Jobs they own"`
	Selector  string             `json:"selector,omitempty" doc:"The pod selector, in label selector syntax"`
}

// WorkloadPod is a pod of a workload.
type WorkloadPod struct {
	Name              string    `json:"name"`
	Phase             string    `json:"phase"`
	Ready             string    `json:"ready" doc:"Ready containers / containers"`
	Restarts          int32     `json:"restarts"`
	NodeName          string    `json:"nodeName,omitempty"`
	PodIP             string    `json:"podIP,omitempty"`
	Images            []string  `json:"images" nullable:"false"`
	Revision          string    `json:"revision,omitempty" doc:"pod-template-hash or controller-revision-hash label"`
	CreationTimestamp time.Time `json:"creationTimestamp"`
}

// WorkloadRevision is one revision of a workload's pod template.
type WorkloadRevision struct {
	Revision          int64     `json:"revision"`
	Name              string    `json:"name" doc:"The ReplicaSet or ControllerRevision"`
	Images            []string  `json:"images" nullable:"false"`
	Current           bool      `json:"current"`
	Replicas          *int32    `json:"replicas,omitempty" doc:"Deployments: pods of this revision"`
	ChangeCause       string    `json:"changeCause,omitempty"`
	CreationTimestamp time.Time `json:"creationTimestamp"`
}

// WorkloadEvent is a Kubernetes event about a workload.
type WorkloadEvent struct {
	Type           string    `json:"type"`
	Reason         string    `json:"reason"`
	Message        string    `json:"message"`
	Count          int32     `json:"count"`
	Source         string    `json:"source,omitempty"`
	FirstTimestamp time.Time `json:"firstTimestamp"`
	LastTimestamp  time.Time `json:"lastTimestamp"`
}

// detailOf returns the detail of a cached workload.
func detailOf(ctx context.Context, c *multicluster.Cluster, obj runtime.Object) (WorkloadDetail, error) {
	d := WorkloadDetail{WorkloadView: viewOf(obj), Spec: specOf(obj), Pods: []WorkloadPod{}, Revisions: []WorkloadRevision{}, Events: []WorkloadEvent{}}
	ns, uid := d.Namespace, types.UID(d.UID)
	owners := map[types.UID]bool{uid: true}
	var err error
	switch o := obj.(type) {
	case *appsv1.Deployment:
		d.Selector = metav1.FormatLabelSelector(o.Spec.Selector)
		var sets []*appsv1.ReplicaSet
		sets, err = ownedReplicaSets(c, o)
		owners = map[types.UID]bool{}
		for _, rs := range sets {
			owners[rs.UID] = true
		}
		d.Revisions = deploymentRevisions(o, sets)
	case *appsv1.StatefulSet:
		d.Selector = metav1.FormatLabelSelector(o.Spec.Selector)
		d.Revisions, err = controllerRevisions(ctx, c, ns, uid, o.Spec.Selector, o.Status.UpdateRevision)
	case *appsv1.DaemonSet:
		d.Selector = metav1.FormatLabelSelector(o.Spec.Selector)
		d.Revisions, err = controllerRevisions(ctx, c, ns, uid, o.Spec.Selector, "")
	case *batchv1.Job:
		d.Selector = metav1.FormatLabelSelector(o.Spec.Selector)
	case *batchv1.CronJob:
		owners = map[types.UID]bool{}
		d.Jobs = []WorkloadView{}
		err = eachOwned(c, "jobs", ns, uid, func(obj runtime.Object) {
			j := obj.(*batchv1.Job)
			owners[j.UID] = true
			d.Jobs = append(d.Jobs, viewOf(j))
		})
	}
	if err != nil {
		return d, err
	}
	err = eachOwnedBy(c, "pods", ns, owners, func(obj runtime.Object) { d.Pods = append(d.Pods, podOf(obj.(*corev1.Pod))) })
	if err != nil {
		return d, err
	}
	d.Events, err = eventsOf(c, ns, uid)
	return d, err
}

// eachOwned calls fn for every cached object of kind in ns whose
// controller is owner.
func eachOwned(c *multicluster.Cluster, kind, ns string, owner types.UID, fn func(runtime.Object)) error {
	return eachOwnedBy(c, kind, ns, map[types.UID]bool{owner: true}, fn)
}

func eachOwnedBy(c *multicluster.Cluster, kind, ns string, owners map[types.UID]bool, fn func(runtime.Object)) error {
	if len(owners) == 0 {
		return nil
	}
	page, err := c.List(kind, multicluster.Query{Namespace: ns, Sort: multicluster.SortCreation})
	if err != nil {
		return fmt.Errorf("list %s of %s: %w", kind, ns, err)
	}
	for _, obj := range page.Items {
		acc, ok := obj.(metav1.Object)
		if !ok {
			continue
		}
		if ref := metav1.GetControllerOf(acc); ref != nil && owners[ref.UID] {
			fn(obj)
		}
	}
	return nil
}

func ownedReplicaSets(c *multicluster.Cluster, d *appsv1.Deployment) ([]*appsv1.ReplicaSet, error) {
	var sets []*appsv1.ReplicaSet
	err := eachOwned(c, "replicasets", d.Namespace, d.UID, func(obj runtime.Object) { sets = append(sets, obj.(*appsv1.ReplicaSet)) })
	return sets, err
}

// revisionOf returns the revision number of a Deployment's ReplicaSet.
func revisionOf(rs *appsv1.ReplicaSet) int64 {
	n, _ := strconv.ParseInt(rs.Annotations[revisionAnnotation], 10, 64)
	return n
}

func deploymentRevisions(d *appsv1.Deployment, sets []*appsv1.ReplicaSet) []WorkloadRevision {
	current := d.Annotations[revisionAnnotation]
	revs := make([]WorkloadRevision, 0, len(sets))
	for _, rs := range sets {
		revs = append(revs, WorkloadRevision{Revision: revisionOf(rs), Name: rs.Name, Images: imagesOf(&rs.Spec.Template),
			Current: rs.Annotations[revisionAnnotation] == current, Replicas: rs.Spec.Replicas,
			ChangeCause: rs.Annotations[changeCauseAnnotation], CreationTimestamp: rs.CreationTimestamp.Time})
	}
	slices.SortFunc(revs, func(a, b WorkloadRevision) int { return cmp.Compare(b.Revision, a.Revision) })
	return revs
}

// controllerRevisions lists, live, the ControllerRevisions a StatefulSet
// or DaemonSet owns (they are not cached). current names the revision in
// use when the status says so; otherwise the highest is current.
func controllerRevisions(ctx context.Context, c *multicluster.Cluster, ns string, owner types.UID, sel *metav1.LabelSelector, current string) ([]WorkloadRevision, error) {
	crs, err := ownedControllerRevisions(ctx, c, ns, owner, sel)
	if err != nil {
		return nil, err
	}
	revs := make([]WorkloadRevision, 0, len(crs))
	for _, cr := range crs {
		t, _ := revisionTemplate(&cr)
		revs = append(revs, WorkloadRevision{Revision: cr.Revision, Name: cr.Name, Images: imagesOf(t),
			Current: cr.Name == current, ChangeCause: cr.Annotations[changeCauseAnnotation], CreationTimestamp: cr.CreationTimestamp.Time})
	}
	slices.SortFunc(revs, func(a, b WorkloadRevision) int { return cmp.Compare(b.Revision, a.Revision) })
	if current == "" && len(revs) > 0 {
		revs[0].Current = true
	}
	return revs, nil
}

func ownedControllerRevisions(ctx context.Context, c *multicluster.Cluster, ns string, owner types.UID, sel *metav1.LabelSelector) ([]appsv1.ControllerRevision, error) {
	opts := metav1.ListOptions{}
	if sel != nil {
		s, err := metav1.LabelSelectorAsSelector(sel)
		if err != nil {
			return nil, fmt.Errorf("selector: %w", err)
		}
		opts.LabelSelector = s.String()
	}
	list, err := c.Kube.AppsV1().ControllerRevisions(ns).List(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("list controller revisions of %s: %w", ns, err)
	}
	var out []appsv1.ControllerRevision
	for _, cr := range list.Items {
		if ref := metav1.GetControllerOf(&cr); ref != nil && ref.UID == owner {
			out = append(out, cr)
		}
	}
	return out, nil
}

// revisionTemplate decodes the pod template a ControllerRevision records
// (its data is a patch {"spec":{"template":{...}}}).
func revisionTemplate(cr *appsv1.ControllerRevision) (*corev1.PodTemplateSpec, error) {
	var data struct {
		Spec struct {
			Template corev1.PodTemplateSpec `json:"template"`
		} `json:"spec"`
	}
	if err := json.Unmarshal(cr.Data.Raw, &data); err != nil {
		return &corev1.PodTemplateSpec{}, fmt.Errorf("decode controller revision %s: %w", cr.Name, err)
	}
	return &data.Spec.Template, nil
}

func podOf(p *corev1.Pod) WorkloadPod {
	v := WorkloadPod{Name: p.Name, Phase: string(p.Status.Phase), NodeName: p.Spec.NodeName, PodIP: p.Status.PodIP,
		CreationTimestamp: p.CreationTimestamp.Time, Images: []string{},
		Revision: cmp.Or(p.Labels["pod-template-hash"], p.Labels["controller-revision-hash"])}
	ready := 0
	for _, s := range p.Status.ContainerStatuses {
		if s.Ready {
			ready++
		}
		v.Restarts += s.RestartCount
	}
	for _, c := range p.Spec.Containers {
		v.Images = append(v.Images, c.Image)
	}
	v.Ready = fmt.Sprintf("%d/%d", ready, len(p.Spec.Containers))
	return v
}

// eventsOf returns the cached events whose involved object is uid, newest
// first.
func eventsOf(c *multicluster.Cluster, ns string, uid types.UID) ([]WorkloadEvent, error) {
	page, err := c.List("events", multicluster.Query{Namespace: ns, FieldSelector: "involvedObject.uid=" + string(uid)})
	if err != nil {
		return nil, fmt.Errorf("list events of %s: %w", ns, err)
	}
	out := make([]WorkloadEvent, 0, len(page.Items))
	for _, obj := range page.Items {
		e := obj.(*corev1.Event)
		first, last := e.FirstTimestamp.Time, e.LastTimestamp.Time
		if first.IsZero() {
			first = e.EventTime.Time
		}
		if last.IsZero() {
			last = first
		}
		out = append(out, WorkloadEvent{Type: e.Type, Reason: e.Reason, Message: e.Message, Count: max(e.Count, 1),
			Source: cmp.Or(e.Source.Component, e.ReportingController), FirstTimestamp: first, LastTimestamp: last})
	}
	slices.SortStableFunc(out, func(a, b WorkloadEvent) int { return b.LastTimestamp.Compare(a.LastTimestamp) })
	return out, nil
}
