package multicluster

import (
	"errors"
	"slices"
	"testing"
	"unicode/utf8"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// names lists the namespace/name of a page's objects.
func names(p *Page) []string {
	out := make([]string, 0, len(p.Items))
	for _, o := range p.Items {
		acc := o.(metav1.Object)
		out = append(out, acc.GetNamespace()+"/"+acc.GetName())
	}
	return out
}

// FuzzList checks List on any query text: it refuses with a *QueryError or
// answers, and the answer is the same from indexed and unindexed caches,
// holds at most the limit, and its continue token leads to the next page
// without repeating an object.
func FuzzList(f *testing.F) {
	objs := indexTestObjects()
	indexed, plain := cachedCluster(f, true, objs), cachedCluster(f, false, objs)
	for _, s := range [][]string{
		{"pods", "app=app-3,tier in (web,api)", "spec.nodeName=node-1", "pod-0", "name"},
		{"pods", "canary,!empty", "status.phase!=Running", "", "-creationTimestamp"},
		{"events", "", "involvedObject.uid=uid-3,type=Normal", "", "creationTimestamp"},
		{"pods", "a in (", "x==y==z", "", "sideways"},
		{"nodes", "x notin ()", "metadata.name=", "", "-name"},
	} {
		f.Add(s[0], s[1], s[2], s[3], s[4], 7, "")
	}
	f.Add("pods", "", "", "", "", 5, "eyJzIjoibmFtZSIsImEiOiJucy0wL3BvZC0wMDAifQ")
	f.Add("pods", "", "", "", "", 5, "not base64!")
	f.Add("pods", "", "", "", "", 5, "e30") // {}
	f.Fuzz(func(t *testing.T, kind, labels, fields, name, sort string, limit int, cont string) {
		// The API refuses a negative limit before List; 0 means every match.
		q := Query{LabelSelector: labels, FieldSelector: fields, NameContains: name, Sort: sort, Limit: max(limit%50, -limit%50), Continue: cont}
		page, err := indexed.List(kind, q)
		other, otherErr := plain.List(kind, q)
		if err != nil {
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("error %v is not a *QueryError", err)
			}
			if otherErr == nil {
				t.Fatalf("indexed caches refuse (%v), unindexed answer", err)
			}
			return
		}
		if otherErr != nil {
			t.Fatalf("unindexed caches refuse (%v), indexed answer", otherErr)
		}
		if !slices.Equal(names(page), names(other)) || page.Total != other.Total || page.Continue != other.Continue {
			t.Fatalf("indexed %v (total %d), unindexed %v (total %d)", names(page), page.Total, names(other), other.Total)
		}
		if q.Limit > 0 && len(page.Items) > q.Limit {
			t.Fatalf("%d items over a limit of %d", len(page.Items), q.Limit)
		}
		if page.Continue == "" {
			return
		}
		q.Continue = page.Continue
		next, err := indexed.List(kind, q)
		if err != nil {
			t.Fatalf("the continue token of a page is refused: %v", err)
		}
		for _, n := range names(next) {
			if slices.Contains(names(page), n) {
				t.Fatalf("%s is on two pages", n)
			}
		}
	})
}

// FuzzContinueToken checks that a continue token reads back as written.
func FuzzContinueToken(f *testing.F) {
	f.Add("name", "ns/pod")
	f.Add("-creationTimestamp", "2026-01-01T00:00:00.000000000\x00ns/pod")
	f.Fuzz(func(t *testing.T, sort, after string) {
		if after == "" {
			return
		}
		tok, err := decodeContinue(encodeContinue(continueToken{Sort: sort, After: after}))
		if err != nil {
			t.Fatal(err)
		}
		// JSON replaces invalid UTF-8; what a real key holds is valid.
		if utf8.ValidString(sort) && utf8.ValidString(after) && (tok.Sort != sort || tok.After != after) {
			t.Fatalf("%q %q read back as %q %q", sort, after, tok.Sort, tok.After)
		}
	})
}
