package workloads

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
)

// RestartedAtAnnotation is the pod template annotation a rollout restart
// sets, as kubectl rollout restart does.
const RestartedAtAnnotation = "kubectl.kubernetes.io/restartedAt"

// WorkloadScaleInput sets a workload's replicas.
type WorkloadScaleInput struct {
	WorkloadParams
	Body struct {
		Replicas int32 `json:"replicas" minimum:"0" maximum:"10000"`
	}
}

// WorkloadImageInput sets the image of one container.
type WorkloadImageInput struct {
	WorkloadParams
	Body struct {
		Container string `json:"container" minLength:"1" maxLength:"63" doc:"Name of the container in the pod template"`
		Image     string `json:"image" minLength:"1" maxLength:"1024"`
	}
}

// WorkloadRollbackInput rolls a workload back to a revision.
type WorkloadRollbackInput struct {
	WorkloadParams
	Body struct {
		Revision int64 `json:"revision" minimum:"0" doc:"Revision number from the workload's revisions; 0 means the one before the current"`
	}
}

func registerActions(api huma.API, d Deps, k kindInfo, perm auth.Permission) {
	path := basePath(k) + "/{name}/"
	errs := []int{http.StatusNotFound, http.StatusConflict, http.StatusServiceUnavailable}

	if k.resource == KindDeployments || k.resource == KindStatefulSets {
		op := operation.New(http.MethodPost, path+"scale", "scale-"+k.singular, "Scale a "+k.kind, tags, perm)
		op.Errors = append(op.Errors, errs...)
		huma.Register(api, op, func(ctx context.Context, in *WorkloadScaleInput) (*WorkloadOutput, error) {
			c, err := d.Cluster(in.Cluster)
			if err != nil {
				return nil, err
			}
			patch := fmt.Appendf(nil, `{"spec":{"replicas":%d}}`, in.Body.Replicas)
			return patchObject(ctx, c, k, in.Namespace, in.Name, types.MergePatchType, patch)
		})
	}

	if k.resource != KindJobs && k.resource != KindCronJobs {
		op := operation.New(http.MethodPost, path+"restart", "restart-"+k.singular, "Restart a "+k.kind+"'s pods (rollout restart)", tags, perm)
		op.Description = "Sets the " + RestartedAtAnnotation + " annotation on the pod template, so the controller replaces every pod following its update strategy."
		op.Errors = append(op.Errors, errs...)
		huma.Register(api, op, func(ctx context.Context, in *WorkloadParams) (*WorkloadOutput, error) {
			c, err := d.Cluster(in.Cluster)
			if err != nil {
				return nil, err
			}
			patch, _ := json.Marshal(map[string]any{"spec": map[string]any{"template": map[string]any{"metadata": map[string]any{
				"annotations": map[string]string{RestartedAtAnnotation: time.Now().UTC().Format(time.RFC3339)}}}}})
			return patchObject(ctx, c, k, in.Namespace, in.Name, types.MergePatchType, patch)
		})
		registerRollback(api, d, k, perm)
	}

	if k.resource == KindDeployments {
		for _, a := range []struct {
			verb, summary string
			paused        bool
		}{
			{"pause", "Pause a Deployment's rollouts: template changes wait until resume", true},
			{"resume", "Resume a Deployment's rollouts", false},
		} {
			op := operation.New(http.MethodPost, path+a.verb, a.verb+"-"+k.singular, a.summary, tags, perm)
			op.Errors = append(op.Errors, errs...)
			patch := fmt.Appendf(nil, `{"spec":{"paused":%t}}`, a.paused)
			huma.Register(api, op, func(ctx context.Context, in *WorkloadParams) (*WorkloadOutput, error) {
				c, err := d.Cluster(in.Cluster)
				if err != nil {
					return nil, err
				}
				return patchObject(ctx, c, k, in.Namespace, in.Name, types.MergePatchType, patch)
			})
		}
	}

	img := operation.New(http.MethodPost, path+"image", "set-"+k.singular+"-image", "Set the image of one container of a "+k.kind, tags, perm)
	img.Description = "Changes one container's image in the pod template (for a Deployment, this starts a new revision)."
	img.Errors = append(img.Errors, errs...)
	huma.Register(api, img, func(ctx context.Context, in *WorkloadImageInput) (*WorkloadOutput, error) {
		if strings.ContainsAny(in.Body.Image, " \t\r\n") {
			return nil, huma.Error422UnprocessableEntity("invalid image",
				&huma.ErrorDetail{Location: "body.image", Message: "must be an image reference without spaces", Value: in.Body.Image})
		}
		c, live, err := d.live(ctx, k, in.Cluster, in.Namespace, in.Name)
		if err != nil {
			return nil, err
		}
		t, err := templateOf(live)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(t.Spec.Containers, func(ct corev1.Container) bool { return ct.Name == in.Body.Container })
		if i < 0 {
			names := make([]string, len(t.Spec.Containers))
			for j, ct := range t.Spec.Containers {
				names[j] = ct.Name
			}
			return nil, huma.Error422UnprocessableEntity("no such container",
				&huma.ErrorDetail{Location: "body.container", Message: fmt.Sprintf("%s has no container %q (it has %v)", in.Name, in.Body.Container, names), Value: in.Body.Container})
		}
		// A strategic merge patch: containers merge by name.
		var patch any = map[string]any{"spec": map[string]any{"containers": []map[string]string{{"name": in.Body.Container, "image": in.Body.Image}}}}
		patch = map[string]any{"template": patch}
		if k.resource == KindCronJobs {
			patch = map[string]any{"jobTemplate": map[string]any{"spec": patch}}
		}
		raw, _ := json.Marshal(map[string]any{"spec": patch})
		return patchObject(ctx, c, k, in.Namespace, in.Name, types.StrategicMergePatchType, raw)
	})
}
