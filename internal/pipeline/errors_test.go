package pipeline

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseErrors checks each validation error: its line, column, field
// path and message.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name   string
		format Format
		file   string
		want   []string
	}{
		{"image required", FormatRancher, `
stages:
- name: build
  steps:
  - runScriptConfig:
      shellScript: make
- name: test
  steps:
  - runScriptConfig:
      image: golang
  - runScriptConfig:
      shellScript: go test ./...
`, []string{
			"line 4, column 5, stages[0].steps[0].runScriptConfig.image: required",
			"line 10, column 5, stages[1].steps[1].runScriptConfig.image: required",
		}},
		{"null image", FormatRancher, "stages:\n- name: a\n  steps:\n  - runScriptConfig:\n      image:\n", []string{
			"line 4, column 5, stages[0].steps[0].runScriptConfig.image: required",
		}},
		{"unknown top-level key", FormatRancher, "stage:\n- name: a\n", []string{
			"line 1, column 1, stage: unknown field (known: stages, branch, timeout, notification)",
			"line 1, column 1, stages: required: at least one stage with a step",
		}},
		{"unknown step key", FormatRancher, "stages:\n- name: a\n  steps:\n  - runScriptConfig: {image: x}\n    privilege: true\n", []string{
			"line 5, column 5, stages[0].steps[0].privilege: unknown field (known: sourceCodeConfig, runScriptConfig, publishImageConfig, applyYamlConfig, applyAppConfig, publishCatalogConfig, when, env, envFrom, privileged, cpuRequest, cpuLimit, memoryRequest, memoryLimit)",
		}},
		{"unknown key in a step kind", FormatWheelhouse, "stages:\n- name: a\n  steps:\n  - runScript: {image: x, script: y}\n", []string{
			"line 4, column 27, stages[0].steps[0].runScript.script: unknown field (known: image, shellScript)",
		}},
		{"wheelhouse key in a rancher file", FormatRancher, "stages:\n- name: a\n  steps:\n  - runScript:\n      image: x\n", []string{
			"line 4, column 5, stages[0].steps[0].runScript: not a field of .rancher-pipeline.yml (it is one of .wheelhouse-pipeline.yml)",
			"line 4, column 5, stages[0].steps[0]: a step needs one of runScriptConfig, publishImageConfig, applyYamlConfig, applyAppConfig",
		}},
		{"case differs in a rancher file", FormatRancher, "stages:\n- name: a\n  steps:\n  - runScriptConfig: {image: x}\n    Privileged: true\n", []string{
			"line 5, column 5, stages[0].steps[0].Privileged: unknown field (did you mean privileged?)",
		}},
		{"case differs in a wheelhouse file", FormatWheelhouse, "stages:\n- name: a\n  steps:\n  - runScript: {image: x}\n    Privileged: true\n", []string{
			"line 5, column 5, stages[0].steps[0].Privileged: unknown field (did you mean privileged?)",
		}},
		{"two kinds in a step", FormatWheelhouse, "stages:\n- name: a\n  steps:\n  - runScript: {image: x}\n    applyYaml: {path: a.yaml}\n", []string{
			"line 4, column 5, stages[0].steps[0]: a step has exactly one kind, not 2 ([runScript applyYaml]): make each its own step",
		}},
		{"no kind", FormatWheelhouse, "stages:\n- name: a\n  steps:\n  - env: {A: b}\n", []string{
			"line 4, column 5, stages[0].steps[0]: a step needs one of runScriptConfig, publishImageConfig, applyYamlConfig, applyAppConfig (or runScript, publishImage, applyYaml, applyApp)",
		}},
		{"key twice", FormatRancher, "stages:\n- name: a\n  name: b\n  steps:\n  - runScriptConfig: {image: x}\n", []string{
			"line 3, column 3, stages[0].name: given twice (first on line 2)",
		}},
		{"stage name required and unique", FormatWheelhouse, "stages:\n- steps:\n  - runScriptConfig: {image: x}\n- name: b\n  steps:\n  - runScriptConfig: {image: x}\n- name: b\n  steps:\n  - runScriptConfig: {image: x}\n", []string{
			"line 2, column 3, stages[0].name: required",
			"line 7, column 3, stages[2].name: stage name \"b\" is used twice (first by stages[1])",
		}},
		{"stage without steps", FormatRancher, "stages:\n- name: a\n  steps: []\n", []string{
			"line 3, column 10, stages[0].steps: required: at least one step",
		}},
		{"stages not a list", FormatRancher, "stages: build\n", []string{
			"line 1, column 9, stages: must be a list, not a scalar",
		}},
		{"unknown event", FormatRancher, "stages:\n- name: a\n  when:\n    event: [push, merge_request]\n  steps:\n  - runScriptConfig: {image: x}\n", []string{
			"line 4, column 19, stages[0].when.event[1]: unknown event \"merge_request\" (known: push, pull_request, tag, cron, manual, image_push)",
		}},
		{"unknown event in exclude", FormatRancher, "stages:\n- name: a\n  when:\n    event:\n      exclude: Push\n  steps:\n  - runScriptConfig: {image: x}\n", []string{
			"line 5, column 16, stages[0].when.event.exclude: unknown event \"Push\" (known: push, pull_request, tag, cron, manual, image_push)",
		}},
		{"timeout", FormatRancher, "stages:\n- name: a\n  steps:\n  - runScriptConfig: {image: x}\ntimeout: 1h\n", []string{
			"line 5, column 10, timeout: must be a whole number of minutes",
		}},
		{"timeout zero", FormatWheelhouse, "stages:\n- name: a\n  steps:\n  - runScript: {image: x}\n    timeout: 0\n", []string{
			"line 5, column 14, stages[0].steps[0].timeout: must be between 1 and 10080 minutes",
		}},
		{"bad duration", FormatWheelhouse, "stages:\n- name: a\n  steps:\n  - runScript: {image: x}\n    timeout: soon\n", []string{
			"line 5, column 14, stages[0].steps[0].timeout: must be a number of minutes or a duration such as 90s or 1h30m",
		}},
		{"bad quantity", FormatRancher, "stages:\n- name: a\n  steps:\n  - runScriptConfig: {image: x}\n    cpuLimit: lots\n", []string{
			"line 5, column 15, stages[0].steps[0].cpuLimit: \"lots\" is not a quantity (examples: 500m, 2, 1Gi, 10)",
		}},
		{"limit below request", FormatWheelhouse, "stages:\n- name: a\n  steps:\n  - runScript: {image: x}\n    resources:\n      memoryRequest: 1Gi\n      memoryLimit: 512Mi\n", []string{
			"line 6, column 7, stages[0].steps[0].resources.memoryLimit: must not be less than memoryRequest",
		}},
		{"flat and nested resources", FormatWheelhouse, "stages:\n- name: a\n  steps:\n  - runScript: {image: x}\n    cpuLimit: 1\n    resources: {cpuLimit: 2}\n", []string{
			"line 5, column 15, stages[0].steps[0]: give resources either as cpuRequest, cpuLimit, memoryRequest, memoryLimit or under resources, not both",
		}},
		{"bool", FormatRancher, "stages:\n- name: a\n  steps:\n  - publishImageConfig: {tag: a:b, pushRemote: maybe}\n", []string{
			"line 4, column 48, stages[0].steps[0].publishImageConfig.pushRemote: must be true or false",
		}},
		{"push without registry", FormatRancher, "stages:\n- name: a\n  steps:\n  - publishImageConfig:\n      tag: a:b\n      pushRemote: true\n", []string{
			"line 4, column 5, stages[0].steps[0].publishImageConfig.registry: required when pushRemote is true",
		}},
		{"applyYaml path and content", FormatWheelhouse, "stages:\n- name: a\n  steps:\n  - applyYaml:\n      path: a.yaml\n      content: 'kind: ConfigMap'\n", []string{
			"line 4, column 5, stages[0].steps[0].applyYaml.path: give exactly one of path and content",
		}},
		{"applyApp required fields", FormatRancher, "stages:\n- name: a\n  steps:\n  - applyAppConfig:\n      catalogTemplate: mysql\n", []string{
			"line 4, column 5, stages[0].steps[0].applyAppConfig.version: required",
			"line 4, column 5, stages[0].steps[0].applyAppConfig.name: required",
			"line 4, column 5, stages[0].steps[0].applyAppConfig.targetNamespace: required",
		}},
		{"envFrom", FormatRancher, "stages:\n- name: a\n  steps:\n  - runScriptConfig: {image: x}\n    envFrom:\n    - sourceKey: k\n      targetKey: 1BAD\n", []string{
			"line 6, column 7, stages[0].steps[0].envFrom[0].sourceName: required",
			"line 7, column 18, stages[0].steps[0].envFrom[0].targetKey: not a valid environment variable name",
		}},
		{"env name", FormatRancher, "stages:\n- name: a\n  steps:\n  - runScriptConfig: {image: x}\n    env:\n      A=B: c\n", []string{
			"line 6, column 7, stages[0].steps[0].env.A=B: not a valid environment variable name",
		}},
		{"env not a mapping", FormatRancher, "stages:\n- name: a\n  steps:\n  - runScriptConfig: {image: x}\n    env: [A=b]\n", []string{
			"line 5, column 10, stages[0].steps[0].env: must be a mapping, not a list",
		}},
		{"cache", FormatWheelhouse, "stages:\n- name: a\n  steps:\n  - runScript: {image: x}\n    cache:\n      key: go mod\n      paths: [../outside]\n", []string{
			"line 6, column 12, stages[0].steps[0].cache.key: may hold letters, digits, '.', '_', '-' and ${VARIABLES} only",
			"line 7, column 15, stages[0].steps[0].cache.paths[0]: must not contain ..",
		}},
		{"stage resources", FormatWheelhouse, "stages:\n- name: a\n  resources: {cpuRequest: 2, cpuLimit: 1}\n  steps:\n  - runScript: {image: x}\n", []string{
			"line 3, column 14, stages[0].resources.cpuLimit: must not be less than cpuRequest",
		}},
		{"stage resources in a rancher file", FormatRancher, "stages:\n- name: a\n  resources: {cpuRequest: 2}\n  steps:\n  - runScriptConfig: {image: x}\n", []string{
			"line 3, column 3, stages[0].resources: not a field of .rancher-pipeline.yml (it is one of .wheelhouse-pipeline.yml)",
		}},
		{"cache needs paths", FormatWheelhouse, "stages:\n- name: a\n  cache: {key: k}\n  steps:\n  - runScript: {image: x}\n", []string{
			"line 3, column 3, stages[0].cache.paths: required: at least one path",
		}},
		{"notification condition", FormatRancher, "stages:\n- name: a\n  steps:\n  - runScriptConfig: {image: x}\nnotification:\n  recipients:\n  - recipient: https://hooks.example.com/x\n  condition: [Failed, Broken]\n", []string{
			"line 8, column 14, notification.condition: unknown condition \"Broken\" (known: Failed, Success, Changed)",
		}},
		{"notification recipient not a URL", FormatRancher, "stages:\n- name: a\n  steps:\n  - runScriptConfig: {image: x}\nnotification:\n  recipients:\n  - recipient: ops@example.com\n", []string{
			"line 7, column 16, notification.recipients[0].recipient: must be an http or https URL",
		}},
		{"notification without recipient", FormatWheelhouse, "stages:\n- name: a\n  steps:\n  - runScript: {image: x}\nnotification:\n  conditions: [Failed]\n", []string{
			"line 5, column 1, notification.recipients: required: at least one webhook URL to notify",
		}},
		{"notification errors and an error elsewhere", FormatRancher, "stages:\n- name: a\n  steps:\n  - runScriptConfig: {}\nnotification:\n  condition: [Failed]\n", []string{
			"line 4, column 5, stages[0].steps[0].runScriptConfig.image: required",
			"line 5, column 1, notification.recipients: required: at least one webhook URL to notify",
		}},
		{"step names unique", FormatWheelhouse, "stages:\n- name: a\n  steps:\n  - name: x\n    runScript: {image: x}\n  - name: x\n    runScript: {image: x}\n", []string{
			"line 6, column 5, stages[0].steps[1].name: step name \"x\" is used twice in the stage",
		}},
		{"several documents", FormatRancher, "stages: []\n---\nstages: []\n", []string{
			"line 2, column 1: a pipeline file holds one YAML document, not several",
		}},
		{"empty file", FormatRancher, "# nothing\n", []string{"the file is empty: stages are required"}},
		{"not a mapping", FormatRancher, "- name: a\n", []string{"line 1, column 1: must be a mapping, not a list"}},
		{"tabs", FormatRancher, "stages:\n\t- name: a\n", []string{"line 2: not valid YAML: found character that cannot start any token"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(strings.TrimPrefix(tc.file, "\n")), tc.format)
			if diff := cmp.Diff(tc.want, errorLines(t, err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseTooManyErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("stages:\n- name: a\n  steps:\n")
	for range 30 {
		b.WriteString("  - runScriptConfig: {shellScript: x}\n    bad: 1\n")
	}
	_, err := Parse([]byte(b.String()), FormatRancher)
	lines := errorLines(t, err)
	if len(lines) != MaxErrors || !strings.HasSuffix(lines[len(lines)-1], "too many errors; the rest are left out") {
		t.Fatalf("%d errors, the last %q", len(lines), lines[len(lines)-1])
	}
}

// TestParseAliases reads anchors and aliases (a shared condition), and
// refuses a billion-laughs file quickly rather than expanding it.
func TestParseAliases(t *testing.T) {
	shared := "stages:\n- name: a\n  when: &main\n    branch: main\n  steps:\n  - runScriptConfig: {image: x}\n    when: *main\n"
	c, err := Parse([]byte(shared), FormatRancher)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Stages[0].Steps[0].When.Branch.Include; len(got) != 1 || got[0] != "main" {
		t.Fatalf("the alias reads as %v", got)
	}
	bomb := "stages:\n- name: a\n  steps:\n  - runScriptConfig: {image: x}\n    env: &a {A: b}\n"
	prev := "a"
	for i := range 12 {
		name := string(rune('b' + i))
		bomb += "x" + name + ": &" + name + " [" + strings.TrimSuffix(strings.Repeat("*"+prev+",", 10), ",") + "]\n"
		prev = name
	}
	bomb += "branch: [" + strings.TrimSuffix(strings.Repeat("*"+prev+",", 10), ",") + "]\n"
	_, err = Parse([]byte(bomb), FormatRancher)
	if err == nil {
		t.Fatal("accepted")
	}
}

func TestParseLimits(t *testing.T) {
	if _, err := Parse(make([]byte, MaxFileSize+1), FormatRancher); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("a large file: %v", err)
	}
	var b strings.Builder
	b.WriteString("stages:\n")
	for i := range MaxStages + 1 {
		b.WriteString("- name: s" + strings.Repeat("x", i) + "\n  steps:\n  - runScriptConfig: {image: x}\n")
	}
	_, err := Parse([]byte(b.String()), FormatRancher)
	if diff := cmp.Diff([]string{
		"line 2, column 1, stages: more than 64 items",
	}, errorLines(t, err)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// An empty notification notifies no one.
	if c, err := Parse([]byte("stages:\n- name: a\n  steps:\n  - runScriptConfig: {image: x}\nnotification: {}\n"), FormatRancher); err != nil || c.Notification != nil {
		t.Errorf("an empty notification: %v, %+v", err, c)
	}
	// Rancher let two stages share a name.
	if _, err := Parse([]byte("stages:\n- name: a\n  steps:\n  - runScriptConfig: {image: x}\n- name: a\n  steps:\n  - runScriptConfig: {image: y}\n"), FormatRancher); err != nil {
		t.Errorf("a Rancher file with two stages of one name: %v", err)
	}
	if _, err := Parse([]byte("stages: []\n"), 0); err == nil {
		t.Error("format 0 accepted")
	}
}

func TestFileFormat(t *testing.T) {
	for name, want := range map[string]Format{
		".rancher-pipeline.yml":      FormatRancher,
		".rancher-pipeline.yaml":     FormatRancher,
		"sub/.rancher-pipeline.yml":  FormatRancher,
		".wheelhouse-pipeline.yml":   FormatWheelhouse,
		"ci/build.yml":               FormatWheelhouse,
		"rancher-pipeline.yml":       FormatWheelhouse,
		".rancher-pipeline.yml.orig": FormatWheelhouse,
	} {
		if got := FileFormat(name); got != want {
			t.Errorf("FileFormat(%q) = %v, want %v", name, got, want)
		}
	}
}
