package apply

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"go.yaml.in/yaml/v3"
)

// FuzzParseDocuments checks that any body is refused with a problem or
// read into at most the limit of named objects, never dropping one: every
// document the YAML stream holds that is a single object is read.
func FuzzParseDocuments(f *testing.F) {
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"
	for _, s := range []string{
		cm,
		cm + "--- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n",
		cm + "...\n" + cm,
		cm + "... trailing\n",
		`[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}]`,
		"apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n",
		aliasDocument("x"),
		"a: &a [*a]\n",
		"%YAML 1.1\n---\n" + cm,
		"--- |\n  text\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		docs, err := parseDocuments([]byte(body), 5)
		if err != nil {
			var em *huma.ErrorModel
			if !errors.As(err, &em) || em.Status < 400 || em.Status >= 500 {
				t.Fatalf("error %v is not a 4xx problem", err)
			}
			return
		}
		if len(docs) == 0 || len(docs) > 5 {
			t.Fatalf("%d objects", len(docs))
		}
		for _, d := range docs {
			if d.obj.GetAPIVersion() == "" || d.obj.GetKind() == "" || d.obj.GetName() == "" {
				t.Fatalf("object %d lacks apiVersion, kind or name: %v", d.index, d.obj.Object)
			}
		}
		if single := singleObjects(body); len(docs) < single {
			t.Fatalf("%d objects read from a stream of %d single-object documents", len(docs), single)
		}
	})
}

// singleObjects counts the documents of a YAML stream that are mappings
// other than Lists, by the YAML library's own reading of the stream; 0
// when it cannot read it.
func singleObjects(body string) int {
	dec := yaml.NewDecoder(strings.NewReader(body))
	n := 0
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return n
		}
		if err != nil || len(doc.Content) == 0 {
			return 0
		}
		if root := doc.Content[0]; root.Kind == yaml.MappingNode && !isList(root) {
			n++
		}
	}
}

func isList(m *yaml.Node) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "items" || (m.Content[i].Value == "kind" && bytes.HasSuffix([]byte(m.Content[i+1].Value), []byte("List"))) {
			return true
		}
	}
	return false
}
