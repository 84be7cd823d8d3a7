package namespaces

import (
	"fmt"

	"github.com/danielgtaylor/huma/v2"
	"k8s.io/apimachinery/pkg/api/resource"
)

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

func pointers(m map[string]string) map[string]*string {
	out := make(map[string]*string, len(m))
	for k, v := range m {
		out[k] = &v
	}
	return out
}
