package server

import (
	"errors"
	"regexp"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
)

// huma puts the text of any error a handler returns into the 500 response.
// Internal errors can name tables, hosts or files, so they are kept off the
// wire: the hook moves them onto the request's info, the access log line
// writes them with the request id, and the client gets the id to quote.
// Field errors (huma.ErrorDetailer) stay in the response at every status.
func init() {
	base := huma.NewErrorWithContext
	huma.NewErrorWithContext = func(ctx huma.Context, status int, msg string, errs ...error) huma.StatusError {
		var kept, internal []error
		for _, e := range errs {
			var d huma.ErrorDetailer
			switch {
			case e == nil:
			case errors.As(e, &d):
				kept = append(kept, nameMissingField(d.ErrorDetail()))
			case status < 500:
				kept = append(kept, e)
			default:
				internal = append(internal, e)
			}
		}
		if len(internal) > 0 && ctx != nil {
			ri := operation.Request(ctx.Context())
			ri.Err = errors.Join(internal...)
			msg = "internal error; quote request id " + ri.ID + " to the operator"
		}
		return base(ctx, status, msg, kept...)
	}
}

var missingProperty = regexp.MustCompile(`^expected required property (\S+) to be present$`)

// nameMissingField points a "required property" error at the property
// itself (body.password rather than body), so every field error's location
// names the field, as it does for every other validation failure.
func nameMissingField(d *huma.ErrorDetail) *huma.ErrorDetail {
	if m := missingProperty.FindStringSubmatch(d.Message); m != nil {
		d.Location += "." + m[1]
		d.Message = "is required"
	}
	return d
}
