package addons

import (
	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
)

// Hidden stands in responses for a value whose key says it is a secret (a
// chart's admin password). Sent back in an upgrade's values, it keeps the
// release's value: a form filled from a response loses nothing.
const Hidden = "(hidden)"

// redactValues returns a copy of values with every non-empty string under
// a secret-named key replaced by Hidden.
func redactValues(values map[string]any) map[string]any {
	out := make(map[string]any, len(values))
	for k, v := range values {
		switch t := v.(type) {
		case map[string]any:
			out[k] = redactValues(t)
		case string:
			if t != "" && operation.IsSecretName(k) {
				out[k] = Hidden
			} else {
				out[k] = t
			}
		default:
			out[k] = v
		}
	}
	return out
}

// restoreHidden puts back, in values, the current release's value of each
// key a client sent as Hidden (and drops the key when the release has
// none). It changes values in place.
func restoreHidden(values, current map[string]any) {
	for k, v := range values {
		switch t := v.(type) {
		case map[string]any:
			cur, _ := current[k].(map[string]any)
			restoreHidden(t, cur)
		case string:
			if t != Hidden {
				continue
			}
			if cv, ok := current[k]; ok {
				values[k] = cv
			} else {
				delete(values, k)
			}
		}
	}
}
