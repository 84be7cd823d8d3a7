// Package credentials keeps what the platform uses on a user's behalf:
// registry logins, git tokens and SSH keys, cloud access keys,
// kubeconfigs and forges' OAuth client secrets. Each credential has a type that says which fields it has
// and which of them are secret; secret fields are sealed at rest (see
// store.CredentialRecordRepo) and never leave the server through the API,
// which says only that they are set and when they last changed.
package credentials

import (
	"fmt"
	"maps"
	"slices"
)

// Credential types.
const (
	TypeRegistry   = "registry"
	TypeGitToken   = "git-token"
	TypeSSHKey     = "ssh-key"
	TypeAlibaba    = "alibaba"
	TypeTencent    = "tencent"
	TypeAWS        = "aws"
	TypeKubeconfig = "kubeconfig"
	// TypeOAuthClient is an OAuth application's client secret at a forge
	// (the client ID is not secret: the provider's spec holds it).
	TypeOAuthClient = "oauth-client"
)

// Field is one field of a credential type.
type Field struct {
	Name     string
	Secret   bool
	Required bool
	// MaxLen bounds the value's length.
	MaxLen int
}

const (
	short = 256
	long  = 64 << 10
)

// Types are the credential types and their fields.
var Types = map[string][]Field{
	TypeRegistry: {
		{Name: "username", MaxLen: short},
		{Name: "password", Secret: true, Required: true, MaxLen: 8 << 10},
	},
	TypeGitToken: {
		{Name: "username", MaxLen: short},
		{Name: "token", Secret: true, Required: true, MaxLen: 8 << 10},
	},
	TypeSSHKey: {
		{Name: "username", MaxLen: short},
		{Name: "privateKey", Secret: true, Required: true, MaxLen: long},
		{Name: "passphrase", Secret: true, MaxLen: short},
		{Name: "knownHosts", MaxLen: long},
	},
	TypeAlibaba: {
		{Name: "accessKeyId", Secret: true, Required: true, MaxLen: short},
		{Name: "accessKeySecret", Secret: true, Required: true, MaxLen: short},
	},
	TypeTencent: {
		{Name: "secretId", Secret: true, Required: true, MaxLen: short},
		{Name: "secretKey", Secret: true, Required: true, MaxLen: short},
	},
	TypeAWS: {
		{Name: "accessKeyId", Secret: true, Required: true, MaxLen: short},
		{Name: "secretAccessKey", Secret: true, Required: true, MaxLen: short},
		{Name: "sessionToken", Secret: true, MaxLen: 8 << 10},
		{Name: "roleArn", MaxLen: 2048},
	},
	TypeKubeconfig: {
		{Name: "kubeconfig", Secret: true, Required: true, MaxLen: 1 << 20},
	},
	TypeOAuthClient: {
		{Name: "clientSecret", Secret: true, Required: true, MaxLen: 8 << 10},
	},
}

// TypeNames are the credential types, sorted.
func TypeNames() []string { return slices.Sorted(maps.Keys(Types)) }

// field returns the field name of type t.
func field(t, name string) (Field, bool) {
	for _, f := range Types[t] {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// FieldError is a problem with one field of a credential: Field is its
// name, and the message never holds its value.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return fmt.Sprintf("%s: %s", e.Field, e.Message) }

// Check returns the problems with fields for a credential of type t; a
// create needs every required field, an update (partial) only checks the
// fields given. An empty value in an update clears an optional field.
func Check(t string, fields map[string]string, partial bool) []*FieldError {
	if _, ok := Types[t]; !ok {
		return []*FieldError{{Field: "type", Message: fmt.Sprintf("unknown type %q: want one of %v", t, TypeNames())}}
	}
	var errs []*FieldError
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		f, ok := field(t, name)
		if !ok {
			errs = append(errs, &FieldError{Field: name, Message: "not a field of a " + t + " credential"})
			continue
		}
		v := fields[name]
		switch {
		case len(v) > f.MaxLen:
			errs = append(errs, &FieldError{Field: name, Message: fmt.Sprintf("longer than %d bytes", f.MaxLen)})
		case v == "" && f.Required:
			errs = append(errs, &FieldError{Field: name, Message: "required"})
		}
	}
	if !partial {
		for _, f := range Types[t] {
			if _, ok := fields[f.Name]; f.Required && !ok {
				errs = append(errs, &FieldError{Field: f.Name, Message: "required"})
			}
		}
	}
	return errs
}

// Split divides fields into the public ones and the secret ones.
func Split(t string, fields map[string]string) (public, secret map[string]string) {
	public, secret = map[string]string{}, map[string]string{}
	for name, v := range fields {
		if f, ok := field(t, name); ok && f.Secret {
			secret[name] = v
		} else if ok {
			public[name] = v
		}
	}
	return public, secret
}
