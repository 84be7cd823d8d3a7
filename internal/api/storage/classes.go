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
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
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

// StorageClassOutput is one StorageClass.
type StorageClassOutput struct {
	Body StorageClassView
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

func registerClasses(api huma.API, d Deps) {
	perm := func(verb string) auth.Permission {
		return auth.Permission{Verb: verb, Resource: ResourceStorageClasses}
	}
	path := basePath + "/storageclasses"

	operation.CachedList[*storagev1.StorageClass, StorageClassView]{Kind: "storageclasses", ID: "list-storageclasses",
		Summary: "List the StorageClasses of a cluster", Tags: tags, Permission: perm(auth.VerbList),
		Views: operation.Static(classView)}.RegisterClusterWide(api, &d.Kit)

	get := operation.GetOp(path+"/{name}", "get-storageclass", "Get a StorageClass", tags, perm(auth.VerbGet))
	huma.Register(api, get, func(ctx context.Context, in *StorageNameInput) (*StorageClassOutput, error) {
		o, _, err := operation.GetCached[*storagev1.StorageClass](&d.Kit, in.Cluster, "storageclasses", "", in.Name)
		if err != nil {
			return nil, err
		}
		return &StorageClassOutput{Body: classView(o)}, nil
	})

	create := operation.CreateOp(path, "create-storageclass", "Create a StorageClass", tags, perm(auth.VerbCreate))
	huma.Register(api, create, func(ctx context.Context, in *CreateStorageClassInput) (*StorageClassOutput, error) {
		b := in.Body
		details := operation.Invalid("body.name", b.Name, validation.IsDNS1123Subdomain(b.Name))
		details = append(details, operation.Invalid("body.provisioner", b.Provisioner, validation.IsQualifiedName(b.Provisioner))...)
		details = append(details, operation.ValidateLabels("body.labels", b.Labels)...)
		if len(details) > 0 {
			return nil, operation.ValidationFailed(details)
		}
		c, err := d.Cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
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
		sc, err = c.Kube.StorageV1().StorageClasses().Create(ctx, sc, metav1.CreateOptions{})
		if err != nil {
			return nil, operation.ClusterError(err)
		}
		return &StorageClassOutput{Body: classView(sc)}, nil
	})

	del := operation.DeleteOp(path+"/{name}", "delete-storageclass",
		"Delete a StorageClass (existing volumes and claims are kept)", tags, perm(auth.VerbDelete))
	huma.Register(api, del, func(ctx context.Context, in *StorageNameInput) (*struct{}, error) {
		return nil, d.Delete(ctx, in.Cluster, in.Name, metav1.DeleteOptions{},
			func(k kubernetes.Interface) operation.Deleter { return k.StorageV1().StorageClasses() })
	})
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
