package settings

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

func flags(t *testing.T, args ...string) *pflag.FlagSet {
	t.Helper()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	AddFlags(fs, Global, Serve)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parse %v: %v", args, err)
	}
	return fs
}

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func writeFile(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "wheelhouse.yaml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPrecedence(t *testing.T) {
	file := writeFile(t, "listen: 127.0.0.1:7000\ndataDir: /from/file\nlogLevel: warn\nsessionTTL: 2h\n")
	tests := []struct {
		name   string
		args   []string
		env    map[string]string
		listen string
		data   string
		level  string
		ttl    time.Duration
	}{
		{name: "defaults", listen: "127.0.0.1:8080", level: "info", ttl: 12 * time.Hour},
		{name: "file over default", env: map[string]string{"WHEELHOUSE_CONFIG": file},
			listen: "127.0.0.1:7000", data: "/from/file", level: "warn", ttl: 2 * time.Hour},
		{name: "env over file", env: map[string]string{"WHEELHOUSE_CONFIG": file, "WHEELHOUSE_LISTEN": "127.0.0.1:7100", "WHEELHOUSE_DATA_DIR": "/from/env"},
			listen: "127.0.0.1:7100", data: "/from/env", level: "warn", ttl: 2 * time.Hour},
		{name: "flag over env", args: []string{"--config", file, "--listen", "127.0.0.1:7200", "--log-level", "debug"},
			env:    map[string]string{"WHEELHOUSE_LISTEN": "127.0.0.1:7100"},
			listen: "127.0.0.1:7200", data: "/from/file", level: "debug", ttl: 2 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(flags(t, tt.args...), env(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if c.Listen != tt.listen || c.LogLevel != tt.level || c.SessionTTL != tt.ttl {
				t.Errorf("got listen=%s level=%s ttl=%s, want %s %s %s", c.Listen, c.LogLevel, c.SessionTTL, tt.listen, tt.level, tt.ttl)
			}
			if tt.data != "" && c.DataDir != tt.data {
				t.Errorf("data dir %q, want %q", c.DataDir, tt.data)
			}
		})
	}
}

func TestDatabaseDefaultsUnderDataDir(t *testing.T) {
	c, err := Load(flags(t, "--data-dir", "/srv/wh"), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.DatabaseDSN(); got != "sqlite:///srv/wh/wheelhouse.db" {
		t.Errorf("DSN %q", got)
	}
}

func TestInvalidSettingsNameTheSetting(t *testing.T) {
	key := base64.StdEncoding.EncodeToString(make([]byte, 32))
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		file    string
		setting string
	}{
		{name: "listen", args: []string{"--listen", "nope"}, setting: "listen"},
		{name: "database scheme", args: []string{"--database", "oracle://x"}, setting: "database"},
		{name: "database no scheme", env: map[string]string{"WHEELHOUSE_DATABASE": "/tmp/x.db"}, setting: "database"},
		{name: "short key", env: map[string]string{"WHEELHOUSE_SECRET_KEY": base64.StdEncoding.EncodeToString(make([]byte, 16))}, setting: "secret-key"},
		{name: "bad base64 key", env: map[string]string{"WHEELHOUSE_SECRET_KEY": "!!!"}, setting: "secret-key"},
		{name: "previous key", env: map[string]string{"WHEELHOUSE_SECRET_KEY": key, "WHEELHOUSE_PREVIOUS_SECRET_KEYS": key + ",zz"}, setting: "previous-secret-keys"},
		{name: "ttl", env: map[string]string{"WHEELHOUSE_SESSION_TTL": "soon"}, setting: "session-ttl"},
		{name: "ttl too short", args: []string{"--session-ttl", "1s"}, setting: "session-ttl"},
		{name: "body", args: []string{"--max-body-bytes", "lots"}, setting: "max-body-bytes"},
		{name: "apply documents", args: []string{"--apply-max-documents", "0"}, setting: "apply-max-documents"},
		{name: "apply documents not a number", env: map[string]string{"WHEELHOUSE_APPLY_MAX_DOCUMENTS": "many"}, setting: "apply-max-documents"},
		{name: "apply timeout", file: "applyTimeout: 10ms\n", setting: "apply-timeout"},
		{name: "level", args: []string{"--log-level", "loud"}, setting: "log-level"},
		{name: "format", env: map[string]string{"WHEELHOUSE_LOG_FORMAT": "xml"}, setting: "log-format"},
		{name: "admin password", env: map[string]string{"WHEELHOUSE_ADMIN_PASSWORD": "short"}, setting: "admin-password"},
		{name: "unknown file key", file: "listenn: 127.0.0.1:1\n", setting: "config"},
		{name: "bad file value", file: "sessionTTL: forever\n", setting: "session-ttl"},
		{name: "missing file", env: map[string]string{"WHEELHOUSE_CONFIG": "/does/not/exist.yaml"}, setting: "config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := map[string]string{}
			for k, v := range tt.env {
				e[k] = v
			}
			if tt.file != "" {
				e["WHEELHOUSE_CONFIG"] = writeFile(t, tt.file)
			}
			_, err := Load(flags(t, tt.args...), env(e))
			var ce *Error
			if !asError(err, &ce) {
				t.Fatalf("want *Error, got %v", err)
			}
			if ce.Setting != tt.setting {
				t.Errorf("error names %q, want %q (%v)", ce.Setting, tt.setting, err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

func asError(err error, target **Error) bool {
	if err == nil {
		return false
	}
	e, ok := err.(*Error)
	if ok {
		*target = e
	}
	return ok && IsError(err)
}

func TestSecretsHaveNoFlags(t *testing.T) {
	fs := flags(t)
	for _, name := range []string{"secret-key", "admin-password", "previous-secret-keys"} {
		if fs.Lookup(name) != nil {
			t.Errorf("secret setting %s must not be a flag (flags show in process listings)", name)
		}
	}
}

func TestFileListValue(t *testing.T) {
	a := base64.StdEncoding.EncodeToString(make([]byte, 32))
	b := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("k", 32)))
	file := writeFile(t, "previousSecretKeys:\n  - "+a+"\n  - "+b+"\nmaxBodyBytes: 2048\n")
	c, err := Load(flags(t, "--config", file), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.PreviousSecretKeys) != 2 || c.MaxBodyBytes != 2048 {
		t.Errorf("got %v, %d", c.PreviousSecretKeys, c.MaxBodyBytes)
	}
}

func TestBoolFlag(t *testing.T) {
	c, err := Load(flags(t, "--insecure-http"), env(nil))
	if err != nil || !c.InsecureHTTP {
		t.Fatalf("bare bool flag: %v %v", c.InsecureHTTP, err)
	}
	c, err = Load(flags(t), env(map[string]string{"WHEELHOUSE_INSECURE_HTTP": "false"}))
	if err != nil || c.InsecureHTTP {
		t.Fatalf("env false: %v %v", c.InsecureHTTP, err)
	}
	if _, err := Load(flags(t, "--insecure-http=maybe"), env(nil)); !IsError(err) {
		t.Errorf("bad bool: %v", err)
	}
}
