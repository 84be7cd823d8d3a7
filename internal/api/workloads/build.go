package workloads

import (
	"fmt"
	"maps"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/wheelhouse-dev/wheelhouse/internal/quantity"
)

// SelectorLabel selects the pods of a workload created by Wheelhouse.
const SelectorLabel = "wheelhouse.dev/workload"

// jobLabels are the labels the Job controller puts on a Job's template;
// an update keeps them.
var jobLabels = []string{"controller-uid", "batch.kubernetes.io/controller-uid", "job-name", "batch.kubernetes.io/job-name"}

// newObject returns a new workload of kind k described by s (already
// validated).
func newObject(k kindInfo, namespace string, s *WorkloadSpec) runtime.Object {
	om := metav1.ObjectMeta{Name: s.Name, Namespace: namespace}
	sel := &metav1.LabelSelector{MatchLabels: map[string]string{SelectorLabel: s.Name}}
	tm := metav1.TypeMeta{APIVersion: k.apiVersion(), Kind: k.kind}
	var obj runtime.Object
	switch k.resource {
	case KindDeployments:
		obj = &appsv1.Deployment{TypeMeta: tm, ObjectMeta: om, Spec: appsv1.DeploymentSpec{Selector: sel}}
	case KindStatefulSets:
		obj = &appsv1.StatefulSet{TypeMeta: tm, ObjectMeta: om, Spec: appsv1.StatefulSetSpec{Selector: sel}}
	case KindDaemonSets:
		obj = &appsv1.DaemonSet{TypeMeta: tm, ObjectMeta: om, Spec: appsv1.DaemonSetSpec{Selector: sel}}
	case KindJobs:
		obj = &batchv1.Job{TypeMeta: tm, ObjectMeta: om}
	case KindCronJobs:
		obj = &batchv1.CronJob{TypeMeta: tm, ObjectMeta: om}
	}
	fill(obj, s)
	return obj
}

// fill sets what s describes on obj, a new or a live workload; what s does
// not describe (other pod and container fields, strategies) stays.
func fill(obj runtime.Object, s *WorkloadSpec) {
	switch o := obj.(type) {
	case *appsv1.Deployment:
		setMeta(&o.ObjectMeta, s)
		o.Spec.Replicas = replicas(s.Replicas)
		fillTemplate(&o.Spec.Template, o.Spec.Selector, s, corev1.RestartPolicyAlways)
	case *appsv1.StatefulSet:
		setMeta(&o.ObjectMeta, s)
		o.Spec.Replicas = replicas(s.Replicas)
		o.Spec.ServiceName = s.ServiceName
		if o.Spec.ServiceName == "" {
			o.Spec.ServiceName = s.Name
		}
		fillTemplate(&o.Spec.Template, o.Spec.Selector, s, corev1.RestartPolicyAlways)
	case *appsv1.DaemonSet:
		setMeta(&o.ObjectMeta, s)
		fillTemplate(&o.Spec.Template, o.Spec.Selector, s, corev1.RestartPolicyAlways)
	case *batchv1.Job:
		setMeta(&o.ObjectMeta, s)
		fillJob(&o.Spec, s)
	case *batchv1.CronJob:
		setMeta(&o.ObjectMeta, s)
		cj := s.CronJob
		o.Spec.Schedule = cj.Schedule
		o.Spec.TimeZone = nil
		if cj.TimeZone != "" {
			o.Spec.TimeZone = &cj.TimeZone
		}
		o.Spec.Suspend = &cj.Suspend
		o.Spec.ConcurrencyPolicy = batchv1.ConcurrencyPolicy(cj.ConcurrencyPolicy)
		if o.Spec.ConcurrencyPolicy == "" {
			o.Spec.ConcurrencyPolicy = batchv1.AllowConcurrent
		}
		o.Spec.SuccessfulJobsHistoryLimit = cj.SuccessfulJobsHistoryLimit
		o.Spec.FailedJobsHistoryLimit = cj.FailedJobsHistoryLimit
		o.Spec.JobTemplate.Labels = maps.Clone(s.Labels)
		fillJob(&o.Spec.JobTemplate.Spec, s)
	}
}

