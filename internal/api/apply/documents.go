package apply

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// document is one object of the request body.
type document struct {
	// index is the object's position among the body's objects, from 0.
	index int
	// line is where its YAML document starts in the body, from 1.
	line int
	obj  *unstructured.Unstructured
}

// location names document i in error details.
func location(i int, field string) string {
	loc := fmt.Sprintf("body[%d]", i)
	if field != "" {
		loc += "." + field
	}
	return loc
}

// badDocument is the 400 for a document that cannot be used.
func badDocument(index, line int, field, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return huma.Error400BadRequest(fmt.Sprintf("document %d (line %d): %s", index, line, msg),
		&huma.ErrorDetail{Location: location(index, field), Message: fmt.Sprintf("line %d: %s", line, msg)})
}

// yamlError is the YAML parser's "yaml: line N: problem".
var yamlError = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// invalidYAML is the 400 for a document that is not YAML, with the line
// of the body where the parser stopped.
func invalidYAML(index, start int, err error) error {
	msg := strings.TrimPrefix(strings.TrimPrefix(err.Error(), "error converting YAML to JSON: "), "yaml: ")
	line := start
	if m := yamlError.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		line, msg = start+n-1, m[2]
	}
	return huma.Error400BadRequest(fmt.Sprintf("document %d (starting at line %d): invalid YAML at line %d: %s", index, start, line, msg),
		&huma.ErrorDetail{Location: location(index, ""), Message: fmt.Sprintf("line %d: %s", line, msg), Value: line})
}

// parseDocuments splits body (YAML documents separated by ---, or JSON)
// into objects. Empty documents are skipped; a List kind (v1 List,
// DeploymentList, ...) and a JSON array give their items. Errors are 400s
// naming the document index and the line in the body.
func parseDocuments(body []byte) ([]document, error) {
	var docs []document
	for _, chunk := range splitYAML(body) {
		if blank(chunk.text) {
			continue
		}
		index := len(docs)
		raw, err := yaml.YAMLToJSON(chunk.text)
		if err != nil {
			return nil, invalidYAML(index, chunk.line, err)
		}
		objs, err := objects(raw)
		if err != nil {
			return nil, badDocument(index, chunk.line, "", "%v", err)
		}
		for _, o := range objs {
			d := document{index: len(docs), line: chunk.line, obj: &unstructured.Unstructured{Object: o}}
			if err := check(d); err != nil {
				return nil, err
			}
			docs = append(docs, d)
		}
	}
	if len(docs) == 0 {
		return nil, huma.Error400BadRequest("the body holds no object",
			&huma.ErrorDetail{Location: "body", Message: "send one or more YAML documents (separated by ---) or JSON objects"})
	}
	return docs, nil
}

// objects returns the objects of one decoded document.
func objects(raw []byte) ([]map[string]any, error) {
	raw = bytes.TrimSpace(raw)
	if bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	var items []any
	switch t := v.(type) {
	case []any:
		items = t
	case map[string]any:
		kind, _ := t["kind"].(string)
		list, isList := t["items"].([]any)
		if !isList || !strings.HasSuffix(kind, "List") {
			return []map[string]any{t}, nil
		}
		items = list
	default:
		return nil, fmt.Errorf("not an object but %T", v)
	}
	out := make([]map[string]any, 0, len(items))
	for i, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("item %d is not an object", i)
		}
		out = append(out, m)
	}
	return out, nil
}

// check refuses a document without apiVersion, kind or name.
func check(d document) error {
	switch {
	case d.obj.GetAPIVersion() == "":
		return badDocument(d.index, d.line, "apiVersion", "apiVersion is required")
	case d.obj.GetKind() == "":
		return badDocument(d.index, d.line, "kind", "kind is required")
	case d.obj.GetName() == "":
		return badDocument(d.index, d.line, "metadata.name", "metadata.name is required (server-side apply needs a name)")
	}
	return nil
}

type chunk struct {
	text []byte
	line int
}

// splitYAML splits a YAML stream at its --- separator lines, keeping
// where each document starts.
func splitYAML(body []byte) []chunk {
	var out []chunk
	cur := chunk{line: 1}
	lines := bytes.SplitAfter(body, []byte("\n"))
	for i, l := range lines {
		if isSeparator(l) {
			out = append(out, cur)
			cur = chunk{line: i + 2}
			continue
		}
		cur.text = append(cur.text, l...)
	}
	return append(out, cur)
}

func isSeparator(line []byte) bool {
	s := strings.TrimRight(string(line), " \t\r\n")
	if !strings.HasPrefix(s, "---") {
		return false
	}
	rest := s[3:]
	return rest == "" || rest[0] == ' ' || rest[0] == '\t' || rest[0] == '#'
}

// blank reports whether a document holds only spaces and comments.
func blank(text []byte) bool {
	for l := range bytes.SplitSeq(text, []byte("\n")) {
		t := bytes.TrimSpace(l)
		if len(t) > 0 && t[0] != '#' && !bytes.Equal(t, []byte("...")) {
			return false
		}
	}
	return true
}
