package pipeline

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
)

// Format is the dialect of a pipeline file.
type Format int

// The dialects of a pipeline file.
const (
	// FormatWheelhouse is .wheelhouse-pipeline.yml: Rancher's keys and
	// Wheelhouse's own (step names, runScript, resources, timeout, cache,
	// stage env, notification webhooks).
	FormatWheelhouse Format = iota + 1
	// FormatRancher is Rancher 2.x's .rancher-pipeline.yml: Rancher's keys
	// only. Rancher's parser (yaml.v2) ignored unknown keys; here they are
	// errors, so that a misspelt key does not silently change a build.
	FormatRancher
)

func (f Format) String() string {
	switch f {
	case FormatWheelhouse:
		return ".wheelhouse-pipeline.yml"
	case FormatRancher:
		return ".rancher-pipeline.yml"
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

// FileFormat is the format of the pipeline file at name (a path in the
// repository): Rancher's for .rancher-pipeline.yml and .yaml, Wheelhouse's
// otherwise.
func FileFormat(name string) Format {
	if slices.Contains(devopsv1alpha1.RancherConfigPaths, path.Base(name)) {
		return FormatRancher
	}
	return FormatWheelhouse
}

// MaxFileSize is the largest pipeline file Parse reads.
const MaxFileSize = 1 << 20

// Limits of a pipeline file, as the PipelineExecution schema sets them.
const (
	MaxStages        = 64
	MaxStepsPerStage = 32
	maxNameLength    = 128
	maxPatterns      = 64
	maxEnv           = 128
	maxEnvFrom       = 64
)

// Parse reads a pipeline file of the given format into the stage/step
// model. Its error is an Errors listing every problem (up to MaxErrors)
// with its line, column and field path.
func Parse(data []byte, format Format) (*devopsv1alpha1.PipelineConfig, error) {
	if format != FormatWheelhouse && format != FormatRancher {
		return nil, fmt.Errorf("unknown pipeline file format %d", format)
	}
	if len(data) > MaxFileSize {
		return nil, Errors{{Message: fmt.Sprintf("the file is larger than %d bytes", MaxFileSize)}}
	}
	doc, err := parseYAML(data)
	if err != nil {
		return nil, err
	}
	d := &decoder{format: format}
	config := d.config(doc)
	if len(d.errs) > 0 {
		return nil, d.errs.sorted()
	}
	return config, nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseYAML reads the one YAML document of data into nodes.
func parseYAML(data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, Errors{{Message: "the file is empty: stages are required"}}
		}
		return nil, syntaxError(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, Errors{{Line: extra.Line, Column: extra.Column, Message: "a pipeline file holds one YAML document, not several"}}
	} else if !errors.Is(err, io.EOF) {
		return nil, syntaxError(err)
	}
	if len(doc.Content) == 0 {
		return nil, Errors{{Message: "the file is empty: stages are required"}}
	}
	return doc.Content[0], nil
}

// syntaxError turns yaml's "yaml: line N: ..." into a FieldError.
func syntaxError(err error) error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return Errors{{Line: line, Message: "not valid YAML: " + m[2]}}
	}
	return Errors{{Message: "not valid YAML: " + strings.TrimPrefix(msg, "yaml: ")}}
}

// config decodes the top level of a pipeline file.
func (d *decoder) config(n *yaml.Node) *devopsv1alpha1.PipelineConfig {
	c := &devopsv1alpha1.PipelineConfig{}
	var stagesNode *yaml.Node
	stagesFailed := false
	ok := d.mapping(n, "", []field{
		{name: "stages", rancher: true, decode: func(v *yaml.Node, p string) {
			stagesNode = d.key
			before := len(d.errs)
			c.Stages = d.stages(v, p)
			stagesFailed = len(d.errs) > before
		}},
		{name: "branch", rancher: true, decode: func(v *yaml.Node, p string) { c.Branch = d.condition(v, p, false) }},
		{name: "timeout", rancher: true, decode: func(v *yaml.Node, p string) { c.Timeout = d.timeout(v, p) }},
		{name: "notification", rancher: true, decode: func(v *yaml.Node, p string) { c.Notification = d.notification(v, p) }},
	})
	if !ok || d.stopped {
		return c
	}
	if len(c.Stages) == 0 && !stagesFailed {
		at := n
		if stagesNode != nil {
			at = stagesNode
		}
		d.failf(at, "stages", "required: at least one stage with a step")
	}
	return c
}

