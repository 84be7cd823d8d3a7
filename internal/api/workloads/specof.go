package workloads

import (
	"maps"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// specOf returns the structured spec of a workload: what GET shows and
// PUT takes back. Pod and container fields the structured spec does not
// cover are left out (and kept by PUT).
func specOf(obj runtime.Object) WorkloadSpec {
	var s WorkloadSpec
	var t *corev1.PodTemplateSpec
	switch o := obj.(type) {
	case *appsv1.Deployment:
		s = WorkloadSpec{Name: o.Name, ResourceVersion: o.ResourceVersion, Labels: o.Labels, Replicas: o.Spec.Replicas}
		t = &o.Spec.Template
	case *appsv1.StatefulSet:
		s = WorkloadSpec{Name: o.Name, ResourceVersion: o.ResourceVersion, Labels: o.Labels, Replicas: o.Spec.Replicas, ServiceName: o.Spec.ServiceName}
		t = &o.Spec.Template
	case *appsv1.DaemonSet:
		s = WorkloadSpec{Name: o.Name, ResourceVersion: o.ResourceVersion, Labels: o.Labels}
		t = &o.Spec.Template
	case *batchv1.Job:
		s = WorkloadSpec{Name: o.Name, ResourceVersion: o.ResourceVersion, Labels: o.Labels, Job: jobParams(&o.Spec)}
		t = &o.Spec.Template
	case *batchv1.CronJob:
		s = WorkloadSpec{Name: o.Name, ResourceVersion: o.ResourceVersion, Labels: o.Labels, Job: jobParams(&o.Spec.JobTemplate.Spec)}
		cj := &WorkloadCronJobParams{Schedule: o.Spec.Schedule, Suspend: o.Spec.Suspend != nil && *o.Spec.Suspend,
			ConcurrencyPolicy: string(o.Spec.ConcurrencyPolicy), SuccessfulJobsHistoryLimit: o.Spec.SuccessfulJobsHistoryLimit,
			FailedJobsHistoryLimit: o.Spec.FailedJobsHistoryLimit}
		if o.Spec.TimeZone != nil {
			cj.TimeZone = *o.Spec.TimeZone
		}
		s.CronJob = cj
		t = &o.Spec.JobTemplate.Spec.Template
	default:
		return s
	}
	s.Labels = maps.Clone(s.Labels)
	ps := &t.Spec
	s.NodeSelector = ps.NodeSelector
	s.RestartPolicy = string(ps.RestartPolicy)
	for _, tol := range ps.Tolerations {
		s.Tolerations = append(s.Tolerations, WorkloadToleration{Key: tol.Key, Operator: string(tol.Operator), Value: tol.Value,
			Effect: string(tol.Effect), TolerationSeconds: tol.TolerationSeconds})
	}
	for _, v := range ps.Volumes {
		vs := WorkloadVolume{Name: v.Name}
		switch {
		case v.ConfigMap != nil:
			vs.ConfigMap = v.ConfigMap.Name
		case v.Secret != nil:
			vs.Secret = v.Secret.SecretName
		case v.PersistentVolumeClaim != nil:
			vs.PVC = v.PersistentVolumeClaim.ClaimName
		case v.EmptyDir != nil:
			vs.EmptyDir = true
		default:
			// Another source (hostPath, projected, ...): not structured;
			// sent back as emptyDir, a PUT keeps the live source.
			vs.EmptyDir = true
		}
		s.Volumes = append(s.Volumes, vs)
	}
	s.Containers = make([]WorkloadContainer, 0, len(ps.Containers))
	for _, c := range ps.Containers {
		s.Containers = append(s.Containers, containerSpec(c))
	}
	return s
}

func jobParams(js *batchv1.JobSpec) *WorkloadJobParams {
	return &WorkloadJobParams{Completions: js.Completions, Parallelism: js.Parallelism, BackoffLimit: js.BackoffLimit,
		ActiveDeadlineSeconds: js.ActiveDeadlineSeconds}
}

func containerSpec(c corev1.Container) WorkloadContainer {
	cs := WorkloadContainer{Name: c.Name, Image: c.Image, Command: c.Command, Args: c.Args,
		LivenessProbe: probeSpec(c.LivenessProbe), ReadinessProbe: probeSpec(c.ReadinessProbe)}
	for _, p := range c.Ports {
		cs.Ports = append(cs.Ports, WorkloadPort{Name: p.Name, ContainerPort: p.ContainerPort, Protocol: string(p.Protocol)})
	}
	for _, e := range c.Env {
		ev := WorkloadEnvVar{Name: e.Name, Value: e.Value}
		if f := e.ValueFrom; f != nil {
			switch {
			case f.ConfigMapKeyRef != nil:
				ev.ConfigMapKey = &WorkloadKeyRef{Name: f.ConfigMapKeyRef.Name, Key: f.ConfigMapKeyRef.Key}
			case f.SecretKeyRef != nil:
				ev.SecretKey = &WorkloadKeyRef{Name: f.SecretKeyRef.Name, Key: f.SecretKeyRef.Key}
			}
		}
		cs.Env = append(cs.Env, ev)
	}
	for _, e := range c.EnvFrom {
		ef := WorkloadEnvFrom{Prefix: e.Prefix}
		if e.ConfigMapRef != nil {
			ef.ConfigMap = e.ConfigMapRef.Name
		}
		if e.SecretRef != nil {
			ef.Secret = e.SecretRef.Name
		}
		cs.EnvFrom = append(cs.EnvFrom, ef)
	}
	if len(c.Resources.Requests) > 0 || len(c.Resources.Limits) > 0 {
		cs.Resources = &WorkloadResources{Requests: quantityStrings(c.Resources.Requests), Limits: quantityStrings(c.Resources.Limits)}
	}
	for _, m := range c.VolumeMounts {
		cs.VolumeMounts = append(cs.VolumeMounts, WorkloadVolumeMount{Name: m.Name, MountPath: m.MountPath, ReadOnly: m.ReadOnly, SubPath: m.SubPath})
	}
	return cs
}

func quantityStrings(l corev1.ResourceList) map[string]string {
	if len(l) == 0 {
		return nil
	}
	m := make(map[string]string, len(l))
	for k, q := range l {
		m[string(k)] = q.String()
	}
	return m
}

func probeSpec(p *corev1.Probe) *WorkloadProbe {
	if p == nil {
		return nil
	}
	ps := &WorkloadProbe{InitialDelaySeconds: p.InitialDelaySeconds, PeriodSeconds: p.PeriodSeconds,
		TimeoutSeconds: p.TimeoutSeconds, FailureThreshold: p.FailureThreshold}
	switch {
	case p.HTTPGet != nil:
		ps.HTTPPath, ps.Port = p.HTTPGet.Path, p.HTTPGet.Port.IntVal
	case p.TCPSocket != nil:
		ps.TCP, ps.Port = true, p.TCPSocket.Port.IntVal
	case p.Exec != nil:
		ps.Exec = p.Exec.Command
	}
	return ps
}
