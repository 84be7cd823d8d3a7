// Package provider is how a member cluster comes to exist.
//
// An imported cluster already exists: Wheelhouse only checks the
// kubeconfig it is given (ParseKubeconfig) and that the API server answers
// with it (Probe). A Provider creates clusters: the sandbox provider starts
// a real control plane with simulated nodes on the server's own machine;
// cloud providers (TKE, ACK, EKS) plug in behind the same interface.
package provider

import "context"

// Provider creates and destroys clusters.
type Provider interface {
	// Name is the provider's name in cluster records ("sandbox").
	Name() string
	// Validate checks a create request's settings before anything is
	// stored; it returns a *FieldError naming the setting at fault.
	Validate(spec map[string]string) error
	// Provision makes the named cluster exist and returns an admin
	// kubeconfig for it, reporting steps through progress. It must be
	// idempotent: after a server restart it runs again for clusters still
	// provisioning, and at every start for clusters it made.
	Provision(ctx context.Context, name string, spec map[string]string, progress func(step string)) (kubeconfig []byte, err error)
	// Deprovision destroys what Provision made; a cluster that is already
	// gone is not an error.
	Deprovision(ctx context.Context, name string, spec map[string]string) error
}

// FieldError is a bad setting in a request; Field is its JSON path below
// the request body ("kubeconfig", "spec.nodes").
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }
