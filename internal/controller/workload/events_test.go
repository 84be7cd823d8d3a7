package workload

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"

	. "github.com/onsi/gomega"

	"github.com/wheelhouse-dev/wheelhouse/internal/controller/ctrlkit"
)

// TestEventReasonsComeInPairs: every event reason the API package declares
// has its partner (XxxSucceeded with XxxFailed), and the controller records
// each pair through one ctrlkit.EventPair.
func TestEventReasonsComeInPairs(t *testing.T) {
	g := NewWithT(t)
	f, err := parser.ParseFile(token.NewFileSet(), "../../../api/apps/v1alpha1/conditions.go", nil, 0)
	g.Expect(err).NotTo(HaveOccurred())
	declared := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok {
			for i, name := range vs.Names {
				if strings.HasPrefix(name.Name, "Event") && i < len(vs.Values) {
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok {
						declared[strings.Trim(lit.Value, `"`)] = true
					}
				}
			}
		}
		return true
	})
	g.Expect(declared).NotTo(BeEmpty())
	for reason := range declared {
		action, ok := strings.CutSuffix(reason, "Succeeded")
		if !ok {
			action, ok = strings.CutSuffix(reason, "Failed")
		}
		g.Expect(ok).To(BeTrue(), "%s is neither Succeeded nor Failed", reason)
		g.Expect(declared).To(HaveKey(action+"Succeeded"), reason)
		g.Expect(declared).To(HaveKey(action+"Failed"), reason)
	}
	used := map[string]bool{}
	for _, p := range []ctrlkit.EventPair{applyEvents, serviceApplyEvents, cleanupEvents} {
		g.Expect(strings.TrimSuffix(p.Succeeded, "Succeeded")).To(Equal(strings.TrimSuffix(p.Failed, "Failed")), "%v", p)
		used[p.Succeeded], used[p.Failed] = true, true
	}
	g.Expect(used).To(Equal(declared), "the controller's pairs are the API package's reasons")
}
