package server

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestDuplicateKey(t *testing.T) {
	tests := []struct {
		doc, want string
	}{
		{`{"role":"user","role":"admin"}`, "body.role"},
		{`{"a":{"b":1,"c":{"d":[1,{"e":2,"e":3}]}}}`, "body.a.c.d[1].e"},
		{`[{"x":1},{"x":2},{"y":[],"y":{}}]`, "body[2].y"},
		{`{"a":{"k":1},"b":{"k":1},"k":[{"k":1}]}`, ""},
		{`{"a":1,"b":{"a":1}}`, ""},
		{`{"a":"x","a"`, "body.a"},
		{`{"a":1,}`, ""},
		{`"just a string"`, ""},
		{``, ""},
		{strings.Repeat("[", 20000) + strings.Repeat("]", 20000), ""},
	}
	for _, tc := range tests {
		got, ok := duplicateKey([]byte(tc.doc))
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("%.40s: %q %v, want %q", tc.doc, got, ok, tc.want)
		}
	}
}

// FuzzDuplicateKey checks the scan on any text: it ends, a JSON document
// that Go decodes and encodes again (which drops duplicates) has none, and
// one with a key added twice at the top has that one.
func FuzzDuplicateKey(f *testing.F) {
	for _, s := range []string{`{"role":"user","role":"admin"}`, `{"a":[{"b":1},{"b":{"c":1,"c":2}}]}`, `[1,"x",null,{}]`, `{"a":`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		if loc, ok := duplicateKey([]byte(doc)); ok && !strings.HasPrefix(loc, "body") {
			t.Fatalf("location %q", loc)
		}
		var v any
		if json.Unmarshal([]byte(doc), &v) != nil {
			return
		}
		clean, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if loc, ok := duplicateKey(clean); ok {
			t.Fatalf("%s: duplicate %s reported in %s", doc, loc, clean)
		}
		twice := `{"k":` + string(clean) + `,"k":` + string(clean) + `}`
		if loc, ok := duplicateKey([]byte(twice)); !ok || loc != "body.k" {
			t.Fatalf("%s: got %q %v, want body.k", twice, loc, ok)
		}
	})
}
