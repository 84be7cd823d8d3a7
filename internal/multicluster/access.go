package multicluster

import (
	"fmt"

	"k8s.io/client-go/tools/cache"
)

// Access is what the stored credentials of a cluster let Wheelhouse do on
// behalf of its users.
type Access struct {
	// Checked is false until the credentials were checked on this
	// connection; until then nothing is assumed.
	Checked bool
	// Impersonate: the credentials may impersonate users and groups and
	// keep the RBAC that gives Wheelhouse's roles their meaning in the
	// cluster, so requests can be made as the user and the cluster's own
	// authorization applies on top of Wheelhouse's.
	Impersonate bool
	// Reason says why not, when Impersonate is false.
	Reason string
}

// Access returns what the connection's credentials allow, as last checked.
func (c *Cluster) Access() Access {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.access
}

// SetAccess records what the connection's credentials allow (the component
// that keeps the cluster's RBAC checks them).
func (c *Cluster) SetAccess(a Access) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.access = a
}

// AddEventHandler tells h of every change to the cached objects of kind,
// starting with the ones cached now. Components use it to react to
// changes instead of polling; remove the handler with RemoveEventHandler
// when done.
func (c *Cluster) AddEventHandler(kind string, h cache.ResourceEventHandler) (cache.ResourceEventHandlerRegistration, error) {
	inf, _, err := c.informer(kind)
	if err != nil {
		return nil, err
	}
	reg, err := inf.AddEventHandler(h)
	if err != nil {
		return nil, fmt.Errorf("watch %s of cluster %q: %w", kind, c.name, err)
	}
	return reg, nil
}

// RemoveEventHandler stops telling a handler of kind's changes.
func (c *Cluster) RemoveEventHandler(kind string, reg cache.ResourceEventHandlerRegistration) error {
	inf, _, err := c.informer(kind)
	if err != nil {
		return err
	}
	return inf.RemoveEventHandler(reg)
}
