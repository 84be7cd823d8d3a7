package pipeline

import (
	"context"
	"io"
	"time"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
)

// Engine runs the steps of executions somewhere: the local engine
// (internal/pipeline/local) as processes on the server's host, the
// Kubernetes engine (next) as pods. An engine knows nothing of custom
// resources, leases or states: the execution runner
// (internal/controller/pipeline) walks the stages, decides `when`, skips,
// timeouts and aborts, records status and logs, and asks the engine for one
// thing at a time. So every engine gets the same state machine.
type Engine interface {
	// Name says which engine this is ("local"), for status and logs.
	Name() string
	// Prepare makes job's workspace: the repository at job.Commit. It is
	// called once before the first step; calling it again for the same
	// job (after a restart) starts the workspace afresh.
	Prepare(ctx context.Context, job *Job, log io.Writer) error
	// RunStep runs one step to its end, writing its output to log. The
	// step's own failure (a non-zero exit, an image that cannot run) is a
	// StepResult with a non-zero ExitCode and a Message; an error is for
	// the engine itself failing. ctx ends on abort or timeout: the engine
	// then stops everything the step started before it returns.
	RunStep(ctx context.Context, job *Job, step *StepJob, log io.Writer) (StepResult, error)
	// ReadFile reads a file of job's workspace (path relative to its
	// root; never outside it), for applyYaml.
	ReadFile(ctx context.Context, job *Job, path string) ([]byte, error)
	// Cleanup removes job's workspace and anything left of its steps.
	Cleanup(ctx context.Context, job *Job) error
}

// Job is one execution as an engine sees it.
type Job struct {
	// Namespace and Name of the PipelineExecution; Pipeline its Pipeline.
	Namespace, Name, Pipeline string
	// RepositoryURL is the clone URL; Commit the commit to check out (a
	// full id, or a ref when the commit is not known); Ref its reference.
	RepositoryURL, Commit, Ref string
	// Git is how the repository is reached.
	Git GitAccess
	// Isolation says how the local engine runs steps (Process or Podman).
	Isolation devopsv1alpha1.StepIsolation
	// CacheRoot is where the pipeline's build caches are kept; empty means
	// the engine's default.
	CacheRoot string
}

// GitAccess is what reaching a repository needs. Token is sent as an HTTP
// authorization header, never put in a URL, a command line or a log.
type GitAccess struct {
	// Username and Token authenticate over HTTP (basic); both empty for a
	// public repository.
	Username, Token string
	// CACertificates are PEM certificates trusted in addition to the
	// system's.
	CACertificates string
	// InsecureSkipVerify turns certificate checks off.
	InsecureSkipVerify bool
}

// StepJob is one step to run.
type StepJob struct {
	// Stage and Index locate the step in the execution's config.
	Stage, Index int
	// Step is the step with what it inherits from its stage resolved
	// (ResolveStep), variables not yet substituted in its script.
	Step devopsv1alpha1.Step
	// Env is the step's whole environment: the CICD_* variables, env, and
	// the envFrom secrets already resolved to their values.
	Env map[string]string
	// Timeout bounds the step; the runner also ends ctx at it.
	Timeout time.Duration
	// Registry is the registry a publishImage step pushes to, resolved
	// from the credential store; nil for other steps.
	Registry *RegistryAccess
}

// RegistryAccess is a registry a publishImage step pushes to.
type RegistryAccess struct {
	// Host is the registry's host[:port], as image references name it.
	Host string
	// Username and Password log in; both empty for an open registry.
	Username, Password string
	// Insecure allows plain HTTP or an unverified certificate.
	Insecure bool
}

// StepResult is how a step ended.
type StepResult struct {
	// ExitCode of the step: 0 is success.
	ExitCode int32
	// Message says why it failed, e.g. "image busybox:1 cannot run here:
	// ...", "killed after its timeout of 10m".
	Message string
	// Cache is what the step found of its cache; nil when it has none.
	Cache *devopsv1alpha1.CacheStatus
	// Node is where the step ran (the host's name for the local engine).
	Node string
}
