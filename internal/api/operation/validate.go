package operation

import (
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"k8s.io/apimachinery/pkg/util/validation"
)

// ValidationFailed is the 422 for the field problems a handler found
// before writing anything.
func ValidationFailed(details []error) error {
	return huma.Error422UnprocessableEntity("validation failed", details...)
}

// Invalid turns the problems Kubernetes' validation found in value into
// error details at loc ("body.labels.app"). Callers pass names, keys and
// other plain values only: a secret value is never echoed.
func Invalid(loc, value string, problems []string) []error {
	out := make([]error, 0, len(problems))
	for _, p := range problems {
		out = append(out, &huma.ErrorDetail{Location: loc, Message: p, Value: value})
	}
	return out
}

// ValidateLabels checks label keys and values as the API server would, so
// that each problem names its key (loc.<key>, loc being "body.labels").
func ValidateLabels(loc string, labels map[string]string) []error {
	var details []error
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		details = append(details, Invalid(loc+"."+k, k, validation.IsQualifiedName(k))...)
		details = append(details, Invalid(loc+"."+k, labels[k], validation.IsValidLabelValue(labels[k]))...)
	}
	return details
}

// ValidateLabelEdits checks a merge of labels and annotations where a nil
// value removes the key: keys always, label values when set.
func ValidateLabelEdits(labels, annotations map[string]*string) []error {
	var details []error
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		loc := "body.labels." + k
		details = append(details, Invalid(loc, k, validation.IsQualifiedName(k))...)
		if v := labels[k]; v != nil {
			details = append(details, Invalid(loc, *v, validation.IsValidLabelValue(*v))...)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(annotations)) {
		details = append(details, Invalid("body.annotations."+k, k, validation.IsQualifiedName(strings.ToLower(k)))...)
	}
	return details
}

// secretName matches the field names whose values are secrets wherever
// they appear (body.password, body.newPassword, body.kubeconfig,
// body.token, header.Authorization, a chart's admin.password).
var secretName = regexp.MustCompile(`(?i)password|token|secret|kubeconfig|private.?key|client.?key|authorization`)

// IsSecretName reports whether a field of this name holds a secret: its
// value is never echoed in an error nor shown in a response.
func IsSecretName(name string) bool { return secretName.MatchString(name) }

// MetadataMerge is the metadata part of a JSON merge patch that merges
// labels and annotations into an object's (a nil value removes the key),
// as ValidateLabelEdits checks them; empty when both are.
func MetadataMerge(labels, annotations map[string]*string) map[string]any {
	meta := map[string]any{}
	if len(labels) > 0 {
		meta["labels"] = labels
	}
	if len(annotations) > 0 {
		meta["annotations"] = annotations
	}
	return meta
}
