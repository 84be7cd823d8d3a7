package workloads

// WorkloadSpec is the structured description of a workload, used to create
// one (POST) and to replace its spec (PUT). Fields marked for some kinds are
// refused (422) for the others.
type WorkloadSpec struct {
	Name            string                 `json:"name" maxLength:"253" doc:"DNS subdomain name; on PUT it must match the path or be empty"`
	ResourceVersion string                 `json:"resourceVersion,omitempty" doc:"PUT only, required: the version the change was made against; a stale one gives 409"`
	Labels          map[string]string      `json:"labels,omitempty" doc:"Labels of the workload and its pods"`
	Annotations     map[string]string      `json:"annotations,omitempty" doc:"Annotations of the workload"`
	Replicas        *int32                 `json:"replicas,omitempty" minimum:"0" doc:"Deployments and StatefulSets; default 1"`
	ServiceName     string                 `json:"serviceName,omitempty" maxLength:"63" doc:"StatefulSets: the governing headless Service; default the workload's name"`
	Containers      []WorkloadContainer    `json:"containers" minItems:"1" nullable:"false"`
	Volumes         []WorkloadVolume       `json:"volumes,omitempty"`
	NodeSelector    map[string]string      `json:"nodeSelector,omitempty"`
	Tolerations     []WorkloadToleration   `json:"tolerations,omitempty"`
	RestartPolicy   string                 `json:"restartPolicy,omitempty" enum:"Always,OnFailure,Never" doc:"Jobs and CronJobs: OnFailure or Never (default Never); others: Always"`
	Job             *WorkloadJobParams     `json:"job,omitempty" doc:"Jobs and CronJobs"`
	CronJob         *WorkloadCronJobParams `json:"cronJob,omitempty" doc:"CronJobs, required"`
}

// WorkloadContainer is one container of a workload's pods.
type WorkloadContainer struct {
	Name           string                `json:"name" maxLength:"63" doc:"DNS label, unique in the pod"`
	Image          string                `json:"image" minLength:"1" maxLength:"1024"`
	Command        []string              `json:"command,omitempty"`
	Args           []string              `json:"args,omitempty"`
	Ports          []WorkloadPort        `json:"ports,omitempty"`
	Env            []WorkloadEnvVar      `json:"env,omitempty"`
	EnvFrom        []WorkloadEnvFrom     `json:"envFrom,omitempty"`
	Resources      *WorkloadResources    `json:"resources,omitempty"`
	LivenessProbe  *WorkloadProbe        `json:"livenessProbe,omitempty"`
	ReadinessProbe *WorkloadProbe        `json:"readinessProbe,omitempty"`
	VolumeMounts   []WorkloadVolumeMount `json:"volumeMounts,omitempty"`
}

// WorkloadPort is a port a container listens on.
type WorkloadPort struct {
	Name          string `json:"name,omitempty" maxLength:"15"`
	ContainerPort int32  `json:"containerPort" minimum:"1" maximum:"65535"`
	Protocol      string `json:"protocol,omitempty" enum:"TCP,UDP,SCTP" doc:"Default TCP"`
}

// WorkloadEnvVar is one environment variable: a value, or a key of a ConfigMap
// or Secret.
type WorkloadEnvVar struct {
	Name  string `json:"name" minLength:"1"`
	Value string `json:"value,omitempty"`
	// ConfigMapKey and SecretKey name a key of a ConfigMap or Secret.
	ConfigMapKey *WorkloadKeyRef `json:"configMapKeyRef,omitempty" doc:"Take the value from a key of a ConfigMap"`
	SecretKey    *WorkloadKeyRef `json:"secretKeyRef,omitempty" doc:"Take the value from a key of a Secret"`
}

// WorkloadKeyRef names a key of a ConfigMap or Secret.
type WorkloadKeyRef struct {
	Name string `json:"name" minLength:"1"`
	Key  string `json:"key" minLength:"1"`
}

// WorkloadEnvFrom imports every key of a ConfigMap or a Secret as variables.
type WorkloadEnvFrom struct {
	ConfigMap string `json:"configMap,omitempty" doc:"Name of a ConfigMap"`
	Secret    string `json:"secret,omitempty" doc:"Name of a Secret"`
	Prefix    string `json:"prefix,omitempty"`
}