func (d *decoder) stages(n *yaml.Node, p string) []devopsv1alpha1.Stage {
	var stages []devopsv1alpha1.Stage
	names := map[string]int{}
	d.seq(n, p, MaxStages, func(i int, item *yaml.Node, p string) {
		s, keep := d.stage(item, p)
		if !keep {
			return
		}
		// Rancher let two stages share a name; a Wheelhouse file may not.
		if first, dup := names[s.Name]; dup && s.Name != "" && d.format == FormatWheelhouse {
			d.failf(d.at(item), child(p, "name"), "stage name %q is used twice (first by stages[%d])", s.Name, first)
		}
		if _, dup := names[s.Name]; !dup {
			names[s.Name] = i
		}
		stages = append(stages, s)
	})
	return stages
}

// stage decodes one stage; keep is false for a stage Rancher's clone step
// (sourceCodeConfig) alone made up.
func (d *decoder) stage(n *yaml.Node, p string) (s devopsv1alpha1.Stage, keep bool) {
	var stepsNode *yaml.Node
	var stepNodes []*yaml.Node
	clones := 0
	ok := d.mapping(n, p, []field{
		{name: "name", rancher: true, decode: func(v *yaml.Node, p string) { s.Name = d.str(v, p, maxNameLength) }},
		{name: "when", rancher: true, decode: func(v *yaml.Node, p string) { s.When = d.when(v, p) }},
		{name: "steps", rancher: true, decode: func(v *yaml.Node, p string) {
			stepsNode = v
			d.seq(v, p, MaxStepsPerStage, func(i int, item *yaml.Node, p string) {
				step, isClone := d.step(item, p)
				if isClone {
					clones++
					return
				}
				if step.Name == "" {
					step.Name = "step-" + strconv.Itoa(i+1)
				}
				s.Steps = append(s.Steps, step)
				stepNodes = append(stepNodes, d.at(item))
			})
		}},
		{name: "env", decode: func(v *yaml.Node, p string) { s.Env = d.env(v, p) }},
		{name: "envFrom", decode: func(v *yaml.Node, p string) { s.EnvFrom = d.envFrom(v, p) }},
		{name: "resources", decode: func(v *yaml.Node, p string) { s.Resources = d.resources(v, p) }},
		{name: "timeout", decode: func(v *yaml.Node, p string) { s.Timeout = d.timeout(v, p) }},
		{name: "cache", decode: func(v *yaml.Node, p string) { s.Cache = d.cache(v, p) }},
	})
	if !ok {
		return s, false
	}
	if clones > 0 && len(s.Steps) == 0 {
		// Rancher's clone stage: Wheelhouse clones before the first stage.
		return s, false
	}
	if s.Name == "" {
		d.failf(d.at(n), child(p, "name"), "required")
	}
	if len(s.Steps) == 0 {
		at := d.at(n)
		if stepsNode != nil {
			at = stepsNode
		}
		d.failf(at, child(p, "steps"), "required: at least one step")
	}
	names := map[string]bool{}
	for i, st := range s.Steps {
		if names[st.Name] {
			d.failf(stepNodes[i], index(child(p, "steps"), i)+".name", "step name %q is used twice in the stage", st.Name)
		}
		names[st.Name] = true
	}
	return s, true
}

