package storage

import (
	"errors"
	"slices"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	corev1 "k8s.io/api/core/v1"
)

func locations(errs []error) []string {
	var out []string
	for _, e := range errs {
		var d *huma.ErrorDetail
		if errors.As(e, &d) {
			out = append(out, d.Location)
		}
	}
	return out
}

func TestBuildVolume(t *testing.T) {
	input := func(edit func(*CreatePersistentVolumeInput)) *CreatePersistentVolumeInput {
		in := &CreatePersistentVolumeInput{}
		in.Body.Name, in.Body.Capacity, in.Body.AccessModes, in.Body.ReclaimPolicy = "pv", "1Gi", []string{"ReadWriteOnce"}, "Retain"
		in.Body.Local = &PersistentVolumeLocal{Path: "/mnt/disk", Node: "node-1"}
		if edit != nil {
			edit(in)
		}
		return in
	}
	pv, errs := buildVolume(input(nil))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	terms := pv.Spec.NodeAffinity.Required.NodeSelectorTerms
	if pv.Spec.Local.Path != "/mnt/disk" || terms[0].MatchExpressions[0].Values[0] != "node-1" || pv.Spec.PersistentVolumeReclaimPolicy != corev1.PersistentVolumeReclaimRetain {
		t.Errorf("local volume: %+v", pv.Spec)
	}
	tests := []struct {
		name string
		edit func(*CreatePersistentVolumeInput)
		locs []string
	}{
		{"negative capacity", func(in *CreatePersistentVolumeInput) { in.Body.Capacity = "-1" }, []string{"body.capacity"}},
		{"second mode unknown", func(in *CreatePersistentVolumeInput) { in.Body.AccessModes = []string{"ReadOnlyMany", "rw"} }, []string{"body.accessModes[1]"}},
		{"relative local path", func(in *CreatePersistentVolumeInput) { in.Body.Local.Path = "disk" }, []string{"body.local.path"}},
		{"bad label", func(in *CreatePersistentVolumeInput) { in.Body.Labels = map[string]string{"a": "b c"} }, []string{"body.labels.a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, errs := buildVolume(input(tt.edit)); !slices.Equal(locations(errs), tt.locs) {
				t.Errorf("locations %v, want %v", locations(errs), tt.locs)
			}
		})
	}
}

func TestBuildClaimDefaults(t *testing.T) {
	in := &CreatePersistentVolumeClaimInput{}
	in.Namespace, in.Body.Name, in.Body.Size = "ns", "data", "5Gi"
	pvc, errs := buildClaim(in)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	req := pvc.Spec.Resources.Requests[corev1.ResourceStorage]
	if pvc.Spec.StorageClassName != nil || !slices.Equal(pvc.Spec.AccessModes, []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}) || req.String() != "5Gi" {
		t.Errorf("claim: %+v", pvc.Spec)
	}
}
