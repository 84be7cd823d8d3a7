package configcenter

import (
	"maps"
	"slices"

	"github.com/danielgtaylor/huma/v2"
	"k8s.io/apimachinery/pkg/util/validation"
)

// invalidInput is the 422 for field errors found before anything is
// written.
func invalidInput(details []error) error {
	return huma.Error422UnprocessableEntity("validation failed", details...)
}

// validateName checks an object name as the API server would.
func validateName(name string) []error {
	return invalid("body.name", name, validation.IsDNS1123Subdomain(name))
}

// validateLabels checks label keys and values (body.labels.<key>).
func validateLabels(labels map[string]string) []error {
	var details []error
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		loc := "body.labels." + k
		details = append(details, invalid(loc, k, validation.IsQualifiedName(k))...)
		details = append(details, invalid(loc, labels[k], validation.IsValidLabelValue(labels[k]))...)
	}
	return details
}

// validateKeys checks data keys against the ConfigMap and Secret key rules;
// field is the body field holding them (data, binaryData, stringData), and
// each problem names body.<field>.<key>. Values are never echoed.
func validateKeys[V any](field string, data map[string]V) []error {
	var details []error
	for _, k := range slices.Sorted(maps.Keys(data)) {
		details = append(details, invalid("body."+field+"."+k, k, validation.IsConfigMapKey(k))...)
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

func invalid(loc, value string, problems []string) []error {
	out := make([]error, 0, len(problems))
	for _, p := range problems {
		out = append(out, &huma.ErrorDetail{Location: loc, Message: p, Value: value})
	}
	return out
}
