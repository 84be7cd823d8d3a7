package pipelines

import (
	"errors"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline/gitsource"
)

// notFoundAs wraps err with sentinel when it is the API server's not
// found, so that callers can tell a missing object from an API failure.
func notFoundAs(err, sentinel error) error {
	if apierrors.IsNotFound(err) {
		return fmt.Errorf("%w: %w", sentinel, err)
	}
	return err
}

// isNotFound reports whether a source's error says the file, the commit or
// the repository is not there.
func isNotFound(err error) bool { return errors.Is(err, gitsource.ErrNotFound) }