// at is n with aliases followed, for positions.
func (d *decoder) at(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// when decodes a stage's or step's condition.
func (d *decoder) when(n *yaml.Node, p string) *devopsv1alpha1.When {
	w := &devopsv1alpha1.When{}
	d.mapping(n, p, []field{
		{name: "branch", rancher: true, decode: func(v *yaml.Node, p string) { w.Branch = d.condition(v, p, false) }},
		{name: "event", rancher: true, decode: func(v *yaml.Node, p string) { w.Event = d.condition(v, p, true) }},
	})
	if w.Branch == nil && w.Event == nil {
		return nil
	}
	return w
}

// condition decodes Rancher's constraint: a pattern, a list of patterns
// (both: include), or a mapping of include and exclude, each a pattern or
// a list.
func (d *decoder) condition(n *yaml.Node, p string, events bool) *devopsv1alpha1.Condition {
	if n = d.visit(n); n == nil || isNull(n) {
		return nil
	}
	c := &devopsv1alpha1.Condition{}
	list := func(v *yaml.Node, p string) []string {
		values := d.strList(v, p, maxPatterns, 256)
		if events {
			v = d.at(v)
			for i, e := range values {
				if !slices.Contains(devopsv1alpha1.Events, e) {
					at, ep := v, p
					if v.Kind == yaml.SequenceNode {
						at, ep = v.Content[i], index(p, i)
					}
					d.failf(at, ep, "unknown event %q (known: %s)", e, strings.Join(devopsv1alpha1.Events, ", "))
				}
			}
		}
		return values
	}
	if n.Kind == yaml.MappingNode {
		d.mapping(n, p, []field{
			{name: "include", rancher: true, decode: func(v *yaml.Node, p string) { c.Include = list(v, p) }},
			{name: "exclude", rancher: true, decode: func(v *yaml.Node, p string) { c.Exclude = list(v, p) }},
		})
	} else {
		c.Include = list(n, p)
	}
	if len(c.Include) == 0 && len(c.Exclude) == 0 {
		return nil
	}
	return c
}

// notification decodes Rancher's notification (recipients with notifier
// ids, which cannot apply unless the recipient is a webhook URL) or
// Wheelhouse's (webhooks).
func (d *decoder) notification(n *yaml.Node, p string) *devopsv1alpha1.Notification {
	owner := d.key
	out := &devopsv1alpha1.Notification{}
	webhook := func(v *yaml.Node, p string) {
		u := d.str(v, p, 2048)
		if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
			d.failf(d.at(v), p, "must be an http or https URL")
			return
		}
		out.Webhooks = append(out.Webhooks, devopsv1alpha1.NotificationWebhook{URL: u})
	}
	conditions := func(v *yaml.Node, p string) {
		for _, c := range d.strList(v, p, 3, 16) {
			nc := devopsv1alpha1.NotificationCondition(c)
			switch nc {
			case devopsv1alpha1.NotifyFailed, devopsv1alpha1.NotifySuccess, devopsv1alpha1.NotifyChanged:
				if !slices.Contains(out.Conditions, nc) {
					out.Conditions = append(out.Conditions, nc)
				}
			default:
				d.failf(d.at(v), p, "unknown condition %q (known: Failed, Success, Changed)", c)
			}
		}
	}
	before := len(d.errs)
	ok := d.mapping(n, p, []field{
		{name: "recipients", rancher: true, decode: func(v *yaml.Node, p string) {
			d.seq(v, p, 16, func(_ int, item *yaml.Node, p string) {
				var recipient, notifier *yaml.Node
				d.mapping(item, p, []field{
					{name: "recipient", rancher: true, decode: func(v *yaml.Node, _ string) { recipient = v }},
					{name: "notifier", rancher: true, decode: func(v *yaml.Node, _ string) { notifier = v }},
				})
				if notifier != nil && d.str(notifier, child(p, "notifier"), 512) != "" {
					d.failf(d.at(notifier), child(p, "notifier"), "Rancher notifiers do not exist in Wheelhouse: give a webhook URL as the recipient, without a notifier")
					return
				}
				if recipient == nil {
					d.failf(d.at(item), child(p, "recipient"), "required: a webhook URL")
					return
				}
				webhook(recipient, child(p, "recipient"))
			})
		}},
		{name: "webhooks", decode: func(v *yaml.Node, p string) {
			d.seq(v, p, 16, func(_ int, item *yaml.Node, p string) {
				if item := d.at(item); item.Kind == yaml.MappingNode {
					d.mapping(item, p, []field{{name: "url", decode: webhook}})
					return
				}
				webhook(item, p)
			})
		}},
		{name: "condition", rancher: true, decode: conditions},
		{name: "conditions", decode: conditions},
		{name: "message", rancher: true, decode: func(v *yaml.Node, p string) { out.Message = d.str(v, p, 4096) }},
	})
	if !ok || len(d.errs) > before {
		return nil
	}
	if len(out.Webhooks) == 0 {
		if len(out.Conditions) > 0 || out.Message != "" {
			d.failf(owner, child(p, "recipients"), "required: at least one webhook URL to notify")
		}
		// An empty notification notifies no one, as in Rancher.
		return nil
	}
	return out
}