func setMeta(om *metav1.ObjectMeta, s *WorkloadSpec) {
	om.Labels = maps.Clone(s.Labels)
	// Annotations others set (deployment.kubernetes.io/revision, ...) stay;
	// those given replace theirs.
	if len(s.Annotations) > 0 {
		if om.Annotations == nil {
			om.Annotations = map[string]string{}
		}
		maps.Copy(om.Annotations, s.Annotations)
	}
	if s.ResourceVersion != "" {
		om.ResourceVersion = s.ResourceVersion
	}
}

func replicas(r *int32) *int32 {
	if r == nil {
		one := int32(1)
		return &one
	}
	v := *r
	return &v
}

func fillJob(js *batchv1.JobSpec, s *WorkloadSpec) {
	if j := s.Job; j != nil {
		js.Completions, js.Parallelism, js.BackoffLimit, js.ActiveDeadlineSeconds = j.Completions, j.Parallelism, j.BackoffLimit, j.ActiveDeadlineSeconds
	}
	fillTemplate(&js.Template, nil, s, corev1.RestartPolicyNever)
}

// fillTemplate sets the pod template: labels are s's labels plus the
// selector's (and those the Job controller set), the pod spec's
// containers, volumes, node selector and tolerations are s's.
func fillTemplate(t *corev1.PodTemplateSpec, sel *metav1.LabelSelector, s *WorkloadSpec, restart corev1.RestartPolicy) {
	labels := maps.Clone(s.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	if sel != nil {
		maps.Copy(labels, sel.MatchLabels)
		// A selector with expressions (not made by Wheelhouse): the live
		// template's labels of those keys stay, so the pods still match.
		for _, e := range sel.MatchExpressions {
			if v, ok := t.Labels[e.Key]; ok {
				labels[e.Key] = v
			}
		}
	}
	for _, k := range jobLabels {
		if v, ok := t.Labels[k]; ok {
			labels[k] = v
		}
	}
	t.Labels = labels

	ps := &t.Spec
	live := map[string]corev1.Container{}
	for _, c := range ps.Containers {
		live[c.Name] = c
	}
	ps.Containers = make([]corev1.Container, len(s.Containers))
	for i, cs := range s.Containers {
		ps.Containers[i] = container(live[cs.Name], cs)
	}
	liveVols := map[string]corev1.Volume{}
	for _, v := range ps.Volumes {
		liveVols[v.Name] = v
	}
	ps.Volumes = nil
	for _, v := range s.Volumes {
		// A source the structured spec cannot express (hostPath,
		// projected, ...) shows as emptyDir; sent back unchanged, it stays.
		if lv, ok := liveVols[v.Name]; ok && v.EmptyDir && !structuredSource(lv) {
			ps.Volumes = append(ps.Volumes, lv)
			continue
		}
		ps.Volumes = append(ps.Volumes, volume(v))
	}
	ps.NodeSelector = maps.Clone(s.NodeSelector)
	ps.Tolerations = nil
	for _, t := range s.Tolerations {
		ps.Tolerations = append(ps.Tolerations, corev1.Toleration{Key: t.Key, Operator: corev1.TolerationOperator(t.Operator),
			Value: t.Value, Effect: corev1.TaintEffect(t.Effect), TolerationSeconds: t.TolerationSeconds})
	}
	ps.RestartPolicy = corev1.RestartPolicy(s.RestartPolicy)
	if ps.RestartPolicy == "" {
		ps.RestartPolicy = restart
	}
}

// container returns c (the live container of that name, or a zero one)
// with what cs describes.
func container(c corev1.Container, cs WorkloadContainer) corev1.Container {
	c.Name, c.Image, c.Command, c.Args = cs.Name, cs.Image, cs.Command, cs.Args
	c.Ports = nil
	for _, p := range cs.Ports {
		proto := corev1.Protocol(p.Protocol)
		if proto == "" {
			proto = corev1.ProtocolTCP
		}
		c.Ports = append(c.Ports, corev1.ContainerPort{Name: p.Name, ContainerPort: p.ContainerPort, Protocol: proto})
	}
	c.Env = nil
	for _, e := range cs.Env {
		v := corev1.EnvVar{Name: e.Name, Value: e.Value}
		switch {
		case e.ConfigMapKey != nil:
			v.ValueFrom = &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: e.ConfigMapKey.Name}, Key: e.ConfigMapKey.Key}}
		case e.SecretKey != nil:
			v.ValueFrom = &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: e.SecretKey.Name}, Key: e.SecretKey.Key}}
		}
		c.Env = append(c.Env, v)
	}
	c.EnvFrom = nil
	for _, e := range cs.EnvFrom {
		src := corev1.EnvFromSource{Prefix: e.Prefix}
		if e.ConfigMap != "" {
			src.ConfigMapRef = &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: e.ConfigMap}}
		} else {
			src.SecretRef = &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: e.Secret}}
		}
		c.EnvFrom = append(c.EnvFrom, src)
	}
	c.Resources = corev1.ResourceRequirements{}
	if r := cs.Resources; r != nil {
		c.Resources.Requests = quantities(r.Requests)
		c.Resources.Limits = quantities(r.Limits)
	}
	c.LivenessProbe, c.ReadinessProbe = probe(cs.LivenessProbe), probe(cs.ReadinessProbe)
	c.VolumeMounts = nil
	for _, m := range cs.VolumeMounts {
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: m.Name, MountPath: m.MountPath, ReadOnly: m.ReadOnly, SubPath: m.SubPath})
	}
	return c
}

