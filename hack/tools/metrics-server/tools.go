//go:build tools

// Package tools pins metrics-server, built by build.sh beside the sandbox
// toolchain: sandbox clusters that emulate resource usage run it so that
// metrics.k8s.io answers. It is its own module, with its own cache key, so
// changing its pin never rebuilds the Kubernetes toolchain and the reverse.
package tools

import (
	_ "sigs.k8s.io/metrics-server/cmd/metrics-server"
)
