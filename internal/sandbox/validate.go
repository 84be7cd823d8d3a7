package sandbox

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"time"
)

// MaxNodes caps the simulated nodes of one cluster.
const MaxNodes = 10000

// ValidationError is a bad argument; Field names it ("name", "nodes").
// Commands exit with status 2 on it.
type ValidationError struct {
	Field  string
	Value  string
	Reason string
}

// Error says which argument is invalid and why.
func (e *ValidationError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("invalid %s: %s", e.Field, e.Reason)
	}
	return fmt.Sprintf("invalid %s %q: %s", e.Field, e.Value, e.Reason)
}

// IsValidationError reports whether err is or wraps a *ValidationError.
func IsValidationError(err error) bool {
	var ve *ValidationError
	return errors.As(err, &ve)
}

var dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// ValidateName checks that name is a DNS label (RFC 1123): at most 63
// lowercase letters, digits and '-', starting and ending with a letter or
// digit. Cluster names become directory names and kubeconfig contexts.
func ValidateName(name string) error {
	switch {
	case name == "":
		return &ValidationError{Field: "name", Reason: "must not be empty"}
	case len(name) > 63:
		return &ValidationError{Field: "name", Value: name, Reason: "must be at most 63 characters"}
	case !dnsLabel.MatchString(name):
		return &ValidationError{Field: "name", Value: name,
			Reason: "must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit"}
	}
	return nil
}

// ValidateNodes checks a simulated node count: 0 to MaxNodes.
func ValidateNodes(nodes int) error {
	if nodes < 0 || nodes > MaxNodes {
		return &ValidationError{Field: "nodes", Value: fmt.Sprint(nodes), Reason: fmt.Sprintf("must be between 0 and %d", MaxNodes)}
	}
	return nil
}

// DefaultToolsDir is the toolchain directory used when none is configured,
// following the same rules as the tools-dir setting of internal/config:
// $WHEELHOUSE_TOOLS_DIR, else $WHEELHOUSE_TOOLS_CACHE/current, else
// ${XDG_CACHE_HOME:-~/.cache}/wheelhouse/tools/current.
func DefaultToolsDir() string {
	if d := os.Getenv("WHEELHOUSE_TOOLS_DIR"); d != "" {
		return d
	}
	if d := os.Getenv("WHEELHOUSE_TOOLS_CACHE"); d != "" {
		return filepath.Join(d, "current")
	}
	base := os.Getenv("XDG_CACHE_HOME")
	if base == "" {
		if h, err := os.UserHomeDir(); err == nil {
			base = filepath.Join(h, ".cache")
		}
	}
	return filepath.Join(base, "wheelhouse", "tools", "current")
}

// newRand returns a generator for port choice, seeded per call so that
// concurrent processes draw different ports.
func newRand() *rand.Rand {
	return rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(os.Getpid())))
}
