package apply

import (
	"errors"
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
	} {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := parseDocuments([]byte(tt.body))
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
		{"no kind", "apiVersion: v1\nmetadata:\n  name: a\n", "body[0].kind", "kind is required"},
		{"no apiVersion", "kind: ConfigMap\nmetadata:\n  name: a\n", "body[0].apiVersion", "apiVersion is required"},
		{"no name", "apiVersion: v1\nkind: ConfigMap\n", "body[0].metadata.name", "metadata.name is required"},
		{"scalar", "just text\n", "body[0]", "not an object"},
		{"nothing", "# empty\n", "body", "no object"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseDocuments([]byte(tt.body))
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
