package settings

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"

	"github.com/spf13/pflag"
	"sigs.k8s.io/yaml"
)

// ConfigFlag is the flag (and WHEELHOUSE_CONFIG the variable) naming the
// optional YAML configuration file.
const ConfigFlag = "config"

// AddFlags registers the flags of the settings in the given scopes, plus
// --config, on fs. Secret settings get no flag.
func AddFlags(fs *pflag.FlagSet, scopes ...Scope) {
	fs.String(ConfigFlag, "", "YAML configuration file (env WHEELHOUSE_CONFIG)")
	for _, s := range Settings {
		if s.Secret || !slices.Contains(scopes, s.Scope) {
			continue
		}
		fs.String(s.Name, "", fmt.Sprintf("%s (env %s, default %q)", s.Usage, s.EnvVar(), s.def()))
		if s.Bool {
			fs.Lookup(s.Name).NoOptDefVal = "true"
		}
	}
}

// Load resolves every setting: a flag the user set wins over the
// environment, which wins over the file, which wins over the default. It
// validates the result and returns an *Error naming the first bad setting.
func Load(fs *pflag.FlagSet, getenv func(string) string) (*Config, error) {
	c := &Config{}
	for _, s := range Settings {
		if err := s.set(c, s.def()); err != nil {
			return nil, fmt.Errorf("default of %s: %w", s.Name, err)
		}
	}

	file := getenv("WHEELHOUSE_CONFIG")
	if f := fs.Lookup(ConfigFlag); f != nil && f.Changed {
		file = f.Value.String()
	}
	if file != "" {
		if err := loadFile(c, file); err != nil {
			return nil, err
		}
		c.ConfigFile = file
	}

	for _, s := range Settings {
		if v, ok := lookup(getenv, s.EnvVar()); ok {
			if err := s.set(c, v); err != nil {
				return nil, &Error{Setting: s.Name, Reason: fmt.Sprintf("%s: %v", s.EnvVar(), err)}
			}
		}
		if f := fs.Lookup(s.Name); f != nil && f.Changed {
			if err := s.set(c, f.Value.String()); err != nil {
				return nil, &Error{Setting: s.Name, Reason: fmt.Sprintf("--%s: %v", s.Name, err)}
			}
		}
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

func lookup(getenv func(string) string, name string) (string, bool) {
	v := getenv(name)
	return v, v != ""
}

func loadFile(c *Config, path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return &Error{Setting: "config", Reason: fmt.Sprintf("file %s does not exist", path)}
		}
		return &Error{Setting: "config", Reason: err.Error()}
	}
	var values map[string]any
	if err := yaml.Unmarshal(raw, &values); err != nil {
		return &Error{Setting: "config", Reason: fmt.Sprintf("%s: %v", path, err)}
	}
	for key, v := range values {
		i := slices.IndexFunc(Settings, func(s Setting) bool { return s.FileKey() == key })
		if i < 0 {
			return &Error{Setting: "config", Reason: fmt.Sprintf("%s: unknown setting %q", path, key)}
		}
		s := Settings[i]
		text := fmt.Sprint(v)
		if list, ok := v.([]any); ok {
			text = ""
			for j, item := range list {
				if j > 0 {
					text += ","
				}
				text += fmt.Sprint(item)
			}
		}
		if f, ok := v.(float64); ok && f == float64(int64(f)) {
			text = fmt.Sprint(int64(f))
		}
		if err := s.set(c, text); err != nil {
			return &Error{Setting: s.Name, Reason: fmt.Sprintf("%s: %s: %v", path, key, err)}
		}
	}
	return nil
}
