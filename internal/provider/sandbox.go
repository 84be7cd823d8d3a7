package provider

import (
	"context"
	"fmt"
	"strconv"

	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox"
)

// MaxSandboxNodes bounds the simulated nodes one sandbox cluster may have.
const MaxSandboxNodes = 5000

// Sandbox creates sandbox clusters: a real control plane with kwok's
// simulated nodes, on the Wheelhouse server's own machine, with its state
// in the server's data directory.
type Sandbox struct {
	Manager *sandbox.Manager
}

// Name implements Provider.
func (*Sandbox) Name() string { return "sandbox" }

// Validate implements Provider: spec "nodes" is the number of simulated
// nodes, 1 to MaxSandboxNodes (default 3).
func (*Sandbox) Validate(spec map[string]string) error {
	_, err := sandboxNodes(spec)
	return err
}

func sandboxNodes(spec map[string]string) (int, error) {
	v, ok := spec["nodes"]
	if !ok {
		return 3, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > MaxSandboxNodes {
		return 0, &FieldError{Field: "nodes", Message: fmt.Sprintf("must be a whole number from 1 to %d", MaxSandboxNodes)}
	}
	return n, nil
}

// Provision implements Provider: it starts (or creates) the sandbox cluster
// and brings it to the wanted node count.
func (p *Sandbox) Provision(ctx context.Context, name string, spec map[string]string, progress func(string)) ([]byte, error) {
	nodes, err := sandboxNodes(spec)
	if err != nil {
		return nil, err
	}
	if err := p.Manager.CheckToolchain(); err != nil {
		return nil, err
	}
	progress(fmt.Sprintf("Starting the control plane and %d simulated nodes", nodes))
	if _, err := p.Manager.Up(ctx, name, nodes); err != nil {
		return nil, fmt.Errorf("start sandbox %q: %w", name, err)
	}
	progress("Control plane and nodes are up")
	kc, err := p.Manager.Kubeconfig(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("kubeconfig of sandbox %q: %w", name, err)
	}
	return kc, nil
}

// Deprovision implements Provider: it deletes the sandbox and its state.
func (p *Sandbox) Deprovision(ctx context.Context, name string, _ map[string]string) error {
	return p.Manager.Down(ctx, name)
}
