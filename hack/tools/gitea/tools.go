//go:build tools

// Package tools pins Gitea, the git forge (API, tokens, OAuth2
// applications, webhooks) that the tests of internal/forge run against,
// built by build.sh into the tools cache. It is its own module: Gitea's
// hundreds of dependencies, and the replace directives they need, stay out
// of the main module and the sandbox toolchain's.
package tools

import (
	_ "code.gitea.io/gitea"
)
