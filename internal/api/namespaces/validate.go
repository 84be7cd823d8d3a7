package namespaces

import (
	"errors"

	"github.com/danielgtaylor/huma/v2"
	corev1 "k8s.io/api/core/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/quantity"
)

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

func pointers(m map[string]string) map[string]*string {
	out := make(map[string]*string, len(m))
	for k, v := range m {
		out[k] = &v
	}
	return out
}
