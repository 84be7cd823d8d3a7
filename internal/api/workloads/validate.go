package workloads

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/wheelhouse-dev/wheelhouse/internal/quantity"
)

// problems collects what is wrong with a request, each at its location.
type problems []error

func (p *problems) add(loc, format string, args ...any) {
	*p = append(*p, &huma.ErrorDetail{Location: loc, Message: fmt.Sprintf(format, args...)})
}

func (p *problems) addAll(loc string, msgs []string) {
	for _, m := range msgs {
		p.add(loc, "%s", m)
	}
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return huma.Error422UnprocessableEntity("invalid workload", p...)
}

// validate checks s for kind k before anything is sent to the cluster, so
// that mistakes come back at once with the field at fault (body.<field>).
// The API server validates again on create and update.
func validate(k kindInfo, s *WorkloadSpec) error {
	var p problems
	p.addAll("body.name", validation.IsDNS1123Subdomain(s.Name))
	if len(validation.IsValidLabelValue(s.Name)) > 0 {
		p.add("body.name", "must be at most 63 characters (it is a label value of the pods)")
	}
	for key, v := range s.Labels {
		p.addAll("body.labels."+key, validation.IsQualifiedName(key))
		p.addAll("body.labels."+key, validation.IsValidLabelValue(v))
		if key == SelectorLabel {
			p.add("body.labels."+key, "is set by Wheelhouse to select the workload's pods")
		}
	}
	for key := range s.Annotations {
		p.addAll("body.annotations."+key, validation.IsQualifiedName(key))
	}
	onlyFor := func(loc string, set bool, kinds ...kindInfo) {
		if set && !slices.ContainsFunc(kinds, func(o kindInfo) bool { return o.resource == k.resource }) {
			p.add(loc, "does not apply to %s", k.resource)
		}
	}
	onlyFor("body.replicas", s.Replicas != nil, deployments, statefulSets)
	onlyFor("body.serviceName", s.ServiceName != "", statefulSets)
	onlyFor("body.job", s.Job != nil, jobs, cronJobs)
	onlyFor("body.cronJob", s.CronJob != nil, cronJobs)
	if k.resource == KindCronJobs {
		switch {
		case s.CronJob == nil:
			p.add("body.cronJob", "is required for cronjobs")
		case strings.TrimSpace(s.CronJob.Schedule) == "":
			p.add("body.cronJob.schedule", "is required")
		}
	}
	batch := k.resource == KindJobs || k.resource == KindCronJobs
	switch {
	case s.RestartPolicy == "":
	case batch && s.RestartPolicy == "Always":
		p.add("body.restartPolicy", "must be OnFailure or Never for %s", k.resource)
	case !batch && s.RestartPolicy != "Always":
		p.add("body.restartPolicy", "must be Always for %s", k.resource)
	}
	for key, v := range s.NodeSelector {
		p.addAll("body.nodeSelector."+key, validation.IsQualifiedName(key))
		p.addAll("body.nodeSelector."+key, validation.IsValidLabelValue(v))
	}
	for i, t := range s.Tolerations {
		loc := fmt.Sprintf("body.tolerations[%d]", i)
		if t.Operator == "Exists" && t.Value != "" {
			p.add(loc+".value", "must be empty when operator is Exists")
		}
		if t.Key == "" && t.Operator != "Exists" {
			p.add(loc+".operator", "must be Exists when key is empty")
		}
	}
	volumes := validateVolumes(&p, s.Volumes)
	validateContainers(&p, s.Containers, volumes)
	return p.err()
}

