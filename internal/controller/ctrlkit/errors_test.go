package ctrlkit

import (
	"errors"
	"fmt"
	"testing"

	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

func TestErrors(t *testing.T) {
	cause := errors.New("spec.template is invalid")
	tests := []struct {
		name         string
		err          error
		wantStalling bool
		wantReason   string
	}{
		{"stalling", Stalling("InvalidSpec", cause), true, "InvalidSpec"},
		{"stalling, wrapped", fmt.Errorf("apply: %w", Stalling("NotOwned", cause)), true, "NotOwned"},
		{"generic", Generic("ApplyFailed", cause), false, "ApplyFailed"},
		{"generic, wrapped", fmt.Errorf("apply: %w", Generic("ApplyFailed", cause)), false, "ApplyFailed"},
		{"plain", cause, false, "Fallback"},
		{"terminal without a reason", reconcile.TerminalError(cause), true, "Fallback"},
		{"joined: the stalling reason wins", errors.Join(Generic("ApplyFailed", cause), Stalling("InvalidSpec", cause)), true, "InvalidSpec"},
		{"nil", nil, false, "Fallback"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			g.Expect(IsStalling(tt.err)).To(Equal(tt.wantStalling))
			g.Expect(ReasonOf(tt.err, "Fallback")).To(Equal(tt.wantReason))
			if tt.err != nil && tt.name != "terminal without a reason" && tt.name != "plain" {
				g.Expect(errors.Is(tt.err, cause)).To(BeTrue(), "the cause stays in the chain")
			}
		})
	}
	NewWithT(t).Expect(Stalling("InvalidSpec", cause).Error()).To(Equal("terminal error: spec.template is invalid"))
}
