package apply

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"
)

func TestParseDocuments(t *testing.T) {
	cm := func(name string) string { return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n" }
	for _, tt := range []struct {
		name  string
		body  string
		names []string
		lines []int
	}{
		{"one", cm("a"), []string{"a"}, []int{1}},
		{"leading separator and comments", "---\n# first\n" + cm("a") + "--- # second\n" + cm("b"), []string{"a", "b"}, []int{2, 8}},
		{"empty documents skipped", cm("a") + "---\n---\n# only a comment\n---\n" + cm("b") + "...\n", []string{"a", "b"}, []int{1, 9}},
		{"separator-like text inside a value", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: |\n    ---x\n", []string{"a"}, []int{1}},
		{"json object", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}`, []string{"a"}, []int{1}},
		{"json array", `[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}},{"apiVersion":"v1","kind":"Secret","metadata":{"name":"b"}}]`, []string{"a", "b"}, []int{1, 1}},
		{"list kind", "apiVersion: v1\nkind: List\nitems:\n- " + strings.ReplaceAll(strings.TrimSuffix(cm("a"), "\n"), "\n", "\n  ") + "\n", []string{"a"}, []int{1}},
		{"document on its --- line", cm("a") + "--- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n--- {apiVersion: v1, kind: ConfigMap,\n  metadata: {name: c}}\n",
			[]string{"a", "b", "c"}, []int{1, 5, 6}},
		{"document after ...", cm("a") + "...\n" + cm("b") + "... # end\n" + cm("c"), []string{"a", "b", "c"}, []int{1, 6, 11}},
		{"crlf", strings.ReplaceAll(cm("a")+"---\n"+cm("b"), "\n", "\r\n"), []string{"a", "b"}, []int{1, 6}},
		{"aliases", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: &l {x: y}\n  annotations: *l\n", []string{"a"}, []int{1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := parseDocuments([]byte(tt.body), 500)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			var lines []int
			for i, d := range docs {
				if d.index != i {
					t.Errorf("document %d has index %d", i, d.index)
				}
				names, lines = append(names, d.obj.GetName()), append(lines, d.line)
			}
			if !slices.Equal(names, tt.names) || !slices.Equal(lines, tt.lines) {
				t.Errorf("names %v lines %v, want %v %v", names, lines, tt.names, tt.lines)
			}
		})
	}
}

func TestParseDocumentsErrors(t *testing.T) {
	for _, tt := range []struct {
		name, body, location, detail string
	}{
		{"bad yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\nkind: x\n  bad: indent\n", "body[1]", "invalid YAML at line 7"},
		{"unclosed flow", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\n  data: [unclosed\n",
			"body[1]", "invalid YAML at line 10"},
		{"no kind", "apiVersion: v1\nmetadata:\n  name: a\n", "body[0].kind", "kind is required"},
		{"no apiVersion", "kind: ConfigMap\nmetadata:\n  name: a\n", "body[0].apiVersion", "apiVersion is required"},
		{"no name", "apiVersion: v1\nkind: ConfigMap\n", "body[0].metadata.name", "metadata.name is required"},
		{"scalar", "just text\n", "body[0]", "not an object"},
		{"nothing", "# empty\n", "body", "no object"},
		{"key given twice", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n", "body[0]", "invalid YAML at line 5"},
		{"key given twice, JSON", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"kind":"Secret"}`, "body[0]", "already set"},
		{"text after ...", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n... kind: Secret\n", "body[0]", "line 5"},
		{"mapping on its --- line", "--- kind: ConfigMap\napiVersion: v1\n", "body[0]", "invalid YAML at line 1"},
		{"text on its --- line", "--- |\n  text\n", "body[0]", "not an object"},
		{"alias to itself", "apiVersion: v1\nkind: ConfigMap\nmetadata: &m\n  name: a\n  x: *m\n", "body[0]", "contains it"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseDocuments([]byte(tt.body), 500)
			var em *huma.ErrorModel
			if !errors.As(err, &em) || em.Status != 400 {
				t.Fatalf("error %v, want a 400", err)
			}
			if len(em.Errors) != 1 || em.Errors[0].Location != tt.location || !strings.Contains(em.Detail, tt.detail) {
				t.Errorf("problem %q %+v, want %q at %s", em.Detail, em.Errors[0], tt.detail, tt.location)
			}
		})
	}
}

// aliasDocument is a small document whose data expands 50-fold through
// an alias: within the YAML library's limit for one document.
func aliasDocument(name string) string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n" +
		"  a: &a [" + strings.Repeat("x, ", 199) + "x]\n" +
		"  b: [" + strings.Repeat("*a, ", 49) + "*a]\n"
}

// TestParseDocumentsBounds checks the bounds of a whole request: the
// number of objects, and the YAML nodes all its documents expand to.
func TestParseDocumentsBounds(t *testing.T) {
	cm := func(name string) string { return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n" }
	var three, four []string
	for i := range 4 {
		four = append(four, cm(fmt.Sprint("c", i)))
	}
	three = four[:3]
	if docs, err := parseDocuments([]byte(strings.Join(three, "---\n")), 3); err != nil || len(docs) != 3 {
		t.Fatalf("three objects under a limit of three: %d, %v", len(docs), err)
	}
	tooMany := func(body string, loc string) {
		t.Helper()
		_, err := parseDocuments([]byte(body), 3)
		var em *huma.ErrorModel
		if !errors.As(err, &em) || em.Status != 413 || em.Errors[0].Location != loc {
			t.Errorf("error %v, want a 413 naming %s", err, loc)
		}
	}
	tooMany(strings.Join(four, "---\n"), "body[3]")
	tooMany(`[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}},{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b"}},`+
		`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}},{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"d"}}]`, "body[3]")

	// One such document is fine; the request's budget runs out after a
	// hundred of them, where each alone is accepted.
	if _, err := parseDocuments([]byte(aliasDocument("one")), 500); err != nil {
		t.Fatalf("one document with aliases: %v", err)
	}
	var docs []string
	for i := range 200 {
		docs = append(docs, aliasDocument(fmt.Sprint("d", i)))
	}
	_, err := parseDocuments([]byte(strings.Join(docs, "---\n")), 500)
	var em *huma.ErrorModel
	if !errors.As(err, &em) || em.Status != 413 || !strings.Contains(em.Detail, "YAML nodes") {
		t.Fatalf("200 alias-expanding documents: %v, want a 413 on YAML nodes", err)
	}
	if loc := em.Errors[0].Location; !strings.HasPrefix(loc, "body[") || loc == "body[0]" {
		t.Errorf("the budget ran out at %s, want a later document", loc)
	}
}
