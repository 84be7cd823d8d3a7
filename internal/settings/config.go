// Package settings loads Wheelhouse's settings from flags, WHEELHOUSE_*
// environment variables and an optional YAML file, in that order of
// precedence, over built-in defaults.
//
// Every setting is declared once in the table in settings.go, so its flag,
// environment variable, file key, default and documentation cannot drift
// apart; the README's configuration reference is generated from the same
// table by `wheelhouse config reference`.
package settings

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Config is the resolved configuration of one Wheelhouse process.
type Config struct {
	// ConfigFile is the YAML file the other settings were read from, if any.
	ConfigFile string
	// Listen is the HTTP listen address of the server.
	Listen string
	// TLSCertFile and TLSKeyFile are the operator's serving certificate;
	// empty means a generated one.
	TLSCertFile string
	TLSKeyFile  string
	// InsecureHTTP serves plain HTTP.
	InsecureHTTP bool
	// DataDir holds the SQLite database, generated keys and sandbox state.
	DataDir string
	// Database is the DSN: sqlite://PATH, postgres://... or mysql://...
	Database string
	// SecretKey is the base64 of the 32-byte key that encrypts stored
	// secrets; empty means "generate or read <data-dir>/secret.key".
	SecretKey string
	// PreviousSecretKeys are older keys, still accepted for decryption while
	// stored secrets are re-encrypted with SecretKey.
	PreviousSecretKeys []string
	// AdminUsername is the first admin's user name.
	AdminUsername string
	// AdminPassword is the first admin's password; empty means generate one.
	AdminPassword string
	// SessionTTL is how long a login token lives.
	SessionTTL time.Duration
	// MaxBodyBytes caps request bodies.
	MaxBodyBytes int64
	// ApplyMaxDocuments caps the objects of one apply request.
	ApplyMaxDocuments int
	// ApplyTimeout bounds one apply request.
	ApplyTimeout time.Duration
	// SandboxCluster names a sandbox cluster to register at start.
	SandboxCluster string
	// ExternalURL is where forges reach the server; see the setting.
	ExternalURL string
	// ManagementCluster names the member cluster of the pipeline
	// resources and controllers; see Management.
	ManagementCluster string
	// ToolsDir holds the sandbox toolchain built by `make tools`.
	ToolsDir string
	// LogLevel is debug, info, warn or error.
	LogLevel string
	// LogFormat is text or json.
	LogFormat string
	// PipelineLogs are the settings of the pipeline log store.
	PipelineLogs PipelineLogs
}

// Error is a configuration error that names the setting at fault. Commands
// exit with status 2 on it.
type Error struct {
	Setting string
	Reason  string
}

func (e *Error) Error() string { return fmt.Sprintf("invalid setting %s: %s", e.Setting, e.Reason) }

// IsError reports whether err is a configuration error.
func IsError(err error) bool {
	var ce *Error
	return errors.As(err, &ce)
}

// DatabaseDSN returns the database DSN, defaulting to SQLite in the data dir.
func (c *Config) DatabaseDSN() string {
	if c.Database != "" {
		return c.Database
	}
	return "sqlite://" + filepath.Join(c.DataDir, "wheelhouse.db")
}

// SandboxDir is where sandbox clusters keep their state.
func (c *Config) SandboxDir() string { return filepath.Join(c.DataDir, "sandbox") }

// Management is the management cluster: ManagementCluster, or the sandbox
// cluster when none is named.
func (c *Config) Management() string {
	if c.ManagementCluster != "" {
		return c.ManagementCluster
	}
	return c.SandboxCluster
}

// PipelinesDir holds the pipelines' workspaces, build caches, repository
// mirrors and (with the filesystem log store) logs.
func (c *Config) PipelinesDir() string { return filepath.Join(c.DataDir, "pipelines") }

// Validate checks every setting and returns an *Error naming the first bad one.
func (c *Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return &Error{Setting: "listen", Reason: fmt.Sprintf("%q is not host:port", c.Listen)}
	}
	if (c.TLSCertFile == "") != (c.TLSKeyFile == "") {
		return &Error{Setting: "tls-cert-file", Reason: "tls-cert-file and tls-key-file go together"}
	}
	if c.InsecureHTTP && c.TLSCertFile != "" {
		return &Error{Setting: "insecure-http", Reason: "cannot be combined with tls-cert-file"}
	}
	if c.DataDir == "" {
		return &Error{Setting: "data-dir", Reason: "must not be empty"}
	}
	if c.Database != "" {
		scheme, _, ok := strings.Cut(c.Database, "://")
		switch {
		case !ok:
			return &Error{Setting: "database", Reason: "must be sqlite://PATH, postgres://... or mysql://..."}
		case scheme != "sqlite" && scheme != "postgres" && scheme != "postgresql" && scheme != "mysql":
			return &Error{Setting: "database", Reason: fmt.Sprintf("unsupported scheme %q (want sqlite, postgres or mysql)", scheme)}
		}
	}
	if c.SecretKey != "" {
		if err := checkKey(c.SecretKey); err != nil {
			return &Error{Setting: "secret-key", Reason: err.Error()}
		}
	}
	for i, k := range c.PreviousSecretKeys {
		if err := checkKey(k); err != nil {
			return &Error{Setting: "previous-secret-keys", Reason: fmt.Sprintf("key %d: %v", i+1, err)}
		}
	}
	if c.AdminUsername == "" {
		return &Error{Setting: "admin-username", Reason: "must not be empty"}
	}
	if c.AdminPassword != "" && len(c.AdminPassword) < 8 {
		return &Error{Setting: "admin-password", Reason: "must be at least 8 characters"}
	}
	if c.SessionTTL < time.Minute {
		return &Error{Setting: "session-ttl", Reason: "must be at least 1m"}
	}
	if c.MaxBodyBytes < 1024 {
		return &Error{Setting: "max-body-bytes", Reason: "must be at least 1024"}
	}
	if c.ApplyMaxDocuments < 1 {
		return &Error{Setting: "apply-max-documents", Reason: "must be at least 1"}
	}
	if c.ApplyTimeout < time.Second {
		return &Error{Setting: "apply-timeout", Reason: "must be at least 1s"}
	}
	if c.ExternalURL != "" {
		if u, err := url.Parse(c.ExternalURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return &Error{Setting: "external-url", Reason: fmt.Sprintf("%q is not an http(s) URL", c.ExternalURL)}
		}
	}
	if c.ManagementCluster != "" && !dnsLabel.MatchString(c.ManagementCluster) {
		return &Error{Setting: "management-cluster", Reason: fmt.Sprintf("%q is not a DNS label", c.ManagementCluster)}
	}
	if c.SandboxCluster != "" && !dnsLabel.MatchString(c.SandboxCluster) {
		return &Error{Setting: "sandbox-cluster", Reason: fmt.Sprintf("%q is not a DNS label", c.SandboxCluster)}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return &Error{Setting: "log-level", Reason: fmt.Sprintf("%q is not one of debug, info, warn, error", c.LogLevel)}
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		return &Error{Setting: "log-format", Reason: fmt.Sprintf("%q is not one of text, json", c.LogFormat)}
	}
	return c.validatePipelineLogs()
}

var dnsLabel = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

func checkKey(s string) error {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return errors.New("not valid base64")
	}
	if len(b) != 32 {
		return fmt.Errorf("decodes to %d bytes, want 32", len(b))
	}
	return nil
}

func defaultDataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "wheelhouse")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".local", "share", "wheelhouse")
	}
	return ".wheelhouse"
}

func defaultToolsDir() string {
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
