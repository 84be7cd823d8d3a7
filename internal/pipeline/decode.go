package pipeline

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// maxNodes bounds the YAML nodes one file may make Parse visit, aliases
// followed: an alias of an alias of a large list would otherwise grow
// without bound.
const maxNodes = 200_000

// MaxTimeout is the longest timeout a pipeline file may set.
const MaxTimeout = 7 * 24 * time.Hour

// decoder walks the YAML nodes of one file, keeping the errors.
type decoder struct {
	format Format
	errs   Errors
	nodes  int
	// stopped is set once the node budget or MaxErrors is reached.
	stopped bool
	// key is the key whose value is being decoded: errors about a field
	// missing from a mapping point at it (yaml places a block mapping
	// where its key's line ends).
	key *yaml.Node
}

// field is one key a mapping may have.
type field struct {
	name string
	// rancher: the key is part of Rancher's .rancher-pipeline.yml; the
	// others are Wheelhouse's own.
	rancher bool
	decode  func(value *yaml.Node, path string)
}

// failf records an error at n (nil: the file) for the field path.
func (d *decoder) failf(n *yaml.Node, path, format string, args ...any) {
	if d.stopped {
		return
	}
	e := &FieldError{Field: path, Message: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	if len(d.errs) == MaxErrors-1 {
		e = &FieldError{Line: e.Line, Column: e.Column, Message: "too many errors; the rest are left out"}
		d.stopped = true
	}
	d.errs = append(d.errs, e)
}

// visit follows aliases and counts n against the node budget; nil means
// stop.
func (d *decoder) visit(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode; i++ {
		if i > 100 {
			return nil
		}
		n = n.Alias
	}
	d.nodes++
	if d.nodes > maxNodes {
		if !d.stopped {
			d.failf(n, "", "the file is too large (more than %d YAML nodes, aliases expanded)", maxNodes)
			d.stopped = true
		}
		return nil
	}
	if d.stopped {
		return nil
	}
	return n
}

func child(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// kindName says what a node is, for errors.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "empty"
		}
		return "a scalar"
	}
	return "of another kind"
}

// mapping decodes the mapping n with the given fields: an unknown key, a
// key twice, or a Wheelhouse key in a Rancher file is an error. A null n
// is an empty mapping. It reports whether n was a mapping.
func (d *decoder) mapping(n *yaml.Node, path string, fields []field) bool {
	if n = d.visit(n); n == nil {
		return false
	}
	if isNull(n) {
		return true
	}
	if n.Kind != yaml.MappingNode {
		d.failf(n, path, "must be a mapping, not %s", kindName(n))
		return false
	}
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := d.visit(n.Content[i]), n.Content[i+1]
		if k == nil {
			return true
		}
		if k.Kind != yaml.ScalarNode {
			d.failf(k, path, "a key must be a string")
			continue
		}
		f, ok := d.lookup(fields, k.Value)
		keyPath := child(path, k.Value)
		if !ok {
			d.failf(k, keyPath, "%s", d.unknown(fields, k.Value))
			continue
		}
		if first, dup := seen[f.name]; dup {
			d.failf(k, keyPath, "given twice (first on line %d)", first.Line)
			continue
		}
		seen[f.name] = k
		if d.format == FormatRancher && !f.rancher {
			d.failf(k, keyPath, "not a field of .rancher-pipeline.yml (it is one of .wheelhouse-pipeline.yml)")
			continue
		}
		d.key = k
		f.decode(v, keyPath)
	}
	return true
}

// lookup finds key among fields. Keys match exactly, as in Rancher's
// parser (yaml.v2 with yaml tags).
func (d *decoder) lookup(fields []field, key string) (field, bool) {
	for _, f := range fields {
		if f.name == key {
			return f, true
		}
	}
	return field{}, false
}

// unknown is the message for an unknown key: the known ones, or the one it
// resembles.
func (d *decoder) unknown(fields []field, key string) string {
	var names []string
	for _, f := range fields {
		if d.format == FormatRancher && !f.rancher {
			continue
		}
		if strings.EqualFold(f.name, key) {
			return fmt.Sprintf("unknown field (did you mean %s?)", f.name)
		}
		names = append(names, f.name)
	}
	return "unknown field (known: " + strings.Join(names, ", ") + ")"
}