func validateVolumes(p *problems, vols []WorkloadVolume) map[string]bool {
	names := map[string]bool{}
	for i, v := range vols {
		loc := fmt.Sprintf("body.volumes[%d]", i)
		p.addAll(loc+".name", validation.IsDNS1123Label(v.Name))
		if names[v.Name] {
			p.add(loc+".name", "duplicate volume name %q", v.Name)
		}
		names[v.Name] = true
		n := 0
		for _, set := range []bool{v.EmptyDir, v.ConfigMap != "", v.Secret != "", v.PVC != ""} {
			if set {
				n++
			}
		}
		if n != 1 {
			p.add(loc, "needs exactly one of emptyDir, configMap, secret, persistentVolumeClaim")
		}
	}
	return names
}

func validateContainers(p *problems, cs []WorkloadContainer, volumes map[string]bool) {
	if len(cs) == 0 {
		p.add("body.containers", "at least one container is required")
	}
	names := map[string]bool{}
	for i, c := range cs {
		loc := fmt.Sprintf("body.containers[%d]", i)
		p.addAll(loc+".name", validation.IsDNS1123Label(c.Name))
		if names[c.Name] {
			p.add(loc+".name", "duplicate container name %q", c.Name)
		}
		names[c.Name] = true
		if strings.TrimSpace(c.Image) == "" || strings.ContainsAny(c.Image, " \t\n") {
			p.add(loc+".image", "must be an image reference without spaces")
		}
		for j, port := range c.Ports {
			if port.Name != "" {
				p.addAll(fmt.Sprintf("%s.ports[%d].name", loc, j), validation.IsValidPortName(port.Name))
			}
		}
		for j, e := range c.Env {
			eloc := fmt.Sprintf("%s.env[%d]", loc, j)
			p.addAll(eloc+".name", validation.IsEnvVarName(e.Name))
			n := 0
			for _, set := range []bool{e.Value != "", e.ConfigMapKey != nil, e.SecretKey != nil} {
				if set {
					n++
				}
			}
			if n > 1 {
				p.add(eloc, "set at most one of value, configMapKeyRef, secretKeyRef")
			}
		}
		for j, e := range c.EnvFrom {
			if (e.ConfigMap == "") == (e.Secret == "") {
				p.add(fmt.Sprintf("%s.envFrom[%d]", loc, j), "needs exactly one of configMap, secret")
			}
		}
		if r := c.Resources; r != nil {
			validateQuantities(p, loc+".resources.requests", r.Requests)
			validateQuantities(p, loc+".resources.limits", r.Limits)
		}
		validateProbe(p, loc+".livenessProbe", c.LivenessProbe)
		validateProbe(p, loc+".readinessProbe", c.ReadinessProbe)
		for j, m := range c.VolumeMounts {
			mloc := fmt.Sprintf("%s.volumeMounts[%d]", loc, j)
			if !volumes[m.Name] {
				p.add(mloc+".name", "no volume named %q in body.volumes", m.Name)
			}
			if !path.IsAbs(m.MountPath) {
				p.add(mloc+".mountPath", "must be an absolute path")
			}
		}
	}
}

func validateQuantities(p *problems, loc string, m map[string]string) {
	for k, v := range m {
		if k == "" {
			p.add(loc, "resource names must not be empty")
			continue
		}
		var qe *quantity.Error
		if _, err := quantity.Parse(loc+"."+k, v); errors.As(err, &qe) {
			p.add(qe.Field, "%s", qe.Message())
		}
	}
}

func validateProbe(p *problems, loc string, pr *WorkloadProbe) {
	if pr == nil {
		return
	}
	n := 0
	for _, set := range []bool{pr.HTTPPath != "", pr.TCP, len(pr.Exec) > 0} {
		if set {
			n++
		}
	}
	if n != 1 {
		p.add(loc, "needs exactly one of httpPath, tcp, exec")
		return
	}
	if (pr.HTTPPath != "" || pr.TCP) && pr.Port == 0 {
		p.add(loc+".port", "is required for HTTP and TCP probes")
	}
	if pr.HTTPPath != "" && !strings.HasPrefix(pr.HTTPPath, "/") {
		p.add(loc+".httpPath", "must start with /")
	}
}
