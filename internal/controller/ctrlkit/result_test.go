package ctrlkit

import (
	"context"
	"errors"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

func TestMergeResults(t *testing.T) {
	after := func(d time.Duration) ctrl.Result { return ctrl.Result{RequeueAfter: d} }
	tests := []struct {
		name    string
		results []ctrl.Result
		want    ctrl.Result
	}{
		{"none", nil, ctrl.Result{}},
		{"all zero", []ctrl.Result{{}, {}}, ctrl.Result{}},
		{"one requeue", []ctrl.Result{{}, after(time.Second)}, after(time.Second)},
		{"the soonest wins", []ctrl.Result{after(5 * time.Second), after(2 * time.Second), after(3 * time.Second)}, after(2 * time.Second)},
		{"zero does not win", []ctrl.Result{after(time.Minute), {}}, after(time.Minute)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			NewWithT(t).Expect(MergeResults(tt.results...)).To(Equal(tt.want))
		})
	}
}

func TestOutcome(t *testing.T) {
	generic := errors.New("connection refused")
	terminal := Stalling("InvalidSpec", errors.New("spec is invalid"))
	tests := []struct {
		name         string
		add          func(o *Outcome)
		wantResult   ctrl.Result
		wantErr      []string
		wantTerminal bool
	}{{
		name: "results only",
		add: func(o *Outcome) {
			o.Add(ctrl.Result{RequeueAfter: time.Minute}, nil)
			o.Add(ctrl.Result{RequeueAfter: time.Second}, nil)
		},
		wantResult: ctrl.Result{RequeueAfter: time.Second},
	}, {
		name: "errors joined, result dropped",
		add: func(o *Outcome) {
			o.Add(ctrl.Result{RequeueAfter: time.Second}, generic)
			o.Add(ctrl.Result{}, errors.New("patch status: conflict"))
		},
		wantErr: []string{"connection refused", "patch status: conflict"},
	}, {
		name:         "terminal alone stays terminal",
		add:          func(o *Outcome) { o.Add(ctrl.Result{}, terminal) },
		wantErr:      []string{"spec is invalid"},
		wantTerminal: true,
	}, {
		name: "terminal with a retriable error is retried",
		add: func(o *Outcome) {
			o.Add(ctrl.Result{}, terminal)
			o.Add(ctrl.Result{}, generic)
		},
		wantErr: []string{"spec is invalid", "connection refused"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			var o Outcome
			tt.add(&o)
			res, err := o.Result()
			g.Expect(res).To(Equal(tt.wantResult))
			if tt.wantErr == nil {
				g.Expect(err).NotTo(HaveOccurred())
				return
			}
			for _, msg := range tt.wantErr {
				g.Expect(err).To(MatchError(ContainSubstring(msg)))
			}
			g.Expect(errors.Is(err, reconcile.TerminalError(nil))).To(Equal(tt.wantTerminal))
		})
	}
}

func TestRunPhases(t *testing.T) {
	boom := errors.New("boom")
	phase := func(name string, res ctrl.Result, err error) Phase[*[]string] {
		return func(_ context.Context, ran *[]string) (ctrl.Result, error) {
			*ran = append(*ran, name)
			return res, err
		}
	}
	tests := []struct {
		name       string
		phases     []Phase[*[]string]
		wantRan    []string
		wantResult ctrl.Result
		wantErr    error
	}{{
		name:       "all run, results merged",
		phases:     []Phase[*[]string]{phase("a", ctrl.Result{RequeueAfter: time.Minute}, nil), phase("b", ctrl.Result{RequeueAfter: time.Second}, nil), phase("c", ctrl.Result{}, nil)},
		wantRan:    []string{"a", "b", "c"},
		wantResult: ctrl.Result{RequeueAfter: time.Second},
	}, {
		name:       "stops at the first error",
		phases:     []Phase[*[]string]{phase("a", ctrl.Result{}, nil), phase("b", ctrl.Result{RequeueAfter: time.Second}, boom), phase("c", ctrl.Result{}, nil)},
		wantRan:    []string{"a", "b"},
		wantResult: ctrl.Result{RequeueAfter: time.Second},
		wantErr:    boom,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			var ran []string
			res, err := RunPhases(t.Context(), &ran, tt.phases...)
			g.Expect(ran).To(Equal(tt.wantRan))
			g.Expect(res).To(Equal(tt.wantResult))
			if tt.wantErr != nil {
				g.Expect(err).To(MatchError(tt.wantErr))
			} else {
				g.Expect(err).NotTo(HaveOccurred())
			}
		})
	}
}
