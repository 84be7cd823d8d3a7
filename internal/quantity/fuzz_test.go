package quantity

import (
	"encoding/json"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// FuzzParse checks that whatever Parse accepts can be compared, added and
// printed, which is where unbounded quantities hang, and that it refuses
// rather than panics.
func FuzzParse(f *testing.F) {
	for _, s := range append([]string{"500m", "1Gi", "1e3", "-1.5E-9", "9223372036854775807Ei", ".5", "+.e3", "1Ki5"}, hostile...) {
		f.Add(s)
	}
	one := resource.MustParse("1")
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse("f", s)
		if err != nil {
			return
		}
		q.Cmp(one)
		sum := q.DeepCopy()
		sum.Add(q)
		sum.Mul(1000)
		if out := sum.String(); len(out) > 4*MaxLength {
			t.Fatalf("%q accepted, and adding and multiplying it gives %d characters", s, len(out))
		}
	})
}

// FuzzCheckJSON checks that a pod template CheckJSON lets through decodes
// without an unbounded quantity.
func FuzzCheckJSON(f *testing.F) {
	f.Add(`{"spec":{"containers":[{"resources":{"limits":{"cpu":"500m"}}}]}}`)
	for _, h := range hostile {
		f.Add(`{"spec":{"overhead":{"cpu":"` + h + `"},"containers":[{"resources":{"limits":{"cpu":` + h + `}}}]}}`)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		if CheckJSON([]byte(doc), &corev1.PodTemplateSpec{}, "body") != nil {
			return
		}
		// Decoding parses every quantity: it must not hang, and what it
		// parsed must print.
		var pt corev1.PodTemplateSpec
		if err := json.Unmarshal([]byte(doc), &pt); err != nil {
			return
		}
		for _, c := range append(pt.Spec.Containers, pt.Spec.InitContainers...) {
			for _, l := range []corev1.ResourceList{c.Resources.Limits, c.Resources.Requests} {
				for _, q := range l {
					_ = q.String()
				}
			}
		}
		for _, q := range pt.Spec.Overhead {
			_ = q.String()
		}
	})
}