// quantities converts the quantities validate accepted; they are read
// through quantity.Parse all the same, so no path reaches Kubernetes'
// parser unbounded.
func quantities(m map[string]string) corev1.ResourceList {
	if len(m) == 0 {
		return nil
	}
	l := corev1.ResourceList{}
	for k, v := range m {
		if q, err := quantity.Parse(k, v); err == nil {
			l[corev1.ResourceName(k)] = q
		}
	}
	return l
}

func probe(p *WorkloadProbe) *corev1.Probe {
	if p == nil {
		return nil
	}
	pr := &corev1.Probe{InitialDelaySeconds: p.InitialDelaySeconds, PeriodSeconds: p.PeriodSeconds,
		TimeoutSeconds: p.TimeoutSeconds, FailureThreshold: p.FailureThreshold}
	switch {
	case p.HTTPPath != "":
		pr.HTTPGet = &corev1.HTTPGetAction{Path: p.HTTPPath, Port: intstr.FromInt32(p.Port)}
	case p.TCP:
		pr.TCPSocket = &corev1.TCPSocketAction{Port: intstr.FromInt32(p.Port)}
	default:
		pr.Exec = &corev1.ExecAction{Command: p.Exec}
	}
	return pr
}

func volume(v WorkloadVolume) corev1.Volume {
	vol := corev1.Volume{Name: v.Name}
	switch {
	case v.ConfigMap != "":
		vol.ConfigMap = &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: v.ConfigMap}}
	case v.Secret != "":
		vol.Secret = &corev1.SecretVolumeSource{SecretName: v.Secret}
	case v.PVC != "":
		vol.PersistentVolumeClaim = &corev1.PersistentVolumeClaimVolumeSource{ClaimName: v.PVC}
	default:
		vol.EmptyDir = &corev1.EmptyDirVolumeSource{}
	}
	return vol
}

func structuredSource(v corev1.Volume) bool {
	return v.EmptyDir != nil || v.ConfigMap != nil || v.Secret != nil || v.PersistentVolumeClaim != nil
}

// templateOf returns the pod template of a workload, the job template's
// for a CronJob.
func templateOf(obj runtime.Object) (*corev1.PodTemplateSpec, error) {
	switch o := obj.(type) {
	case *appsv1.Deployment:
		return &o.Spec.Template, nil
	case *appsv1.StatefulSet:
		return &o.Spec.Template, nil
	case *appsv1.DaemonSet:
		return &o.Spec.Template, nil
	case *batchv1.Job:
		return &o.Spec.Template, nil
	case *batchv1.CronJob:
		return &o.Spec.JobTemplate.Spec.Template, nil
	}
	return nil, fmt.Errorf("%T is not a workload", obj)
}
