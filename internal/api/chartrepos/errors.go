package chartrepos

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/chartrepo"
)

// reason is the word a problem's detail starts with.
func reason(err error) string {
	switch {
	case errors.Is(err, chartrepo.ErrUnreachable):
		return "Unreachable"
	case errors.Is(err, chartrepo.ErrUnauthorized):
		return "Unauthorized"
	case errors.Is(err, chartrepo.ErrNotFound):
		return "NotFound"
	}
	return "Invalid"
}

// repoProblem turns what a chart repository call returned into the
// problem to answer with. loc prefixes the field at fault: "body." where
// the request set it (create, update), "repository." where the stored
// record did (refresh).
//
// A repository that cannot be used (unreachable, an untrusted
// certificate, refused credentials, no index at the URL, an answer that
// is not an index) is a 422 on a record being written and a 424 Failed
// Dependency on a stored one, naming the field to change; the detail's
// message starts with the reason (Unreachable, Unauthorized, NotFound,
// Invalid). A repository, chart or version that does not exist is a 404.
func repoProblem(ctx context.Context, err error, loc string) error {
	var ce *chartrepo.Error
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled):
		return err
	case !errors.As(err, &ce):
		operation.Request(ctx).Err = err
		return huma.Error500InternalServerError("reading the chart repository failed")
	case ce.Field == "" && errors.Is(err, chartrepo.ErrNotFound):
		return huma.Error404NotFound(ce.Message)
	}
	field := ce.Field
	if field == "" {
		field = "url"
	}
	detail := &huma.ErrorDetail{Location: loc + field, Message: reason(err) + ": " + ce.Message}
	if loc == "body." {
		if errors.Is(err, chartrepo.ErrInvalid) && field != "url" {
			return operation.ValidationFailed([]error{detail})
		}
		return huma.Error422UnprocessableEntity(fmt.Sprintf("the chart repository cannot be used: %s", reason(err)), detail)
	}
	return huma.NewError(http.StatusFailedDependency, fmt.Sprintf("the chart repository cannot be used: %s", reason(err)), detail)
}
