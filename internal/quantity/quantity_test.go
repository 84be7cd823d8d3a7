package quantity

import (
	"errors"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// hostile are quantities that hold Kubernetes' parser (or a comparison or
// print of what it returns) for minutes, found by fuzzing the API.
var hostile = []string{
	"2E20000000000",   // the exponent wraps around int32
	"1e-80000000",     // a fraction of eighty million digits
	"e088888880",      // no number at all, a huge exponent
	"1e2147483647",    // the largest int32 exponent
	"1e-2147483648",   // the smallest
	"0e2147483647",    // zero does not help
	"0.1e-2147483647", // nor a fraction
	"+.E99999",
}

func TestParse(t *testing.T) {
	tests := []struct {
		in     string
		want   string // canonical form, when accepted
		reason string // part of the refusal, when refused
	}{
		{in: "500m", want: "500m"},
		{in: "2", want: "2"},
		{in: "1Gi", want: "1Gi"},
		{in: "1Ei", want: "1Ei"},
		{in: "3E", want: "3E"},
		{in: "1e3", want: "1e3"},
		{in: "1.5e-3", want: "1500e-6"},
		{in: "1e64", want: "10e63"},
		{in: "-1E-64", want: "-1e-9"},
		{in: "1e65", reason: "exponent out of range"},
		{in: "1e-65", reason: "exponent out of range"},
		{in: "1e99999999999999999999", reason: "is not a quantity"},
		{in: strings.Repeat("9", MaxLength), want: strings.Repeat("9", MaxLength)},
		{in: strings.Repeat("9", MaxLength+1), reason: "too long"},
		{in: "", reason: "is not a quantity"},
		{in: "12 cores", reason: "is not a quantity"},
		{in: "1Ki5", reason: "is not a quantity"},
	}
	for _, h := range hostile {
		tests = append(tests, struct{ in, want, reason string }{in: h, reason: "exponent out of range"})
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			q, err := Parse("body.hard.cpu", tc.in)
			if tc.reason == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if got := q.String(); got != tc.want {
					t.Errorf("got %s, want %s", got, tc.want)
				}
				return
			}
			var qe *Error
			if !errors.As(err, &qe) {
				t.Fatalf("accepted as %s, want an *Error", q.String())
			}
			if qe.Field != "body.hard.cpu" || !strings.Contains(qe.Message(), tc.reason) {
				t.Errorf("error %q on %s, want one on body.hard.cpu saying %q", qe.Message(), qe.Field, tc.reason)
			}
		})
	}
}

func TestErrorShortensLongValues(t *testing.T) {
	_, err := Parse("quota.cpu", strings.Repeat("1", 10000))
	var qe *Error
	if !errors.As(err, &qe) {
		t.Fatalf("got %v", err)
	}
	if n := len(qe.Message()); n > 2*MaxLength {
		t.Errorf("message of %d bytes echoes the whole value", n)
	}
}

func TestCheckJSON(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		loc  string // field of the refusal; empty: accepted
	}{
		{name: "fine", doc: `{"spec":{"containers":[{"name":"a","resources":{"limits":{"cpu":"500m"},"requests":{"memory":"1Gi"}}}]}}`},
		{name: "limit", doc: `{"spec":{"containers":[{"name":"a"},{"name":"b","resources":{"limits":{"cpu":"1e2147483647"}}}]}}`,
			loc: "body.spec.containers[1].resources.limits.cpu"},
		{name: "bare number", doc: `{"spec":{"initContainers":[{"resources":{"requests":{"cpu":2E20000000000}}}]}}`,
			loc: "body.spec.initContainers[0].resources.requests.cpu"},
		{name: "key in other case", doc: `{"Spec":{"Overhead":{"memory":"e088888880"}}}`, loc: "body.Spec.Overhead.memory"},
		{name: "volume size", doc: `{"spec":{"volumes":[{"name":"v","emptyDir":{"sizeLimit":"1e-80000000"}}]}}`,
			loc: "body.spec.volumes[0].emptyDir.sizeLimit"},
		{name: "inlined metadata is walked", doc: `{"metadata":{"name":"x","labels":{"cpu":"1e2147483647"}}}`},
		{name: "not a quantity field", doc: `{"spec":{"containers":[{"name":"1e2147483647","env":[{"name":"X","value":"1e2147483647"}]}]}}`},
		{name: "wrong shapes", doc: `{"spec":{"containers":{"resources":3},"overhead":[1]}}`},
		{name: "not JSON", doc: `{"spec":`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckJSON([]byte(tc.doc), &corev1.PodTemplateSpec{}, "body")
			if tc.loc == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var qe *Error
			if !errors.As(err, &qe) || qe.Field != tc.loc {
				t.Fatalf("got %v, want an *Error on %s", err, tc.loc)
			}
		})
	}
}
