// Package network serves the Services and Ingresses of member clusters
// under /api/v1/clusters/{cluster}/namespaces/{namespace}: lists and
// details read from the cluster's caches (a Service's detail shows the pods
// its selector picks and its EndpointSlices, read live), create, replace
// with optimistic concurrency (a stale resourceVersion is a 409), and
// delete. Writes go to the cluster's API server.
package network

import (
	"fmt"
	"strconv"

	"github.com/danielgtaylor/huma/v2"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
)

// Permission resources of the network operations.
const (
	ResourceServices  = "services"
	ResourceIngresses = "ingresses"
)

// Deps are what the network endpoints need.
type Deps struct {
	operation.Kit
}

// Register adds the Service and Ingress endpoints to api.
func Register(api huma.API, d Deps) {
	registerServices(api, d)
	registerIngresses(api, d)
}

// portRef parses a port given as a number (1-65535) or an IANA port
// name, as targetPort and backend ports are.
func portRef(loc, v string) (intstr.IntOrString, []error) {
	if n, err := strconv.Atoi(v); err == nil {
		if n < 1 || n > 65535 {
			return intstr.IntOrString{}, []error{&huma.ErrorDetail{Location: loc, Message: "must be between 1 and 65535", Value: v}}
		}
		return intstr.FromInt32(int32(n)), nil
	}
	return intstr.FromString(v), operation.Invalid(loc, v, validation.IsValidPortName(v))
}

// idx is the location of the i-th item of the list at loc.
func idx(loc string, i int) string { return fmt.Sprintf("%s[%d]", loc, i) }

func itoa(i int) string { return strconv.Itoa(i) }
