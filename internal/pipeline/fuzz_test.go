package pipeline

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that any file is refused with Errors naming a line (or
// the file) or accepted as a config that holds what the PipelineExecution
// schema requires (a stage, each with a named step of one kind) and that
// encodes to JSON; and that parsing never panics or hangs.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*.y*ml")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, true)
		f.Add(data, false)
	}
	f.Add([]byte("stages:\n- name: a\n  steps:\n  - runScriptConfig: {image: x}\n    when: {branch: {include: [a*], exclude: b}}\n"), true)
	f.Add([]byte("a: &a [x]\nstages: *a\n"), false)
	f.Add([]byte("{{{"), true)
	f.Fuzz(func(t *testing.T, data []byte, rancher bool) {
		format := FormatWheelhouse
		if rancher {
			format = FormatRancher
		}
		c, err := Parse(data, format)
		if err != nil {
			var list Errors
			if !errors.As(err, &list) || len(list) == 0 || len(list) > MaxErrors {
				t.Fatalf("error %v (%T) is not a non-empty Errors of at most %d", err, err, MaxErrors)
			}
			for _, e := range list {
				if e.Message == "" || e.Line < 0 || e.Column < 0 {
					t.Fatalf("error without a message or with a bad position: %+v", e)
				}
			}
			return
		}
		if len(c.Stages) == 0 || len(c.Stages) > MaxStages {
			t.Fatalf("accepted with %d stages", len(c.Stages))
		}
		for _, s := range c.Stages {
			if s.Name == "" || len(s.Steps) == 0 || len(s.Steps) > MaxStepsPerStage {
				t.Fatalf("accepted stage %+v", s)
			}
			for _, st := range s.Steps {
				kinds := 0
				for _, set := range []bool{st.RunScript != nil, st.PublishImage != nil, st.ApplyYaml != nil, st.ApplyApp != nil} {
					if set {
						kinds++
					}
				}
				if kinds != 1 || st.Name == "" {
					t.Fatalf("accepted step %+v", st)
				}
				if st.ApplyYaml != nil && (st.ApplyYaml.Path == "") == (st.ApplyYaml.Content == "") {
					t.Fatalf("accepted applyYaml %+v", st.ApplyYaml)
				}
				if st.RunScript != nil && st.RunScript.Image == "" {
					t.Fatal("accepted runScript without image")
				}
			}
		}
		if _, err := json.Marshal(c); err != nil {
			t.Fatalf("accepted config does not encode: %v", err)
		}
	})
}
