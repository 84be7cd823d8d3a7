package pipeline

import (
	"fmt"
	"sort"
	"strings"
)

// MaxErrors is the most errors Parse reports for one file; the last one
// says that more were left out.
const MaxErrors = 50

// FieldError is one problem of a pipeline file, at a line and column (1
// based; 0 when unknown) and a field path such as
// stages[1].steps[0].runScriptConfig.image (empty for the file itself).
type FieldError struct {
	Line    int
	Column  int
	Field   string
	Message string
}

func (e *FieldError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ", column %d", e.Column)
		}
	}
	if e.Field != "" {
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(e.Field)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// Errors are the problems of a pipeline file, in the order of the file.
// Parse returns them as its error; errors.As reaches the list.
type Errors []*FieldError

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// sorted orders es by line and column, keeping the order of equal ones.
func (es Errors) sorted() Errors {
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].Line != es[j].Line {
			return es[i].Line < es[j].Line
		}
		return es[i].Column < es[j].Column
	})
	return es
}
