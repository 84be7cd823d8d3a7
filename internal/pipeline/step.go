package pipeline

import (
	"errors"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/api/resource"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/quantity"
)

// DefaultImageTag is the tag of a publishImage step that sets none
// (Rancher's default).
const DefaultImageTag = "${CICD_GIT_REPO_NAME}:${CICD_GIT_BRANCH}"

// step decodes one step; clone is true for Rancher's sourceCodeConfig
// step, which Wheelhouse does itself before the first stage.
func (d *decoder) step(n *yaml.Node, p string) (s devopsv1alpha1.Step, clone bool) {
	var kinds []string
	kind := func(name string, decode func(v *yaml.Node, p string)) func(v *yaml.Node, p string) {
		return func(v *yaml.Node, p string) {
			kinds = append(kinds, name)
			decode(v, p)
		}
	}
	var res devopsv1alpha1.StepResources
	var resNode *yaml.Node
	flat := func(q **resource.Quantity) func(v *yaml.Node, p string) {
		return func(v *yaml.Node, p string) {
			if resNode == nil {
				resNode = v
			}
			*q = d.quantity(v, p)
		}
	}
	var nested *devopsv1alpha1.StepResources
	run := func(v *yaml.Node, p string) { s.RunScript = d.runScript(v, p) }
	publish := func(v *yaml.Node, p string) { s.PublishImage = d.publishImage(v, p) }
	apply := func(v *yaml.Node, p string) { s.ApplyYaml = d.applyYaml(v, p) }
	app := func(v *yaml.Node, p string) { s.ApplyApp = d.applyApp(v, p) }
	ok := d.mapping(n, p, []field{
		{name: "name", decode: func(v *yaml.Node, p string) { s.Name = d.str(v, p, maxNameLength) }},
		{name: "sourceCodeConfig", rancher: true, decode: kind("sourceCodeConfig", func(v *yaml.Node, p string) {
			d.mapping(v, p, nil)
		})},
		{name: "runScriptConfig", rancher: true, decode: kind("runScriptConfig", run)},
		{name: "publishImageConfig", rancher: true, decode: kind("publishImageConfig", publish)},
		{name: "applyYamlConfig", rancher: true, decode: kind("applyYamlConfig", apply)},
		{name: "applyAppConfig", rancher: true, decode: kind("applyAppConfig", app)},
		{name: "publishCatalogConfig", rancher: true, decode: func(v *yaml.Node, p string) {
			kinds = append(kinds, "publishCatalogConfig")
			d.failf(d.at(v), p, "cannot apply: Wheelhouse has no Rancher catalog to publish a chart template to; push the chart from a runScript step (helm push) instead")
		}},
		{name: "runScript", decode: kind("runScript", run)},
		{name: "publishImage", decode: kind("publishImage", publish)},
		{name: "applyYaml", decode: kind("applyYaml", apply)},
		{name: "applyApp", decode: kind("applyApp", app)},
		{name: "when", rancher: true, decode: func(v *yaml.Node, p string) { s.When = d.when(v, p) }},
		{name: "env", rancher: true, decode: func(v *yaml.Node, p string) { s.Env = d.env(v, p) }},
		{name: "envFrom", rancher: true, decode: func(v *yaml.Node, p string) { s.EnvFrom = d.envFrom(v, p) }},
		{name: "privileged", rancher: true, decode: func(v *yaml.Node, p string) { s.Privileged = d.boolean(v, p) }},
		{name: "cpuRequest", rancher: true, decode: flat(&res.CPURequest)},
		{name: "cpuLimit", rancher: true, decode: flat(&res.CPULimit)},
		{name: "memoryRequest", rancher: true, decode: flat(&res.MemoryRequest)},
		{name: "memoryLimit", rancher: true, decode: flat(&res.MemoryLimit)},
		{name: "resources", decode: func(v *yaml.Node, p string) { nested = d.resources(v, p) }},
		{name: "timeout", decode: func(v *yaml.Node, p string) { s.Timeout = d.timeout(v, p) }},
		{name: "cache", decode: func(v *yaml.Node, p string) { s.Cache = d.cache(v, p) }},
	})
	if !ok {
		return s, false
	}
	hasFlat := res != (devopsv1alpha1.StepResources{})
	switch {
	case hasFlat && nested != nil:
		d.failf(resNode, p, "give resources either as cpuRequest, cpuLimit, memoryRequest, memoryLimit or under resources, not both")
	case hasFlat:
		d.checkResources(resNode, p, &res)
		s.Resources = &res
	case nested != nil:
		s.Resources = nested
	}
	switch len(kinds) {
	case 0:
		d.failf(d.at(n), p, "a step needs one of runScriptConfig, publishImageConfig, applyYamlConfig, applyAppConfig%s", d.wheelhouseKinds())
	case 1:
		return s, kinds[0] == "sourceCodeConfig"
	default:
		d.failf(d.at(n), p, "a step has exactly one kind, not %d (%v): make each its own step", len(kinds), kinds)
	}
	return s, false
}

