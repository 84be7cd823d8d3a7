package helm

import (
	"errors"
	"fmt"
	"strings"

	"helm.sh/helm/v4/pkg/storage/driver"
)

// Errors the operations wrap, for callers to tell with errors.Is.
var (
	// ErrBusy: an operation of this process is running on the release.
	ErrBusy = errors.New("another operation on the release is running")
	// ErrNotFound: no such release (or revision).
	ErrNotFound = errors.New("release not found")
	// ErrExists: install of a name that is taken.
	ErrExists = errors.New("release name is in use")
	// ErrPending: the release is pending by an operation of another client
	// (Unlock frees it after the grace period).
	ErrPending = errors.New("the release is pending by another operation")
	// ErrInvalidValues: values that break the chart's values.schema.json;
	// the error is an *InvalidValuesError naming the fields.
	ErrInvalidValues = errors.New("values do not match the chart's schema")
)

// InvalidValuesError lists the values that break a chart's schema.
type InvalidValuesError struct {
	// Problems are Helm's messages, one per broken field, each naming it
	// as a JSON pointer (for example "at '/service/type': value must be
	// one of 'ClusterIP', 'NodePort'").
	Problems []string
}

func (e *InvalidValuesError) Error() string {
	return "values do not match the chart's schema: " + strings.Join(e.Problems, "; ")
}

// Is makes errors.Is(err, ErrInvalidValues) hold.
func (e *InvalidValuesError) Is(target error) bool { return target == ErrInvalidValues }

// invalidValues turns Helm's schema validation error into an
// InvalidValuesError (its message lists one "- at '/path': why" per line).
func invalidValues(err error) error {
	var problems []string
	for line := range strings.SplitSeq(err.Error(), "\n") {
		line = strings.TrimSpace(line)
		if p, ok := strings.CutPrefix(line, "- "); ok {
			problems = append(problems, p)
		}
	}
	if len(problems) == 0 {
		problems = []string{err.Error()}
	}
	return &InvalidValuesError{Problems: problems}
}

// notFound wraps Helm's "not found" storage errors with ErrNotFound.
func notFound(err error, what string) error {
	if errors.Is(err, driver.ErrReleaseNotFound) || errors.Is(err, driver.ErrNoDeployedReleases) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}