// str decodes a scalar as a string; null is "". maxLen bounds its length.
func (d *decoder) str(n *yaml.Node, path string, maxLen int) string {
	if n = d.visit(n); n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		d.failf(n, path, "must be a string, not %s", kindName(n))
		return ""
	}
	if isNull(n) {
		return ""
	}
	if len(n.Value) > maxLen {
		d.failf(n, path, "longer than %d characters", maxLen)
		return ""
	}
	return n.Value
}

// boolean decodes a boolean, in YAML 1.1's spellings too (yes, no, on,
// off), as Rancher's parser read them.
func (d *decoder) boolean(n *yaml.Node, path string) bool {
	if n = d.visit(n); n == nil {
		return false
	}
	if n.Kind == yaml.ScalarNode && !isNull(n) {
		switch strings.ToLower(n.Value) {
		case "true", "yes", "on", "y":
			return true
		case "false", "no", "off", "n":
			return false
		}
	}
	d.failf(n, path, "must be true or false")
	return false
}

// seq decodes a list of at most maxItems items; null is an empty list.
func (d *decoder) seq(n *yaml.Node, path string, maxItems int, each func(i int, item *yaml.Node, path string)) {
	if n = d.visit(n); n == nil || isNull(n) {
		return
	}
	if n.Kind != yaml.SequenceNode {
		d.failf(n, path, "must be a list, not %s", kindName(n))
		return
	}
	if len(n.Content) > maxItems {
		d.failf(n, path, "more than %d items", maxItems)
		return
	}
	for i, item := range n.Content {
		if d.stopped {
			return
		}
		each(i, item, index(path, i))
	}
}

// strList decodes a string or a list of strings, as Rancher's conditions
// and notification conditions take them.
func (d *decoder) strList(n *yaml.Node, path string, maxItems, maxLen int) []string {
	if n = d.visit(n); n == nil || isNull(n) {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		if s := d.str(n, path, maxLen); s != "" {
			return []string{s}
		}
		return nil
	}
	var out []string
	d.seq(n, path, maxItems, func(_ int, item *yaml.Node, path string) {
		s := d.str(item, path, maxLen)
		if s == "" {
			d.failf(item, path, "must not be empty")
			return
		}
		out = append(out, s)
	})
	return out
}

// strMap decodes a mapping of strings to strings (env, answers).
func (d *decoder) strMap(n *yaml.Node, path string, maxItems int, key func(k *yaml.Node, path string)) map[string]string {
	if n = d.visit(n); n == nil || isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.failf(n, path, "must be a mapping, not %s", kindName(n))
		return nil
	}
	if len(n.Content)/2 > maxItems {
		d.failf(n, path, "more than %d entries", maxItems)
		return nil
	}
	out := map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := d.visit(n.Content[i])
		if k == nil {
			return out
		}
		if k.Kind != yaml.ScalarNode || isNull(k) {
			d.failf(k, path, "a key must be a string")
			continue
		}
		p := child(path, k.Value)
		if _, dup := out[k.Value]; dup {
			d.failf(k, p, "given twice")
			continue
		}
		if key != nil {
			key(k, p)
		}
		out[k.Value] = d.str(n.Content[i+1], p, 64<<10)
	}
	return out
}

// timeout decodes a timeout: a number of minutes (Rancher's unit) or, in
// a Wheelhouse file, a duration such as 90s or 1h30m.
func (d *decoder) timeout(n *yaml.Node, path string) *metav1.Duration {
	if n = d.visit(n); n == nil || isNull(n) {
		return nil
	}
	if n.Kind != yaml.ScalarNode {
		d.failf(n, path, "must be a number of minutes, not %s", kindName(n))
		return nil
	}
	var dur time.Duration
	if minutes, err := strconv.ParseInt(n.Value, 10, 64); err == nil {
		if minutes < 1 || minutes > int64(MaxTimeout/time.Minute) {
			d.failf(n, path, "must be between 1 and %d minutes", int64(MaxTimeout/time.Minute))
			return nil
		}
		dur = time.Duration(minutes) * time.Minute
	} else {
		if d.format == FormatRancher {
			d.failf(n, path, "must be a whole number of minutes")
			return nil
		}
		parsed, err := time.ParseDuration(n.Value)
		if err != nil {
			d.failf(n, path, "must be a number of minutes or a duration such as 90s or 1h30m")
			return nil
		}
		if parsed < time.Second || parsed > MaxTimeout {
			d.failf(n, path, "must be between 1s and %s", MaxTimeout)
			return nil
		}
		dur = parsed
	}
	return &metav1.Duration{Duration: dur}
}