func (d *decoder) wheelhouseKinds() string {
	if d.format == FormatRancher {
		return ""
	}
	return " (or runScript, publishImage, applyYaml, applyApp)"
}

// quantity decodes a resource amount; YAML numbers (cpuLimit: 1) are
// amounts too.
func (d *decoder) quantity(n *yaml.Node, p string) *resource.Quantity {
	s := d.str(n, p, quantity.MaxLength+1)
	if s == "" {
		return nil
	}
	q, err := quantity.Parse(p, s)
	if err != nil {
		var qe *quantity.Error
		msg := err.Error()
		if errors.As(err, &qe) {
			msg = qe.Message()
		}
		d.failf(d.at(n), p, "%s", msg)
		return nil
	}
	if q.Sign() < 0 {
		d.failf(d.at(n), p, "must not be negative")
		return nil
	}
	return &q
}

// resources decodes Wheelhouse's resources mapping of a stage or step.
func (d *decoder) resources(n *yaml.Node, p string) *devopsv1alpha1.StepResources {
	r := &devopsv1alpha1.StepResources{}
	d.mapping(n, p, []field{
		{name: "cpuRequest", decode: func(v *yaml.Node, p string) { r.CPURequest = d.quantity(v, p) }},
		{name: "cpuLimit", decode: func(v *yaml.Node, p string) { r.CPULimit = d.quantity(v, p) }},
		{name: "memoryRequest", decode: func(v *yaml.Node, p string) { r.MemoryRequest = d.quantity(v, p) }},
		{name: "memoryLimit", decode: func(v *yaml.Node, p string) { r.MemoryLimit = d.quantity(v, p) }},
	})
	d.checkResources(n, p, r)
	return r
}

// checkResources refuses limits below requests.
func (d *decoder) checkResources(at *yaml.Node, p string, r *devopsv1alpha1.StepResources) {
	if r.CPURequest != nil && r.CPULimit != nil && r.CPULimit.Cmp(*r.CPURequest) < 0 {
		d.failf(d.at(at), child(p, "cpuLimit"), "must not be less than cpuRequest")
	}
	if r.MemoryRequest != nil && r.MemoryLimit != nil && r.MemoryLimit.Cmp(*r.MemoryRequest) < 0 {
		d.failf(d.at(at), child(p, "memoryLimit"), "must not be less than memoryRequest")
	}
}

func (d *decoder) runScript(n *yaml.Node, p string) *devopsv1alpha1.RunScriptStep {
	owner := d.key
	r := &devopsv1alpha1.RunScriptStep{}
	if !d.mapping(n, p, []field{
		{name: "image", rancher: true, decode: func(v *yaml.Node, p string) { r.Image = d.str(v, p, 1024) }},
		{name: "shellScript", rancher: true, decode: func(v *yaml.Node, p string) { r.ShellScript = d.str(v, p, 256<<10) }},
	}) {
		return nil
	}
	if r.Image == "" {
		d.failf(owner, child(p, "image"), "required")
	}
	return r
}