// WorkloadResources are a container's requests and limits, as Kubernetes
// quantities: {"cpu": "100m", "memory": "128Mi"}.
type WorkloadResources struct {
	Requests map[string]string `json:"requests,omitempty"`
	Limits   map[string]string `json:"limits,omitempty"`
}

// WorkloadProbe is a liveness or readiness probe: exactly one of HTTPGet
// (path and port), TCPPort, or Exec.
type WorkloadProbe struct {
	HTTPPath            string   `json:"httpPath,omitempty" doc:"HTTP GET probe path; needs port"`
	Port                int32    `json:"port,omitempty" minimum:"0" maximum:"65535" doc:"Port of an HTTP or TCP probe"`
	TCP                 bool     `json:"tcp,omitempty" doc:"A TCP connect probe on port"`
	Exec                []string `json:"exec,omitempty" doc:"A command probe"`
	InitialDelaySeconds int32    `json:"initialDelaySeconds,omitempty" minimum:"0"`
	PeriodSeconds       int32    `json:"periodSeconds,omitempty" minimum:"0"`
	TimeoutSeconds      int32    `json:"timeoutSeconds,omitempty" minimum:"0"`
	FailureThreshold    int32    `json:"failureThreshold,omitempty" minimum:"0"`
}

// WorkloadVolume is a pod volume: exactly one source.
type WorkloadVolume struct {
	Name      string `json:"name" maxLength:"63"`
	EmptyDir  bool   `json:"emptyDir,omitempty" doc:"A scratch directory"`
	ConfigMap string `json:"configMap,omitempty" doc:"Name of a ConfigMap"`
	Secret    string `json:"secret,omitempty" doc:"Name of a Secret"`
	PVC       string `json:"persistentVolumeClaim,omitempty" doc:"Name of a PersistentVolumeClaim"`
}

// WorkloadVolumeMount mounts a volume into a container.
type WorkloadVolumeMount struct {
	Name      string `json:"name"`
	MountPath string `json:"mountPath"`
	ReadOnly  bool   `json:"readOnly,omitempty"`
	SubPath   string `json:"subPath,omitempty"`
}

// WorkloadToleration lets pods run on nodes with a matching taint.
type WorkloadToleration struct {
	Key               string `json:"key,omitempty"`
	Operator          string `json:"operator,omitempty" enum:"Equal,Exists" doc:"Default Equal"`
	Value             string `json:"value,omitempty"`
	Effect            string `json:"effect,omitempty" enum:"NoSchedule,PreferNoSchedule,NoExecute" doc:"Empty matches every effect"`
	TolerationSeconds *int64 `json:"tolerationSeconds,omitempty"`
}

// WorkloadJobParams are the run parameters of a Job (or of a CronJob's Jobs).
type WorkloadJobParams struct {
	Completions           *int32 `json:"completions,omitempty" minimum:"0"`
	Parallelism           *int32 `json:"parallelism,omitempty" minimum:"0"`
	BackoffLimit          *int32 `json:"backoffLimit,omitempty" minimum:"0"`
	ActiveDeadlineSeconds *int64 `json:"activeDeadlineSeconds,omitempty" minimum:"1"`
}

// WorkloadCronJobParams are a CronJob's schedule and policies.
type WorkloadCronJobParams struct {
	Schedule                   string `json:"schedule" doc:"Cron expression, e.g. */5 * * * *"`
	TimeZone                   string `json:"timeZone,omitempty" doc:"IANA time zone, e.g. Europe/Paris"`
	Suspend                    bool   `json:"suspend,omitempty"`
	ConcurrencyPolicy          string `json:"concurrencyPolicy,omitempty" enum:"Allow,Forbid,Replace" doc:"Default Allow"`
	SuccessfulJobsHistoryLimit *int32 `json:"successfulJobsHistoryLimit,omitempty" minimum:"0"`
	FailedJobsHistoryLimit     *int32 `json:"failedJobsHistoryLimit,omitempty" minimum:"0"`
}
