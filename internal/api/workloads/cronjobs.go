package workloads

import (
	"context"
	"crypto/rand"
	"fmt"
	"maps"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
)

// InstantiateAnnotation marks a Job made from a CronJob by hand, as
// kubectl create job --from=cronjob/<name> does.
const InstantiateAnnotation = "cronjob.kubernetes.io/instantiate"

func registerCronJobActions(api huma.API, d Deps) {
	k := cronJobs
	path := basePath(k) + "/{name}/"
	update := auth.Permission{Verb: auth.VerbUpdate, Resource: k.resource}
	errs := []int{http.StatusNotFound, http.StatusServiceUnavailable}
	for _, a := range []struct {
		verb, summary string
		suspend       bool
	}{
		{"suspend", "Suspend a CronJob: no new Jobs are scheduled (running ones go on)", true},
		{"resume", "Resume a suspended CronJob", false},
	} {
		op := operation.New(http.MethodPost, path+a.verb, a.verb+"-cronjob", a.summary, tags, update)
		op.Errors = append(op.Errors, errs...)
		patch := fmt.Appendf(nil, `{"spec":{"suspend":%t}}`, a.suspend)
		huma.Register(api, op, func(ctx context.Context, in *WorkloadParams) (*WorkloadOutput, error) {
			c, err := d.Cluster(in.Cluster)
			if err != nil {
				return nil, err
			}
			return patchObject(ctx, c, k, in.Namespace, in.Name, types.MergePatchType, patch)
		})
	}

	// Running a CronJob creates a Job: the caller needs create on jobs.
	run := operation.New(http.MethodPost, path+"run", "run-cronjob", "Run a CronJob now: create a Job from its template", tags,
		auth.Permission{Verb: auth.VerbCreate, Resource: KindJobs})
	run.Description = "Like kubectl create job --from=cronjob/<name>: the Job is named <cronjob>-manual-<suffix>, owned by the " +
		"CronJob and annotated " + InstantiateAnnotation + "=manual. It runs even when the CronJob is suspended."
	run.DefaultStatus = http.StatusCreated
	run.Errors = append(run.Errors, errs...)
	huma.Register(api, run, func(ctx context.Context, in *WorkloadParams) (*WorkloadOutput, error) {
		c, err := d.Cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		cj, err := c.Kube.BatchV1().CronJobs(in.Namespace).Get(ctx, in.Name, metav1.GetOptions{})
		if err != nil {
			return nil, operation.ClusterError(fmt.Errorf("get cronjob %s/%s: %w", in.Namespace, in.Name, err))
		}
		job := jobFromCronJob(cj)
		created, err := c.Kube.BatchV1().Jobs(in.Namespace).Create(ctx, job, metav1.CreateOptions{FieldManager: FieldManager})
		if err != nil {
			return nil, operation.ClusterError(fmt.Errorf("create job from cronjob %s/%s: %w", in.Namespace, in.Name, err))
		}
		d.Logger.InfoContext(ctx, "CronJob run by hand", "cluster", in.Cluster, "namespace", in.Namespace, "cronJob", in.Name, "job", created.Name)
		return &WorkloadOutput{Body: viewOf(created)}, nil
	})
}

// jobFromCronJob returns a Job from cj's template, owned by cj.
func jobFromCronJob(cj *batchv1.CronJob) *batchv1.Job {
	annotations := maps.Clone(cj.Spec.JobTemplate.Annotations)
	if annotations == nil {
		annotations = map[string]string{}
	}
	annotations[InstantiateAnnotation] = "manual"
	// A CronJob's name is at most 52 characters: the Job's fits in 63.
	name := fmt.Sprintf("%s-manual-%s", cj.Name, suffix())
	if len(name) > 63 {
		name = name[:63]
	}
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{
			Name:        name,
			Namespace:   cj.Namespace,
			Labels:      maps.Clone(cj.Spec.JobTemplate.Labels),
			Annotations: annotations,
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(cj,
				batchv1.SchemeGroupVersion.WithKind("CronJob"))},
		},
		Spec: *cj.Spec.JobTemplate.Spec.DeepCopy(),
	}
}

// suffix is a random five-character DNS label suffix.
func suffix() string {
	const alphabet = "bcdfghjklmnpqrstvwxz2456789"
	var b [5]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:])
}