func (d *decoder) publishImage(n *yaml.Node, p string) *devopsv1alpha1.PublishImageStep {
	owner := d.key
	r := &devopsv1alpha1.PublishImageStep{}
	if !d.mapping(n, p, []field{
		{name: "dockerfilePath", rancher: true, decode: func(v *yaml.Node, p string) { r.DockerfilePath = d.str(v, p, 4096) }},
		{name: "buildContext", rancher: true, decode: func(v *yaml.Node, p string) { r.BuildContext = d.str(v, p, 4096) }},
		{name: "tag", rancher: true, decode: func(v *yaml.Node, p string) { r.Tag = d.str(v, p, 1024) }},
		{name: "pushRemote", rancher: true, decode: func(v *yaml.Node, p string) { r.PushRemote = d.boolean(v, p) }},
		{name: "registry", rancher: true, decode: func(v *yaml.Node, p string) { r.Registry = d.str(v, p, 1024) }},
	}) {
		return nil
	}
	if r.DockerfilePath == "" {
		r.DockerfilePath = "./Dockerfile"
	}
	if r.BuildContext == "" {
		r.BuildContext = "."
	}
	if r.Tag == "" {
		r.Tag = DefaultImageTag
	}
	if r.PushRemote && r.Registry == "" {
		d.failf(owner, child(p, "registry"), "required when pushRemote is true")
	}
	return r
}

func (d *decoder) applyYaml(n *yaml.Node, p string) *devopsv1alpha1.ApplyYamlStep {
	owner := d.key
	r := &devopsv1alpha1.ApplyYamlStep{}
	if !d.mapping(n, p, []field{
		{name: "path", rancher: true, decode: func(v *yaml.Node, p string) { r.Path = d.str(v, p, 4096) }},
		{name: "content", rancher: true, decode: func(v *yaml.Node, p string) { r.Content = d.str(v, p, 1<<20) }},
		{name: "namespace", rancher: true, decode: func(v *yaml.Node, p string) { r.Namespace = d.str(v, p, 63) }},
		{name: "cluster", decode: func(v *yaml.Node, p string) { r.Cluster = d.str(v, p, 253) }},
	}) {
		return nil
	}
	if (r.Path == "") == (r.Content == "") {
		d.failf(owner, child(p, "path"), "give exactly one of path and content")
	}
	return r
}

func (d *decoder) applyApp(n *yaml.Node, p string) *devopsv1alpha1.ApplyAppStep {
	owner := d.key
	r := &devopsv1alpha1.ApplyAppStep{}
	if !d.mapping(n, p, []field{
		{name: "catalogTemplate", rancher: true, decode: func(v *yaml.Node, p string) { r.CatalogTemplate = d.str(v, p, 512) }},
		{name: "version", rancher: true, decode: func(v *yaml.Node, p string) { r.Version = d.str(v, p, 128) }},
		{name: "answers", rancher: true, decode: func(v *yaml.Node, p string) { r.Answers = d.strMap(v, p, 512, nil) }},
		{name: "name", rancher: true, decode: func(v *yaml.Node, p string) { r.Name = d.str(v, p, 53) }},
		{name: "targetNamespace", rancher: true, decode: func(v *yaml.Node, p string) { r.TargetNamespace = d.str(v, p, 63) }},
		{name: "cluster", decode: func(v *yaml.Node, p string) { r.Cluster = d.str(v, p, 253) }},
	}) {
		return nil
	}
	for _, req := range []struct{ name, value string }{
		{"catalogTemplate", r.CatalogTemplate}, {"version", r.Version}, {"name", r.Name}, {"targetNamespace", r.TargetNamespace},
	} {
		if req.value == "" {
			d.failf(owner, child(p, req.name), "required")
		}
	}
	return r
}
