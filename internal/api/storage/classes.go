package storage

import (
	"context"
	"time"

	"github.com/danielgtaylor/huma/v2"
	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/kubernetes"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
)

// defaultClassAnnotation marks the class claims without one get.
const defaultClassAnnotation = "storageclass.kubernetes.io/is-default-class"

// StorageClassView is a StorageClass as the API shows it.
type StorageClassView struct {
	Name                 string            `json:"name"`
	Provisioner          string            `json:"provisioner"`
	Parameters           map[string]string `json:"parameters,omitempty"`
	ReclaimPolicy        string            `json:"reclaimPolicy"`
	VolumeBindingMode    string            `json:"volumeBindingMode"`
	AllowVolumeExpansion bool              `json:"allowVolumeExpansion"`
	Default              bool              `json:"default" doc:"Claims without a class get this one"`
	Labels               map[string]string `json:"labels,omitempty"`
	CreatedAt            time.Time         `json:"createdAt"`
}

// CreateStorageClassInput creates a StorageClass.
type CreateStorageClassInput struct {
	operation.ClusterParam
	Body struct {
		Name                 string            `json:"name" maxLength:"253" doc:"A DNS subdomain name"`
		Labels               map[string]string `json:"labels,omitempty"`
		Provisioner          string            `json:"provisioner" minLength:"1" maxLength:"317" doc:"The CSI driver or provisioner name, e.g. ebs.csi.aws.com"`
		Parameters           map[string]string `json:"parameters,omitempty" doc:"Provisioner-specific parameters"`
		ReclaimPolicy        string            `json:"reclaimPolicy,omitempty" enum:"Delete,Retain" default:"Delete"`
		VolumeBindingMode    string            `json:"volumeBindingMode,omitempty" enum:"Immediate,WaitForFirstConsumer" default:"Immediate"`
		AllowVolumeExpansion bool              `json:"allowVolumeExpansion,omitempty" doc:"Whether claims of this class may be expanded"`
		Default              bool              `json:"default,omitempty" doc:"Make this the cluster's default class"`
	}
}

// classes are the StorageClass endpoints.
var classes = operation.TypedKind[*storagev1.StorageClass, StorageClassView]{Kind: "storageclasses", Singular: "storageclass",
	Tags: tags, Resource: ResourceStorageClasses, View: classView,
	Client: func(k kubernetes.Interface, _ string) operation.TypedClient[*storagev1.StorageClass] {
		return k.StorageV1().StorageClasses()
	}}

func registerClasses(api huma.API, d Deps) {
	classes.RegisterList(api, &d.Kit, "List the StorageClasses of a cluster")
	classes.RegisterGet(api, &d.Kit, "Get a StorageClass")

	huma.Register(api, classes.CreateOp("Create a StorageClass"),
		func(ctx context.Context, in *CreateStorageClassInput) (*operation.ObjectOutput[StorageClassView], error) {
			b := in.Body
			details := operation.Invalid("body.name", b.Name, validation.IsDNS1123Subdomain(b.Name))
			details = append(details, operation.Invalid("body.provisioner", b.Provisioner, validation.IsQualifiedName(b.Provisioner))...)
			details = append(details, operation.ValidateLabels("body.labels", b.Labels)...)
			reclaim := corev1.PersistentVolumeReclaimPolicy(b.ReclaimPolicy)
			binding := storagev1.VolumeBindingMode(b.VolumeBindingMode)
			sc := &storagev1.StorageClass{
				ObjectMeta:           metav1.ObjectMeta{Name: b.Name, Labels: b.Labels},
				Provisioner:          b.Provisioner,
				Parameters:           b.Parameters,
				ReclaimPolicy:        &reclaim,
				VolumeBindingMode:    &binding,
				AllowVolumeExpansion: &b.AllowVolumeExpansion,
			}
			if b.Default {
				sc.Annotations = map[string]string{defaultClassAnnotation: "true"}
			}
			return classes.Create(ctx, &d.Kit, in.Cluster, sc, details)
		})

	classes.RegisterDelete(api, &d.Kit, "Delete a StorageClass (existing volumes and claims are kept)")
}

func classView(sc *storagev1.StorageClass) StorageClassView {
	v := StorageClassView{
		Name: sc.Name, Provisioner: sc.Provisioner, Parameters: sc.Parameters, Labels: sc.Labels,
		ReclaimPolicy: string(corev1.PersistentVolumeReclaimDelete), VolumeBindingMode: string(storagev1.VolumeBindingImmediate),
		Default: sc.Annotations[defaultClassAnnotation] == "true", CreatedAt: sc.CreationTimestamp.Time,
	}
	if sc.ReclaimPolicy != nil {
		v.ReclaimPolicy = string(*sc.ReclaimPolicy)
	}
	if sc.VolumeBindingMode != nil {
		v.VolumeBindingMode = string(*sc.VolumeBindingMode)
	}
	if sc.AllowVolumeExpansion != nil {
		v.AllowVolumeExpansion = *sc.AllowVolumeExpansion
	}
	return v
}
