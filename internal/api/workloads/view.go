package workloads

import (
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// WorkloadView is a workload with its status summary, as lists show it.
type WorkloadView struct {
	Kind              string              `json:"kind" enum:"Deployment,StatefulSet,DaemonSet,Job,CronJob"`
	Name              string              `json:"name"`
	Namespace         string              `json:"namespace"`
	UID               string              `json:"uid"`
	ResourceVersion   string              `json:"resourceVersion" doc:"Send it back with PUT"`
	Labels            map[string]string   `json:"labels,omitempty"`
	CreationTimestamp time.Time           `json:"creationTimestamp"`
	AgeSeconds        int64               `json:"ageSeconds"`
	Images            []string            `json:"images" nullable:"false" doc:"Images of the pod template's containers, in order"`
	Status            string              `json:"status" doc:"One word: Available, Progressing, Paused, Unavailable, Complete, Failed, Running, Suspended, Scheduled"`
	Replicas          *WorkloadReplicas   `json:"replicas,omitempty" doc:"Deployments, StatefulSets, DaemonSets"`
	Paused            bool                `json:"paused,omitempty" doc:"Deployments: rollouts are paused"`
	Job               *WorkloadJobStatus  `json:"job,omitempty" doc:"Jobs"`
	CronJob           *WorkloadCronStatus `json:"cronJob,omitempty" doc:"CronJobs"`
	Conditions        []WorkloadCondition `json:"conditions" nullable:"false"`
	Generation        int64               `json:"generation"`
	// ObservedGeneration below Generation means the controller has not
	// acted on the latest change yet.
	ObservedGeneration int64 `json:"observedGeneration"`
}

// WorkloadReplicas are the replica counts of a Deployment, StatefulSet or
// DaemonSet (for DaemonSets: the nodes that should run a pod).
type WorkloadReplicas struct {
	Desired   int32 `json:"desired"`
	Current   int32 `json:"current"`
	Ready     int32 `json:"ready"`
	Updated   int32 `json:"updated"`
	Available int32 `json:"available"`
}

// WorkloadJobStatus is the progress of a Job.
type WorkloadJobStatus struct {
	Completions    *int32     `json:"completions,omitempty"`
	Parallelism    *int32     `json:"parallelism,omitempty"`
	Active         int32      `json:"active"`
	Succeeded      int32      `json:"succeeded"`
	Failed         int32      `json:"failed"`
	StartTime      *time.Time `json:"startTime,omitempty"`
	CompletionTime *time.Time `json:"completionTime,omitempty"`
}

// WorkloadCronStatus is the schedule and state of a CronJob.
type WorkloadCronStatus struct {
	Schedule           string     `json:"schedule"`
	TimeZone           string     `json:"timeZone,omitempty"`
	Suspend            bool       `json:"suspend"`
	Active             int        `json:"active" doc:"Jobs running now"`
	LastScheduleTime   *time.Time `json:"lastScheduleTime,omitempty"`
	LastSuccessfulTime *time.Time `json:"lastSuccessfulTime,omitempty"`
}

// WorkloadCondition is one status condition.
type WorkloadCondition struct {
	Type               string     `json:"type"`
	Status             string     `json:"status"`
	Reason             string     `json:"reason,omitempty"`
	Message            string     `json:"message,omitempty"`
	LastTransitionTime *time.Time `json:"lastTransitionTime,omitempty"`
}

// viewOf summarises a cached or returned workload.
func viewOf(obj runtime.Object) WorkloadView {
	var v WorkloadView
	switch o := obj.(type) {
	case *appsv1.Deployment:
		v = base("Deployment", &o.ObjectMeta, &o.Spec.Template, o.Status.ObservedGeneration)
		s := o.Status
		v.Replicas = &WorkloadReplicas{Desired: deref(o.Spec.Replicas, 1), Current: s.Replicas, Ready: s.ReadyReplicas,
			Updated: s.UpdatedReplicas, Available: s.AvailableReplicas}
		v.Paused = o.Spec.Paused
		for _, c := range s.Conditions {
			v.Conditions = append(v.Conditions, cond(string(c.Type), string(c.Status), c.Reason, c.Message, c.LastTransitionTime))
		}
		v.Status = rolloutStatus(v.Replicas, o.Generation, s.ObservedGeneration)
		if o.Spec.Paused {
			v.Status = "Paused"
		}
	case *appsv1.StatefulSet:
		v = base("StatefulSet", &o.ObjectMeta, &o.Spec.Template, o.Status.ObservedGeneration)
		s := o.Status
		v.Replicas = &WorkloadReplicas{Desired: deref(o.Spec.Replicas, 1), Current: s.CurrentReplicas, Ready: s.ReadyReplicas,
			Updated: s.UpdatedReplicas, Available: s.AvailableReplicas}
		for _, c := range s.Conditions {
			v.Conditions = append(v.Conditions, cond(string(c.Type), string(c.Status), c.Reason, c.Message, c.LastTransitionTime))
		}
		v.Status = rolloutStatus(v.Replicas, o.Generation, s.ObservedGeneration)
	case *appsv1.DaemonSet:
		v = base("DaemonSet", &o.ObjectMeta, &o.Spec.Template, o.Status.ObservedGeneration)
		s := o.Status
		v.Replicas = &WorkloadReplicas{Desired: s.DesiredNumberScheduled, Current: s.CurrentNumberScheduled, Ready: s.NumberReady,
			Updated: s.UpdatedNumberScheduled, Available: s.NumberAvailable}
		for _, c := range s.Conditions {
			v.Conditions = append(v.Conditions, cond(string(c.Type), string(c.Status), c.Reason, c.Message, c.LastTransitionTime))
		}
		v.Status = rolloutStatus(v.Replicas, o.Generation, s.ObservedGeneration)
	case *batchv1.Job:
		v = base("Job", &o.ObjectMeta, &o.Spec.Template, 0)
		s := o.Status
		v.Job = &WorkloadJobStatus{Completions: o.Spec.Completions, Parallelism: o.Spec.Parallelism, Active: s.Active,
			Succeeded: s.Succeeded, Failed: s.Failed, StartTime: timeOf(s.StartTime), CompletionTime: timeOf(s.CompletionTime)}
		v.Status = "Running"
		for _, c := range s.Conditions {
			v.Conditions = append(v.Conditions, cond(string(c.Type), string(c.Status), c.Reason, c.Message, c.LastTransitionTime))
			if c.Status == corev1.ConditionTrue {
				switch c.Type {
				case batchv1.JobComplete:
					v.Status = "Complete"
				case batchv1.JobFailed:
					v.Status = "Failed"
				case batchv1.JobSuspended:
					v.Status = "Suspended"
				}
			}
		}
	case *batchv1.CronJob:
		v = base("CronJob", &o.ObjectMeta, &o.Spec.JobTemplate.Spec.Template, 0)
		s := o.Status
		v.CronJob = &WorkloadCronStatus{Schedule: o.Spec.Schedule, Suspend: o.Spec.Suspend != nil && *o.Spec.Suspend,
			Active: len(s.Active), LastScheduleTime: timeOf(s.LastScheduleTime), LastSuccessfulTime: timeOf(s.LastSuccessfulTime)}
		if o.Spec.TimeZone != nil {
			v.CronJob.TimeZone = *o.Spec.TimeZone
		}
		v.Status = "Scheduled"
		if v.CronJob.Suspend {
			v.Status = "Suspended"
		}
	}
	if v.Conditions == nil {
		v.Conditions = []WorkloadCondition{}
	}
	return v
}

func base(kind string, om *metav1.ObjectMeta, t *corev1.PodTemplateSpec, observed int64) WorkloadView {
	v := WorkloadView{Kind: kind, Name: om.Name, Namespace: om.Namespace, UID: string(om.UID), ResourceVersion: om.ResourceVersion,
		Labels: om.Labels, CreationTimestamp: om.CreationTimestamp.Time, Generation: om.Generation, ObservedGeneration: observed,
		Images: imagesOf(t)}
	if !om.CreationTimestamp.IsZero() {
		v.AgeSeconds = int64(time.Since(om.CreationTimestamp.Time) / time.Second)
	}
	return v
}

func imagesOf(t *corev1.PodTemplateSpec) []string {
	images := make([]string, 0, len(t.Spec.Containers))
	for _, c := range t.Spec.Containers {
		images = append(images, c.Image)
	}
	return images
}

// rolloutStatus is the one-word state of a replicated workload.
func rolloutStatus(r *WorkloadReplicas, generation, observed int64) string {
	switch {
	case observed < generation || r.Updated < r.Desired:
		return "Progressing"
	case r.Available >= r.Desired && r.Ready >= r.Desired:
		return "Available"
	case r.Available == 0 && r.Desired > 0:
		return "Unavailable"
	}
	return "Progressing"
}

func cond(typ, status, reason, msg string, t metav1.Time) WorkloadCondition {
	return WorkloadCondition{Type: typ, Status: status, Reason: reason, Message: msg, LastTransitionTime: timeOf(&t)}
}

func timeOf(t *metav1.Time) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	v := t.Time
	return &v
}

func deref(p *int32, def int32) int32 {
	if p == nil {
		return def
	}
	return *p
}
