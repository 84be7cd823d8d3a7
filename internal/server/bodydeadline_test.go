package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

// TestSlowHandlerKeepsItsContext: a handler with a body that runs longer
// than the body's read deadline keeps its context, and so do the next
// requests on the same HTTP/1.1 connection. (A deadline left on the
// connection ends net/http's background read of it, which cancels them:
// an add-on install's dry run then failed, and every later request on the
// connection answered 503.)
func TestSlowHandlerKeepsItsContext(t *testing.T) {
	const deadline = 100 * time.Millisecond
	h := servertest.New(t, servertest.Options{BodyReadTimeout: deadline})
	type slowInput struct {
		Body struct {
			Name string `json:"name"`
		}
	}
	type slowOutput struct {
		Body struct {
			Canceled bool `json:"canceled"`
		}
	}
	huma.Register(h.Srv.API(), operation.Public(http.MethodPost, "/test/slow", "test-slow", "Sleep past the body deadline", nil),
		func(ctx context.Context, _ *slowInput) (*slowOutput, error) {
			select {
			case <-ctx.Done():
			case <-time.After(4 * deadline):
			}
			out := &slowOutput{}
			out.Body.Canceled = ctx.Err() != nil
			return out, nil
		})
	for i := range 3 {
		got := h.Expect(http.StatusOK, http.MethodPost, "/test/slow", "", map[string]string{"name": "x"})
		if got["canceled"] != false {
			t.Fatalf("request %d on the connection: the handler's context was canceled", i)
		}
	}
	if err := h.Srv.CheckOperations(); err != nil {
		t.Fatal(err)
	}
	// An operation declared without the kit keeps huma's deadline: refused.
	huma.Register(h.Srv.API(), huma.Operation{Method: http.MethodPost, Path: "/test/raw", OperationID: "test-raw",
		Metadata: map[string]any{}}, func(context.Context, *slowInput) (*slowOutput, error) { return &slowOutput{}, nil })
	if err := h.Srv.CheckOperations(); err == nil || !strings.Contains(err.Error(), "/test/raw") {
		t.Fatalf("CheckOperations = %v, want a refusal naming /test/raw", err)
	}
}
