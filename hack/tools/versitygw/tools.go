//go:build tools

// Package tools pins versitygw, an S3-compatible object store built by
// build.sh beside the sandbox toolchain: the S3 log store's tests
// (internal/logstore/s3test) run it as a real S3 server. It is its own
// module, with its own cache key, so its dependencies stay out of the main
// module and changing its pin never rebuilds the Kubernetes toolchain.
package tools

import (
	_ "github.com/versity/versitygw/cmd/versitygw"
)
