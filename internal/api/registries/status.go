package registries

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// statusMaxAge is how long a registry's connection status is answered
// from the last test before it is tested again.
const statusMaxAge = 5 * time.Minute

// StatusOutput is a registry's connection status.
type StatusOutput struct {
	Body struct {
		OK        bool      `json:"ok"`
		Message   string    `json:"message"`
		CheckedAt time.Time `json:"checkedAt" doc:"When the connection was last tested"`
	}
}

type statusKey struct {
	scope store.Scope
	name  string
}

type statusEntry struct {
	checkedAt time.Time
	message   string
	problem   error
}

// statuses remembers the last connection test of each registry, so that
// a console listing registries shows each one's status without testing
// (and auditing a test of) every registry on every view.
type statuses struct {
	mu sync.Mutex
	m  map[statusKey]statusEntry
}

func (s *statuses) get(k statusKey) (statusEntry, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[k]
	return e, ok && time.Since(e.checkedAt) < statusMaxAge
}

func (s *statuses) put(k statusKey, e statusEntry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[statusKey]statusEntry{}
	}
	s.m[k] = e
}

// forget drops a registry's status when its settings change.
func (s *statuses) forget(k statusKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, k)
}

func (h *handlers) registerStatus(api huma.API) {
	op := operation.New(http.MethodGet, "/registries/{registry}/status", "get-registry-status",
		"Read the registry's connection status: the last test's outcome, tested again when older than five minutes", tags, perm(auth.VerbGet))
	op.Description = "The answer of POST .../test (200 with ok, or 424 with the reason), remembered by the server for five minutes " +
		"and forgotten when the registry changes; the console's lists show it. POST .../test tests now."
	op.Errors = append(op.Errors, http.StatusNotFound, http.StatusFailedDependency)
	operation.RegisterScoped(api, op, h.status)
}

func (h *handlers) status(ctx context.Context, in *NameParam) (*StatusOutput, error) {
	k := statusKey{in.RecordScope(), in.Registry}
	e, ok := h.statuses.get(k)
	if !ok {
		reg, err := h.find(ctx, *in)
		if err != nil {
			return nil, err
		}
		e = statusEntry{checkedAt: time.Now().UTC()}
		e.message, e.problem = h.check(ctx, reg)
		if e.problem != nil {
			if _, isStatus := e.problem.(huma.StatusError); !isStatus {
				return nil, e.problem // not the registry's answer: not remembered
			}
		}
		h.statuses.put(k, e)
	}
	if e.problem != nil {
		return nil, e.problem
	}
	out := &StatusOutput{}
	out.Body.OK, out.Body.Message, out.Body.CheckedAt = true, e.message, e.checkedAt
	return out, nil
}

// check tests the registry: the success message, or the problem to answer.
func (h *handlers) check(ctx context.Context, reg *store.Registry) (string, error) {
	a, err := h.opener.Open(ctx, reg)
	if err == nil {
		err = a.Check(ctx)
	}
	if err != nil {
		return "", registryProblem(ctx, err, "registry.")
	}
	return fmt.Sprintf("logged in to %s and read from it", reg.Endpoint), nil
}
