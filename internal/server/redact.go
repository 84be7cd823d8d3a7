package server

import (
	"errors"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
)

// redactSecrets is a response transformer: no error detail echoes the
// value of a secret field. huma's validation puts the offending value in
// errors[].value (a 7-character password under minLength, the whole body
// when it is not JSON) and handlers may too; whatever produced it, a
// detail loses its value when its location is the whole body, names a
// field whose name says it is secret, or lies under a property the
// operation's request schema marks writeOnly (Secret data, kubeconfigs).
func (s *Server) redactSecrets(ctx huma.Context, _ string, v any) (any, error) {
	err, ok := v.(error)
	if !ok {
		return v, nil
	}
	var em *huma.ErrorModel
	if !errors.As(err, &em) {
		return v, nil
	}
	for _, d := range em.Errors {
		if d != nil && d.Value != nil && s.secretLocation(ctx.Operation(), d.Location) {
			d.Value = nil
		}
	}
	return v, nil
}

// secretLocation reports whether the value at loc (body.data.key,
// body.limits[0].max) may be a secret.
func (s *Server) secretLocation(op *huma.Operation, loc string) bool {
	if loc == "body" {
		return true
	}
	segments := strings.Split(loc, ".")
	for i, seg := range segments {
		seg, _, _ = strings.Cut(seg, "[")
		segments[i] = seg
		if operation.IsSecretName(seg) {
			return true
		}
	}
	if segments[0] != "body" || op == nil || op.RequestBody == nil {
		return false
	}
	for _, mt := range op.RequestBody.Content {
		if mt != nil && s.writeOnlyPath(mt.Schema, segments[1:]) {
			return true
		}
	}
	return false
}

// writeOnlyPath reports whether a schema along path below schema is
// writeOnly. Each step resolves a reference, enters an array's items or
// takes a segment of path, so the walk is short; maxSteps only guards
// against a registry that refers to itself.
func (s *Server) writeOnlyPath(schema *huma.Schema, path []string) bool {
	const maxSteps = 256
	registry := s.api.OpenAPI().Components.Schemas
	for step := 0; schema != nil && step < maxSteps; step++ {
		if schema.Ref != "" {
			schema = registry.SchemaFromRef(schema.Ref)
			continue
		}
		if schema.WriteOnly {
			return true
		}
		if len(path) == 0 {
			return false
		}
		switch {
		case schema.Items != nil && schema.Type == "array":
			schema = schema.Items
			continue // an index: the path segment names the array
		case schema.Properties[path[0]] != nil:
			schema = schema.Properties[path[0]]
		default:
			ap, _ := schema.AdditionalProperties.(*huma.Schema)
			schema = ap
		}
		path = path[1:]
	}
	return false
}
