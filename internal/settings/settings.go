package settings

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Scope says which commands take a setting.
type Scope int

const (
	// Global settings are taken by every command.
	Global Scope = iota
	// Serve settings are taken by `wheelhouse serve` only.
	Serve
)

// Setting is one configuration knob: its flag, environment variable and
// file key are derived from Name so they always agree.
type Setting struct {
	// Name is the flag name (listen) and, camel-cased, the file key (listen,
	// dataDir); the environment variable is WHEELHOUSE_ plus the upper-snake
	// name (WHEELHOUSE_DATA_DIR).
	Name  string
	Scope Scope
	Usage string
	// Secret settings are read from the environment or file only, never
	// from a flag (flags show up in process listings).
	Secret bool
	// Bool settings take true or false; their bare flag means true.
	Bool bool
	def  func() string
	set  func(c *Config, v string) error
}

// EnvVar is the setting's environment variable.
func (s Setting) EnvVar() string {
	return "WHEELHOUSE_" + strings.ToUpper(strings.ReplaceAll(s.Name, "-", "_"))
}

// FileKey is the setting's key in the YAML configuration file.
func (s Setting) FileKey() string {
	parts := strings.Split(s.Name, "-")
	for i := 1; i < len(parts); i++ {
		if acronyms[parts[i]] {
			parts[i] = strings.ToUpper(parts[i])
		} else {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

// acronyms are written in capitals in file keys (sessionTTL), as Go and
// Kubernetes write them.
var acronyms = map[string]bool{"ttl": true, "id": true, "ca": true}

// Default is the setting's built-in default as text.
func (s Setting) Default() string { return s.def() }

func constant(v string) func() string { return func() string { return v } }

// Settings is the table of every setting, in documentation order.
var Settings = append([]Setting{
	{Name: "listen", Scope: Serve, Usage: "HTTP listen address", def: constant("127.0.0.1:8080"),
		set: func(c *Config, v string) error { c.Listen = v; return nil }},
	{Name: "data-dir", Scope: Global, Usage: "directory for the SQLite database, generated keys and sandbox clusters", def: defaultDataDir,
		set: func(c *Config, v string) error { c.DataDir = v; return nil }},
	{Name: "database", Scope: Global, Usage: "database DSN: sqlite://PATH, postgres://USER:PASS@HOST/DB or mysql://USER:PASS@HOST/DB (default sqlite://DATA-DIR/wheelhouse.db)", def: constant(""),
		set: func(c *Config, v string) error { c.Database = v; return nil }},
	{Name: "secret-key", Scope: Global, Secret: true, Usage: "base64 of the 32-byte key that encrypts stored secrets (default: generated into DATA-DIR/secret.key, mode 0600)", def: constant(""),
		set: func(c *Config, v string) error { c.SecretKey = v; return nil }},
	{Name: "previous-secret-keys", Scope: Global, Secret: true, Usage: "comma-separated older secret keys, still read while secrets are re-encrypted with secret-key at start", def: constant(""),
		set: func(c *Config, v string) error { c.PreviousSecretKeys = splitList(v); return nil }},
	{Name: "tls-cert-file", Scope: Serve, Usage: "PEM certificate (chain) to serve HTTPS with (default: a certificate from a local CA generated into DATA-DIR/tls)", def: constant(""),
		set: func(c *Config, v string) error { c.TLSCertFile = v; return nil }},
	{Name: "tls-key-file", Scope: Serve, Usage: "PEM private key of tls-cert-file", def: constant(""),
		set: func(c *Config, v string) error { c.TLSKeyFile = v; return nil }},
	{Name: "insecure-http", Scope: Serve, Bool: true, Usage: "serve plain HTTP, for a TLS-terminating proxy in front (kubectl sends no credentials over plain HTTP)", def: constant("false"),
		set: func(c *Config, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("%q is not true or false", v)
			}
			c.InsecureHTTP = b
			return nil
		}},
	{Name: "admin-username", Scope: Serve, Usage: "user name of the first admin, created on first start", def: constant("admin"),
		set: func(c *Config, v string) error { c.AdminUsername = v; return nil }},
	{Name: "admin-password", Scope: Serve, Secret: true, Usage: "password of the first admin (default: generated, printed once and written to DATA-DIR/admin-password, mode 0600)", def: constant(""),
		set: func(c *Config, v string) error { c.AdminPassword = v; return nil }},
	{Name: "session-ttl", Scope: Serve, Usage: "lifetime of a login session token", def: constant("12h"),
		set: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil {
				return fmt.Errorf("%q is not a duration such as 12h", v)
			}
			c.SessionTTL = d
			return nil
		}},
	{Name: "max-body-bytes", Scope: Serve, Usage: "largest request body accepted, in bytes", def: constant("4194304"),
		set: func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return fmt.Errorf("%q is not a whole number", v)
			}
			c.MaxBodyBytes = n
			return nil
		}},
	{Name: "apply-max-documents", Scope: Serve, Usage: "most objects one apply request may hold (more is a 413)", def: constant("500"),
		set: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil {
				return fmt.Errorf("%q is not a whole number", v)
			}
			c.ApplyMaxDocuments = n
			return nil
		}},
	{Name: "apply-timeout", Scope: Serve, Usage: "longest an apply request may take, from parsing to its last write (then 504, listing what was applied)", def: constant("2m"),
		set: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil {
				return fmt.Errorf("%q is not a duration such as 2m", v)
			}
			c.ApplyTimeout = d
			return nil
		}},
	{Name: "sandbox-cluster", Scope: Serve, Usage: "register the sandbox cluster of this name (in DATA-DIR/sandbox) as a member cluster at start; `make run` uses local", def: constant(""),
		set: func(c *Config, v string) error { c.SandboxCluster = v; return nil }},
	{Name: "external-url", Scope: Serve, Usage: "the URL at which git forges reach this server (pipeline webhooks); empty means the address it listens on, which a forge on another machine may not reach", def: constant(""),
		set: func(c *Config, v string) error { c.ExternalURL = strings.TrimSuffix(v, "/"); return nil }},
	{Name: "management-cluster", Scope: Serve, Usage: "the member cluster that holds the pipeline resources (devops.wheelhouse.dev) and runs the pipeline controllers; empty means the sandbox cluster of sandbox-cluster", def: constant(""),
		set: func(c *Config, v string) error { c.ManagementCluster = v; return nil }},
	{Name: "tools-dir", Scope: Global, Usage: "directory of the sandbox toolchain built by `make tools` (its bin/ holds kwokctl, kube-apiserver, ...)", def: defaultToolsDir,
		set: func(c *Config, v string) error { c.ToolsDir = v; return nil }},
	{Name: "log-level", Scope: Global, Usage: "debug, info, warn or error", def: constant("info"),
		set: func(c *Config, v string) error { c.LogLevel = v; return nil }},
	{Name: "log-format", Scope: Global, Usage: "text or json", def: constant("text"),
		set: func(c *Config, v string) error { c.LogFormat = v; return nil }},
}, pipelineLogSettings...)

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
