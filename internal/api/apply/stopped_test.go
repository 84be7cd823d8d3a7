package apply

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"
)

// TestStopped checks the problem of an apply that stopped: before any
// write it is the error itself (a 504 past the deadline, saying nothing
// was applied); after writes it lists them, whatever stopped it.
func TestStopped(t *testing.T) {
	d := Deps{Limits: Limits{Timeout: time.Minute}}
	live := context.Background()
	late, cancel := context.WithDeadline(live, time.Now().Add(-time.Second))
	defer cancel()
	refused := huma.Error403Forbidden("exceeded quota")
	applied := []ApplyDocumentResult{{Index: 0, Kind: "Secret", Name: "first", Action: ActionCreated, ResourceVersion: "7"}}

	tests := []struct {
		name    string
		ctx     context.Context
		err     error
		applied []ApplyDocumentResult
		status  int
		detail  string
		listed  int
	}{
		{"refused before writing", live, refused, nil, 403, "exceeded quota", -1},
		{"deadline before writing", late, errors.New("context deadline exceeded"), nil, 504, "nothing was applied", -1},
		{"refused after a write", live, refused, applied, 403, "documents applied before it stopped: 1", 1},
		{"deadline after a write", late, errors.New("context deadline exceeded"), applied, 504, "1 documents were applied", 1},
		{"internal error after a write", live, errors.New("dial tcp: secret host"), applied, 500, "failed part-way", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := stopped(tc.ctx, d, tc.err, tc.applied)
			var se huma.StatusError
			if !errors.As(err, &se) || se.GetStatus() != tc.status {
				t.Fatalf("got %v, want status %d", err, tc.status)
			}
			raw, jerr := json.Marshal(err)
			if jerr != nil {
				t.Fatal(jerr)
			}
			if !strings.Contains(string(raw), tc.detail) || strings.Contains(string(raw), "secret host") {
				t.Errorf("problem %s, want %q and no internal error", raw, tc.detail)
			}
			var pe *PartialError
			switch {
			case tc.listed < 0 && errors.As(err, &pe):
				t.Errorf("lists applied documents before any write: %s", raw)
			case tc.listed >= 0 && (!errors.As(err, &pe) || len(pe.Applied) != tc.listed):
				t.Errorf("does not list the %d applied documents: %s", tc.listed, raw)
			}
		})
	}
}
