package storage

import (
	"context"
	"time"

	"github.com/danielgtaylor/huma/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/kubernetes"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
)

// PersistentVolumeView is a PersistentVolume as the API shows it.
type PersistentVolumeView struct {
	Name             string            `json:"name"`
	Capacity         string            `json:"capacity"`
	AccessModes      []string          `json:"accessModes" nullable:"false"`
	StorageClassName string            `json:"storageClassName,omitempty"`
	ReclaimPolicy    string            `json:"reclaimPolicy"`
	Phase            string            `json:"phase" doc:"Pending, Available, Bound, Released or Failed"`
	Claim            string            `json:"claim,omitempty" doc:"namespace/name of the claim it is bound to"`
	Source           string            `json:"source" doc:"Where the data lives: hostPath:<path>, local:<path>, csi:<driver>, or the source kind"`
	Labels           map[string]string `json:"labels,omitempty"`
	CreatedAt        time.Time         `json:"createdAt"`
}

// PersistentVolumeHostPath is a directory on the node.
type PersistentVolumeHostPath struct {
	Path string `json:"path" minLength:"1" doc:"Absolute directory path on the node"`
}

// PersistentVolumeLocal is a local disk or directory of one node.
type PersistentVolumeLocal struct {
	Path string `json:"path" minLength:"1" doc:"Absolute path on the node"`
	Node string `json:"node" minLength:"1" doc:"The node the volume is on; pods using it are scheduled there"`
}

// CreatePersistentVolumeInput creates a PersistentVolume.
type CreatePersistentVolumeInput struct {
	operation.ClusterParam
	Body struct {
		operation.NewObject
		Capacity         string                    `json:"capacity" doc:"Size as a quantity, e.g. 10Gi"`
		AccessModes      []string                  `json:"accessModes" minItems:"1" doc:"ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod"`
		StorageClassName string                    `json:"storageClassName,omitempty" doc:"Claims of this class may bind to the volume; empty for claims without a class"`
		ReclaimPolicy    string                    `json:"reclaimPolicy,omitempty" enum:"Retain,Delete,Recycle" default:"Retain"`
		HostPath         *PersistentVolumeHostPath `json:"hostPath,omitempty" doc:"Exactly one of hostPath and local"`
		Local            *PersistentVolumeLocal    `json:"local,omitempty"`
	}
}

// volumes are the PersistentVolume endpoints.
var volumes = operation.TypedKind[*corev1.PersistentVolume, PersistentVolumeView]{Kind: "persistentvolumes", Singular: "persistentvolume",
	Tags: tags, Resource: ResourcePersistentVolumes, View: volumeView,
	Client: func(k kubernetes.Interface, _ string) operation.TypedClient[*corev1.PersistentVolume] {
		return k.CoreV1().PersistentVolumes()
	}}

func registerVolumes(api huma.API, d Deps) {
	volumes.RegisterList(api, &d.Kit, "List the PersistentVolumes of a cluster")
	volumes.RegisterGet(api, &d.Kit, "Get a PersistentVolume")

	huma.Register(api, volumes.CreateOp("Create a PersistentVolume backed by a hostPath or local directory"),
		func(ctx context.Context, in *CreatePersistentVolumeInput) (*operation.ObjectOutput[PersistentVolumeView], error) {
			pv, details := buildVolume(in)
			return volumes.Create(ctx, &d.Kit, in.Cluster, pv, details)
		})

	volumes.RegisterDelete(api, &d.Kit, "Delete a PersistentVolume")
}

// buildVolume checks the request and returns the volume it describes.
func buildVolume(in *CreatePersistentVolumeInput) (*corev1.PersistentVolume, []error) {
	b := in.Body
	details := b.Check()
	size, errs := storageSize("body.capacity", b.Capacity)
	details = append(details, errs...)
	modes, errs := accessModes("body.accessModes", b.AccessModes)
	details = append(details, errs...)
	if b.StorageClassName != "" {
		details = append(details, operation.Invalid("body.storageClassName", b.StorageClassName, validation.IsDNS1123Subdomain(b.StorageClassName))...)
	}
	pv := &corev1.PersistentVolume{
		ObjectMeta: b.Meta(""),
		Spec: corev1.PersistentVolumeSpec{
			Capacity:                      corev1.ResourceList{corev1.ResourceStorage: size},
			AccessModes:                   modes,
			StorageClassName:              b.StorageClassName,
			PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimPolicy(b.ReclaimPolicy),
		},
	}
	switch {
	case (b.HostPath == nil) == (b.Local == nil):
		details = append(details, &huma.ErrorDetail{Location: "body.hostPath", Message: "give exactly one of hostPath and local"})
	case b.HostPath != nil:
		details = append(details, absolutePath("body.hostPath.path", b.HostPath.Path)...)
		pv.Spec.HostPath = &corev1.HostPathVolumeSource{Path: b.HostPath.Path}
	default:
		details = append(details, absolutePath("body.local.path", b.Local.Path)...)
		pv.Spec.Local = &corev1.LocalVolumeSource{Path: b.Local.Path}
		pv.Spec.NodeAffinity = &corev1.VolumeNodeAffinity{Required: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
			MatchExpressions: []corev1.NodeSelectorRequirement{{Key: corev1.LabelHostname, Operator: corev1.NodeSelectorOpIn, Values: []string{b.Local.Node}}},
		}}}}
	}
	return pv, details
}

func volumeView(pv *corev1.PersistentVolume) PersistentVolumeView {
	v := PersistentVolumeView{
		Name: pv.Name, AccessModes: modeNames(pv.Spec.AccessModes), StorageClassName: pv.Spec.StorageClassName,
		ReclaimPolicy: string(pv.Spec.PersistentVolumeReclaimPolicy), Phase: string(pv.Status.Phase),
		Labels: pv.Labels, CreatedAt: pv.CreationTimestamp.Time, Source: "other",
	}
	if q, ok := pv.Spec.Capacity[corev1.ResourceStorage]; ok {
		v.Capacity = q.String()
	}
	if r := pv.Spec.ClaimRef; r != nil {
		v.Claim = r.Namespace + "/" + r.Name
	}
	switch s := pv.Spec.PersistentVolumeSource; {
	case s.HostPath != nil:
		v.Source = "hostPath:" + s.HostPath.Path
	case s.Local != nil:
		v.Source = "local:" + s.Local.Path
	case s.CSI != nil:
		v.Source = "csi:" + s.CSI.Driver
	case s.NFS != nil:
		v.Source = "nfs:" + s.NFS.Server + ":" + s.NFS.Path
	}
	return v
}
