// Package storage serves the storage of member clusters under
// /api/v1/clusters/{cluster}: StorageClasses and PersistentVolumes (list,
// get, create, delete), the CSIDrivers a cluster has, and the
// PersistentVolumeClaims of a namespace (list, get with the pods that mount
// the claim, create, delete, expand). Lists and details are read from the
// cluster's caches, CSIDrivers live; writes go to the cluster's API server.
package storage

import (
	"errors"
	"fmt"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/quantity"
)

// Permission resources of the storage operations.
const (
	ResourceStorageClasses         = "storageclasses"
	ResourcePersistentVolumes      = "persistentvolumes"
	ResourcePersistentVolumeClaims = "persistentvolumeclaims"
	ResourceCSIDrivers             = "csidrivers"
)

const basePath = "/api/v1/clusters/{cluster}"

var tags = []string{"Storage"}

// Deps are what the storage endpoints need.
type Deps struct {
	operation.Kit
}

// Register adds the StorageClass, PersistentVolume, CSIDriver and
// PersistentVolumeClaim endpoints to api.
func Register(api huma.API, d Deps) {
	registerClasses(api, d)
	registerVolumes(api, d)
	registerCSIDrivers(api, d)
	registerClaims(api, d)
}

// accessModeNames are the access modes a volume or claim may have.
var accessModeNames = []corev1.PersistentVolumeAccessMode{
	corev1.ReadWriteOnce, corev1.ReadOnlyMany, corev1.ReadWriteMany, corev1.ReadWriteOncePod,
}

// accessModes converts modes, reporting unknown ones at loc[i].
func accessModes(loc string, modes []string) ([]corev1.PersistentVolumeAccessMode, []error) {
	var out []corev1.PersistentVolumeAccessMode
	var details []error
	for i, m := range modes {
		am := corev1.PersistentVolumeAccessMode(m)
		found := false
		for _, known := range accessModeNames {
			found = found || known == am
		}
		if !found {
			details = append(details, &huma.ErrorDetail{Location: fmt.Sprintf("%s[%d]", loc, i),
				Message: "not one of ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod", Value: m})
			continue
		}
		out = append(out, am)
	}
	return out, details
}

// storageSize parses a storage size, which must be positive.
func storageSize(loc, v string) (resource.Quantity, []error) {
	q, err := quantity.Parse(loc, v)
	var qe *quantity.Error
	if errors.As(err, &qe) {
		return q, []error{&huma.ErrorDetail{Location: loc, Message: qe.Message()}}
	}
	if q.Sign() <= 0 {
		return q, []error{&huma.ErrorDetail{Location: loc, Message: "must be larger than zero", Value: v}}
	}
	return q, nil
}

func modeNames(modes []corev1.PersistentVolumeAccessMode) []string {
	out := make([]string, 0, len(modes))
	for _, m := range modes {
		out = append(out, string(m))
	}
	return out
}

func absolutePath(loc, p string) []error {
	if !strings.HasPrefix(p, "/") {
		return []error{&huma.ErrorDetail{Location: loc, Message: "must be an absolute path", Value: p}}
	}
	return nil
}
