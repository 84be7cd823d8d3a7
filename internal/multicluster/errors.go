package multicluster

import (
	"errors"
	"fmt"
	"time"
)

// ErrUnknownCluster is returned for a cluster the manager does not hold.
var ErrUnknownCluster = errors.New("unknown cluster")

// UnavailableError says a cluster cannot answer now, and why. The API maps
// it to 503 with the cluster named; other clusters are unaffected.
type UnavailableError struct {
	Cluster string
	Phase   Phase
	Reason  string
	Since   time.Time
}

func (e *UnavailableError) Error() string {
	if e.Reason == "" {
		return fmt.Sprintf("cluster %q is %s", e.Cluster, e.Phase)
	}
	return fmt.Sprintf("cluster %q is %s: %s", e.Cluster, e.Phase, e.Reason)
}
