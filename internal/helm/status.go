package helm

import (
	"bytes"
	"context"
	"fmt"

	"github.com/fluxcd/cli-utils/pkg/kstatus/status"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/resource"
)

// Resource is one object of a release as it is in the cluster.
type Resource struct {
	APIVersion string
	Kind       string
	Namespace  string
	Name       string
	// Status is kstatus' verdict: Current (ready), InProgress, Failed,
	// Terminating, NotFound or Unknown.
	Status string
	// Message says why, when not Current.
	Message string
}

// Ready is whether the object is there and ready.
func (r Resource) Ready() bool { return r.Status == status.CurrentStatus.String() }

// ReleaseStatus is a release's last revision with its objects.
type ReleaseStatus struct {
	*Release
	Resources []Resource
	// Ready: every object is there and ready.
	Ready bool
}

// Status returns the release's last revision and the state of each object
// of its manifest, read from the cluster now.
func (c *Client) Status(_ context.Context, namespace, name string) (*ReleaseStatus, error) {
	ac, err := c.actionConfig(namespace)
	if err != nil {
		return nil, err
	}
	rel, err := last(ac, namespace, name)
	if err != nil {
		return nil, err
	}
	infos, err := ac.KubeClient.Build(bytes.NewBufferString(rel.Manifest), false)
	if err != nil {
		return nil, fmt.Errorf("objects of %s/%s: %w", namespace, name, err)
	}
	st := &ReleaseStatus{Release: view(rel), Ready: true}
	for _, info := range infos {
		gvk := info.Mapping.GroupVersionKind
		r := Resource{
			APIVersion: gvk.GroupVersion().String(),
			Kind:       gvk.Kind,
			Namespace:  info.Namespace,
			Name:       info.Name,
		}
		obj, err := resource.NewHelper(info.Client, info.Mapping).Get(info.Namespace, info.Name)
		switch {
		case apierrors.IsNotFound(err):
			r.Status, r.Message = status.NotFoundStatus.String(), "not found"
		case err != nil:
			r.Status, r.Message = status.UnknownStatus.String(), err.Error()
		default:
			r.Status, r.Message = compute(obj)
		}
		if !r.Ready() {
			st.Ready = false
		}
		st.Resources = append(st.Resources, r)
	}
	return st, nil
}

func compute(obj runtime.Object) (string, string) {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return status.UnknownStatus.String(), err.Error()
	}
	res, err := status.Compute(&unstructured.Unstructured{Object: m})
	if err != nil {
		return status.UnknownStatus.String(), err.Error()
	}
	return res.Status.String(), res.Message
}
