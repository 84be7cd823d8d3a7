//go:build tools

// Package tools pins the helm CLI, built by build.sh beside the sandbox
// toolchain, at the Helm SDK version the main module requires: tests check
// that the CLI and Wheelhouse see the same releases. It is its own module
// (the CLI's extra dependencies stay out of the main module), with its own
// cache key.
package tools

import (
	_ "helm.sh/helm/v4/cmd/helm"
)