var cacheKey = regexp.MustCompile(`^([A-Za-z0-9._-]|\$\{[A-Za-z_][A-Za-z0-9_]*\})+$`)

// cache decodes a step's or stage's cache.
func (d *decoder) cache(n *yaml.Node, p string) *devopsv1alpha1.Cache {
	owner := d.key
	c := &devopsv1alpha1.Cache{}
	var keyNode *yaml.Node
	ok := d.mapping(n, p, []field{
		{name: "key", decode: func(v *yaml.Node, p string) {
			keyNode = v
			c.Key = d.str(v, p, 256)
		}},
		{name: "paths", decode: func(v *yaml.Node, p string) {
			c.Paths = d.strList(v, p, 16, 4096)
			v = d.at(v)
			for i, path := range c.Paths {
				if slices.Contains(strings.Split(path, "/"), "..") {
					at, ip := v, p
					if v.Kind == yaml.SequenceNode {
						at, ip = v.Content[i], index(p, i)
					}
					d.failf(at, ip, "must not contain ..")
				}
			}
		}},
	})
	if !ok {
		return nil
	}
	switch {
	case c.Key == "":
		d.failf(owner, child(p, "key"), "required")
	case !cacheKey.MatchString(c.Key):
		d.failf(d.at(keyNode), child(p, "key"), "may hold letters, digits, '.', '_', '-' and ${VARIABLES} only")
	}
	if len(c.Paths) == 0 {
		d.failf(owner, child(p, "paths"), "required: at least one path")
	}
	return c
}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)

// env decodes environment variables.
func (d *decoder) env(n *yaml.Node, p string) map[string]string {
	return d.strMap(n, p, maxEnv, func(k *yaml.Node, p string) {
		if !envName.MatchString(k.Value) || len(k.Value) > 253 {
			d.failf(k, p, "not a valid environment variable name")
		}
	})
}

// envFrom decodes Rancher's secret references.
func (d *decoder) envFrom(n *yaml.Node, p string) []devopsv1alpha1.EnvFromSecret {
	var out []devopsv1alpha1.EnvFromSecret
	d.seq(n, p, maxEnvFrom, func(_ int, item *yaml.Node, p string) {
		var e devopsv1alpha1.EnvFromSecret
		var target *yaml.Node
		if !d.mapping(item, p, []field{
			{name: "sourceName", rancher: true, decode: func(v *yaml.Node, p string) { e.SourceName = d.str(v, p, 253) }},
			{name: "sourceKey", rancher: true, decode: func(v *yaml.Node, p string) { e.SourceKey = d.str(v, p, 253) }},
			{name: "targetKey", rancher: true, decode: func(v *yaml.Node, p string) {
				target = v
				e.TargetKey = d.str(v, p, 253)
			}},
		}) {
			return
		}
		if e.SourceName == "" {
			d.failf(d.at(item), child(p, "sourceName"), "required")
		}
		if e.SourceKey == "" {
			d.failf(d.at(item), child(p, "sourceKey"), "required")
		}
		if e.TargetKey != "" && !envName.MatchString(e.TargetKey) {
			d.failf(d.at(target), child(p, "targetKey"), "not a valid environment variable name")
		}
		out = append(out, e)
	})
	return out
}
