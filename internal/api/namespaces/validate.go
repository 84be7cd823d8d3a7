package namespaces

import (
	"fmt"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"
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

// validateQuantities checks that every value of m parses as a Kubernetes
// quantity; loc is the map's location (body.hard).
func validateQuantities(loc string, m map[string]string) []error {
	var details []error
	for k, v := range m {
		if _, err := resource.ParseQuantity(v); err != nil {
			details = append(details, &huma.ErrorDetail{Location: loc + "." + k,
				Message: fmt.Sprintf("%q is not a quantity (examples: 500m, 2, 1Gi, 10)", v), Value: v})
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

func pointers(m map[string]string) map[string]*string {
	out := make(map[string]*string, len(m))
	for k, v := range m {
		out[k] = &v
	}
	return out
}
