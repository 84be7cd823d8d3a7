package namespaces

import (
	"errors"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/wheelhouse-dev/wheelhouse/internal/quantity"
)

// validateMeta checks label and annotation keys and label values as the
// API server would, so that the problem names the key at fault
// (body.labels.<key>). A nil value (a removal) is not checked.
func validateMeta(labels, annotations map[string]*string) []error {
	var details []error
	for k, v := range labels {
		loc := "body.labels." + k
		details = append(details, invalid(loc, k, validation.IsQualifiedName(k))...)
		if v != nil {
			details = append(details, invalid(loc, *v, validation.IsValidLabelValue(*v))...)
		}
	}
	for k := range annotations {
		details = append(details, invalid("body.annotations."+k, k, validation.IsQualifiedName(strings.ToLower(k)))...)
	}
	return details
}

// parseQuantities reads every value of m as a quantity, bounded (see
// internal/quantity); loc is the map's location (body.hard), and each
// problem names its key. The list is nil for an empty map.
func parseQuantities(loc string, m map[string]string) (corev1.ResourceList, []error) {
	if len(m) == 0 {
		return nil, nil
	}
	var details []error
	out := make(corev1.ResourceList, len(m))
	for k, v := range m {
		q, err := quantity.Parse(loc+"."+k, v)
		var qe *quantity.Error
		if errors.As(err, &qe) {
			details = append(details, &huma.ErrorDetail{Location: qe.Field, Message: qe.Message()})
			continue
		}
		out[corev1.ResourceName(k)] = q
	}
	return out, details
}

func invalid(loc, value string, problems []string) []error {
	out := make([]error, 0, len(problems))
	for _, p := range problems {
		out = append(out, &huma.ErrorDetail{Location: loc, Message: p, Value: value})
	}
	return out
}

func pointers(m map[string]string) map[string]*string {
	out := make(map[string]*string, len(m))
	for k, v := range m {
		out[k] = &v
	}
	return out
}
