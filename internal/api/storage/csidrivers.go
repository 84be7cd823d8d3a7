package storage

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
)

// CSIDriverView is a CSIDriver as the API shows it.
type CSIDriverView struct {
	Name                 string    `json:"name"`
	AttachRequired       bool      `json:"attachRequired"`
	PodInfoOnMount       bool      `json:"podInfoOnMount"`
	StorageCapacity      bool      `json:"storageCapacity"`
	FSGroupPolicy        string    `json:"fsGroupPolicy,omitempty"`
	VolumeLifecycleModes []string  `json:"volumeLifecycleModes,omitempty" doc:"Persistent and/or Ephemeral"`
	CreatedAt            time.Time `json:"createdAt"`
}

// ListCSIDriversInput pages the CSIDrivers of a cluster, read live.
type ListCSIDriversInput struct {
	operation.ClusterParam
	Limit         int64  `query:"limit" minimum:"0" maximum:"1000" default:"100" doc:"Page size; 0 returns every driver"`
	Continue      string `query:"continue" doc:"Token from the previous page's continue field"`
	LabelSelector string `query:"labelSelector" doc:"Kubernetes label selector"`
}

// ListCSIDriversOutput is one page of CSIDrivers.
type ListCSIDriversOutput struct {
	Body operation.ClusterList[CSIDriverView]
}

func registerCSIDrivers(api huma.API, d Deps) {
	list := operation.New(http.MethodGet, basePath+"/csidrivers", "list-csidrivers",
		"List the CSI drivers installed in a cluster (read live)", tags, auth.Permission{Verb: auth.VerbList, Resource: ResourceCSIDrivers})
	list.Errors = append(list.Errors, http.StatusBadRequest, http.StatusNotFound, http.StatusServiceUnavailable)
	huma.Register(api, list, func(ctx context.Context, in *ListCSIDriversInput) (*ListCSIDriversOutput, error) {
		c, err := d.Cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		l, err := c.Kube.StorageV1().CSIDrivers().List(ctx, metav1.ListOptions{Limit: in.Limit, Continue: in.Continue, LabelSelector: in.LabelSelector})
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		out := &ListCSIDriversOutput{}
		out.Body.Items, out.Body.Continue, out.Body.Total = make([]CSIDriverView, 0, len(l.Items)), l.Continue, len(l.Items)
		if l.RemainingItemCount != nil {
			out.Body.Total += int(*l.RemainingItemCount)
		}
		for i := range l.Items {
			out.Body.Items = append(out.Body.Items, csiDriverView(&l.Items[i]))
		}
		return out, nil
	})
}

func csiDriverView(d *storagev1.CSIDriver) CSIDriverView {
	v := CSIDriverView{Name: d.Name, AttachRequired: true, CreatedAt: d.CreationTimestamp.Time}
	s := d.Spec
	if s.AttachRequired != nil {
		v.AttachRequired = *s.AttachRequired
	}
	if s.PodInfoOnMount != nil {
		v.PodInfoOnMount = *s.PodInfoOnMount
	}
	if s.StorageCapacity != nil {
		v.StorageCapacity = *s.StorageCapacity
	}
	if s.FSGroupPolicy != nil {
		v.FSGroupPolicy = string(*s.FSGroupPolicy)
	}
	for _, m := range s.VolumeLifecycleModes {
		v.VolumeLifecycleModes = append(v.VolumeLifecycleModes, string(m))
	}
	return v
}
