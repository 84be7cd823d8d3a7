package registries

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/credentials"
	"github.com/wheelhouse-dev/wheelhouse/internal/registry"
)

// registryProblem turns what a registry call returned into the problem to
// answer with. loc prefixes the field at fault: "body." where the request
// set it (create, update), "registry." where the stored record did.
//
// A registry that cannot be used (unreachable, untrusted certificate,
// refused or insufficient credentials, an unexpected answer) is a 424
// Failed Dependency on a stored record and a 422 on a record being
// written, each naming the field to change and why (errors[].message
// starts with the reason: Unreachable, UntrustedCertificate, Unauthorized,
// Forbidden). A repository or tag that does not exist is a 404.
func registryProblem(ctx context.Context, err error, loc string) error {
	var re *registry.Error
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled):
		return err
	case errors.Is(err, credentials.ErrNoCredential):
		return huma.NewError(http.StatusFailedDependency, "the registry's credential is gone", &huma.ErrorDetail{Location: loc + "credentialId", Message: err.Error()})
	case !errors.As(err, &re):
		operation.Request(ctx).Err = err
		return huma.Error500InternalServerError("reaching the registry failed")
	}
	detail := &huma.ErrorDetail{Location: loc + re.Field, Message: re.Reason + ": " + re.Message}
	if re.Field == "" {
		detail.Location = loc + "endpoint"
	}
	switch re.Reason {
	case registry.ReasonNotFound:
		return huma.Error404NotFound(re.Message)
	case registry.ReasonInvalid:
		if loc == "registry." {
			detail.Location = "query." + re.Field
			return huma.Error422UnprocessableEntity(re.Message, detail)
		}
		return huma.Error422UnprocessableEntity("validation failed", detail)
	}
	if loc == "body." {
		return huma.Error422UnprocessableEntity(fmt.Sprintf("the registry cannot be used: %s", re.Reason), detail)
	}
	return huma.NewError(http.StatusFailedDependency, fmt.Sprintf("the registry cannot be used: %s", re.Reason), detail)
}
