package apply

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"go.yaml.in/yaml/v3"
	sigsyaml "sigs.k8s.io/yaml"
)

// maxNodes bounds the YAML nodes one request's documents may expand to,
// aliases counted each time they are used. A 4 MiB body of plain YAML has
// a few hundred thousand; the YAML library's own alias limit is per
// document, so a body of many small documents that each expand aliases
// just under it kept 3.5 GB live.
const maxNodes = 1 << 20

// nodeBudget is what is left of a request's maxNodes.
type nodeBudget struct{ left int }

// spend measures the document of c before it is decoded: it parses the
// text into nodes, which does not expand aliases and is linear in the
// text, counts the nodes the document expands to and takes them from the
// budget. It refuses a chunk that holds a second document (which the
// decoder would drop), an alias to the node that contains it and a
// document that overdraws the budget; a syntax error is the 400 of
// invalid YAML.
func (b *nodeBudget) spend(index int, c chunk) error {
	dec := yaml.NewDecoder(bytes.NewReader(c.text))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil
		}
		return syntaxError(index, c, err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return syntaxError(index, c, err)
	default:
		line := c.line + next.Line - 1
		return badDocument(index, line, "", "a second document starts here without a --- line before it")
	}
	n, err := expandedSize(&doc, b.left)
	if err != nil {
		return invalidYAML(index, c.line, err)
	}
	if n > b.left {
		msg := fmt.Sprintf("the documents expand to more than %d YAML nodes (an alias counts as the nodes it stands for): split the request or use fewer aliases", maxNodes)
		return huma.NewError(http.StatusRequestEntityTooLarge, msg,
			&huma.ErrorDetail{Location: location(index, ""), Message: fmt.Sprintf("line %d: the budget runs out in this document", c.line)})
	}
	b.left -= n
	return nil
}

// syntaxError is the 400 of a document the node parser refuses. The
// decoder's own message names the line where it stopped (the node parser
// names where the construct began), so it is used when the decoder refuses
// the document too; this costs at most one document's decoding, within
// the decoder's own per-document limits, and the request fails anyway.
func syntaxError(index int, c chunk, err error) error {
	if _, derr := sigsyaml.YAMLToJSONStrict(c.text); derr != nil {
		return invalidYAML(index, c.line, derr)
	}
	return invalidYAML(index, c.line, err)
}

// expandedSize counts the nodes of root with every alias expanded, up to
// limit+1: each node is counted once and its count reused wherever an
// alias repeats it, so the work is linear in the nodes however far they
// expand. An alias to a node that contains it is an error.
func expandedSize(root *yaml.Node, limit int) (int, error) {
	sizes := map[*yaml.Node]int{}
	open := map[*yaml.Node]bool{}
	var size func(n *yaml.Node) (int, error)
	size = func(n *yaml.Node) (int, error) {
		if s, ok := sizes[n]; ok {
			return s, nil
		}
		if open[n] {
			return 0, fmt.Errorf("line %d: an alias refers to a node that contains it", n.Line)
		}
		open[n] = true
		children := n.Content
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			children = []*yaml.Node{n.Alias}
		}
		total := 1
		for _, c := range children {
			s, err := size(c)
			if err != nil {
				return 0, err
			}
			total = min(total+s, limit+1)
		}
		delete(open, n)
		sizes[n] = total
		return total, nil
	}
	return size(root)
}
