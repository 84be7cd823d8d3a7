package apply

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
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

// yamlError finds the YAML parser's "line N: problem" in its message,
// which may start with "yaml: " or list several problems.
var yamlError = regexp.MustCompile(`line (\d+): ([^\n]*)`)

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
// into at most maxDocs objects. Empty documents are skipped; a List kind
// (v1 List, DeploymentList, ...) and a JSON array give their items. A key
// given twice in one mapping is refused, as is a document that expands
// past the request's budget of YAML nodes (see nodeBudget). Errors are
// 400s naming the document index and the line in the body (413 for too
// many documents or nodes).
func parseDocuments(body []byte, maxDocs int) ([]document, error) {
	budget := nodeBudget{left: maxNodes}
	var docs []document
	for _, chunk := range splitYAML(body) {
		index := len(docs)
		if chunk.textAfterEnd != 0 {
			return nil, invalidYAML(index, chunk.line, fmt.Errorf("line %d: only a comment may follow ... on its line", chunk.textAfterEnd-chunk.line+1))
		}
		if blank(chunk.text) {
			continue
		}
		if err := budget.spend(index, chunk); err != nil {
			return nil, err
		}
		raw, err := yaml.YAMLToJSONStrict(chunk.text)
		if err != nil {
			return nil, invalidYAML(index, chunk.line, err)
		}
		objs, err := objects(raw)
		if err != nil {
			return nil, badDocument(index, chunk.line, "", "%v", err)
		}
		for _, o := range objs {
			if len(docs) == maxDocs {
				return nil, tooManyDocuments(maxDocs, chunk.line)
			}
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

// tooManyDocuments is the 413 for a body with more than max objects.
func tooManyDocuments(max, line int) error {
	msg := fmt.Sprintf("the body holds more than %d objects, the most one request may apply (the server's apply-max-documents): split it", max)
	return huma.NewError(http.StatusRequestEntityTooLarge, msg,
		&huma.ErrorDetail{Location: location(max, ""), Message: fmt.Sprintf("line %d: object %d is one too many", line, max)})
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
	// textAfterEnd is the line of the ... that ends the document when
	// text other than a comment follows it there, which YAML refuses.
	textAfterEnd int
}

// splitYAML splits a YAML stream into its documents, keeping where each
// starts: a document ends at a --- line (what follows --- on that line,
// such as {apiVersion: v1, ...}, begins the next one) and at a ... line
// (the next one begins on the line after; text after ... on its line is
// noted, to be refused with its line as YAML refuses it). Nothing is
// dropped.
func splitYAML(body []byte) []chunk {
	var out []chunk
	cur := chunk{line: 1}
	for i, l := range bytes.SplitAfter(body, []byte("\n")) {
		n := i + 1
		marker, rest := documentMarker(l)
		switch marker {
		case "---":
			out = append(out, cur)
			if blank(rest) {
				cur = chunk{line: n + 1}
			} else {
				cur = chunk{line: n, text: append([]byte(nil), rest...)}
			}
		case "...":
			if !blank(rest) {
				cur.textAfterEnd = n
			}
			out = append(out, cur)
			cur = chunk{line: n + 1}
		default:
			cur.text = append(cur.text, l...)
		}
	}
	return append(out, cur)
}

// documentMarker reports whether line starts with a document marker (---
// or ... at the start of the line, then the end of the line or a space)
// and returns the marker and the rest of the line.
func documentMarker(line []byte) (string, []byte) {
	for _, m := range []string{"---", "..."} {
		rest, ok := bytes.CutPrefix(line, []byte(m))
		if ok && (len(bytes.TrimRight(rest, "\r\n")) == 0 || rest[0] == ' ' || rest[0] == '\t') {
			return m, rest
		}
	}
	return "", nil
}

// blank reports whether a document holds only spaces and comments.
func blank(text []byte) bool {
	for l := range bytes.SplitSeq(text, []byte("\n")) {
		t := bytes.TrimSpace(l)
		if len(t) > 0 && t[0] != '#' {
			return false
		}
	}
	return true
}
