package configcenter

import (
	"maps"
	"slices"

	"github.com/danielgtaylor/huma/v2"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
)

// validateName checks an object name as the API server would.
func validateName(name string) []error {
	return operation.Invalid("body.name", name, validation.IsDNS1123Subdomain(name))
}

// validateKeys checks data keys against the ConfigMap and Secret key rules;
// field is the body field holding them (data, binaryData, stringData), and
// each problem names body.<field>.<key>. Values are never echoed.
func validateKeys[V any](field string, data map[string]V) []error {
	var details []error
	for _, k := range slices.Sorted(maps.Keys(data)) {
		details = append(details, operation.Invalid("body."+field+"."+k, k, validation.IsConfigMapKey(k))...)
	}
	return details
}

// validateDisjoint reports keys of b that a also has: a ConfigMap key lives
// in data or binaryData, not both.
func validateDisjoint[A, B any](field string, a map[string]A, b map[string]B) []error {
	var details []error
	for _, k := range slices.Sorted(maps.Keys(b)) {
		if _, ok := a[k]; ok {
			details = append(details, &huma.ErrorDetail{Location: "body." + field + "." + k, Message: "key is also in data", Value: k})
		}
	}
	return details
}
