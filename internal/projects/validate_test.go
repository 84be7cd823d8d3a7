package projects

import (
	"errors"
	"testing"

	"github.com/wheelhouse-dev/wheelhouse/internal/provider"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name         string
		quota, share map[string]string
		field        string // of the refusal; empty: accepted
	}{
		{name: "no quota"},
		{name: "quota and share", quota: map[string]string{"cpu": "20", "memory": "64Gi"}, share: map[string]string{"cpu": "500m"}},
		{name: "share equal to the quota", quota: map[string]string{"cpu": "2"}, share: map[string]string{"cpu": "2000m"}},
		{name: "not a quantity", quota: map[string]string{"cpu": "lots"}, field: "quota.cpu"},
		{name: "share larger", quota: map[string]string{"cpu": "1"}, share: map[string]string{"cpu": "2"}, field: "namespaceQuota.cpu"},
		{name: "share of nothing", quota: map[string]string{"cpu": "1"}, share: map[string]string{"memory": "1Gi"}, field: "namespaceQuota.memory"},
		// Quantities that held the parser or the comparison for minutes.
		{name: "huge exponent", quota: map[string]string{"cpu": "1e2147483647"}, field: "quota.cpu"},
		{name: "wrapping exponent", quota: map[string]string{"memory": "2E20000000000"}, field: "quota.memory"},
		{name: "tiny fraction", quota: map[string]string{"cpu": "1"}, share: map[string]string{"cpu": "1e-80000000"}, field: "namespaceQuota.cpu"},
		{name: "zero quota, huge share", quota: map[string]string{"cpu": "0"}, share: map[string]string{"cpu": "e088888880"}, field: "namespaceQuota.cpu"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(&store.Project{Name: "p", Quota: tc.quota, NamespaceQuota: tc.share})
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var fe *provider.FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("got %v, want a *provider.FieldError on %s", err, tc.field)
			}
		})
	}
}
