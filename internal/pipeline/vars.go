package pipeline

import (
	"maps"
	"path"
	"regexp"
	"strconv"
	"strings"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
)

// The execution variables, as Rancher named them.
const (
	VarGitURL            = "CICD_GIT_URL"
	VarGitRepoName       = "CICD_GIT_REPO_NAME"
	VarGitCommit         = "CICD_GIT_COMMIT"
	VarGitBranch         = "CICD_GIT_BRANCH"
	VarGitTag            = "CICD_GIT_TAG"
	VarGitRef            = "CICD_GIT_REF"
	VarEvent             = "CICD_EVENT"
	VarExecutionID       = "CICD_EXECUTION_ID"
	VarExecutionSequence = "CICD_EXECUTION_SEQUENCE"
	VarPipelineID        = "CICD_PIPELINE_ID"
	VarProjectID         = "CICD_PROJECT_ID"
	VarClusterID         = "CICD_CLUSTER_ID"
	VarRegistry          = "CICD_REGISTRY"
	VarImage             = "CICD_IMAGE"
	VarTriggerType       = "CICD_TRIGGER_TYPE"
)

// Context is what an execution's variables need beyond the execution.
type Context struct {
	// ProjectID is the project's id; empty means the execution's
	// namespace.
	ProjectID string
	// ClusterID is the cluster the pipeline deploys to; empty means the
	// execution's target cluster.
	ClusterID string
	// Registry is CICD_REGISTRY before any publishImage step has run;
	// empty means none.
	Registry string
}

// Variables are the CICD_* variables of an execution, as Rancher set them:
// CICD_GIT_COMMIT is the abbreviated (7 character) commit id,
// CICD_EXECUTION_ID the execution's name ("<pipeline>-<run number>" when it
// has none yet), CICD_GIT_REPO_NAME the last element of the repository URL
// without .git, CICD_TRIGGER_TYPE user, cron or webhook (and image_push).
// CICD_REGISTRY is ctx.Registry here; StepEnvironment sets it (and
// CICD_IMAGE) from the publishImage steps of earlier stages.
func Variables(e *devopsv1alpha1.PipelineExecution, ctx Context) map[string]string {
	project := ctx.ProjectID
	if project == "" {
		project = e.Namespace
	}
	cluster := ctx.ClusterID
	if cluster == "" {
		cluster = e.Spec.TargetCluster
	}
	run := strconv.FormatInt(e.Spec.RunNumber, 10)
	id := e.Name
	if id == "" {
		id = e.Spec.Pipeline + "-" + run
	}
	commit := e.Spec.Commit
	if len(commit) > 7 {
		commit = commit[:7]
	}
	return map[string]string{
		VarGitURL:            e.Spec.RepositoryURL,
		VarGitRepoName:       repoName(e.Spec.RepositoryURL),
		VarGitCommit:         commit,
		VarGitBranch:         e.Spec.Branch,
		VarGitTag:            e.Spec.Tag,
		VarGitRef:            e.Spec.Ref,
		VarEvent:             e.Spec.Event,
		VarExecutionID:       id,
		VarExecutionSequence: run,
		VarPipelineID:        e.Spec.Pipeline,
		VarProjectID:         project,
		VarClusterID:         cluster,
		VarRegistry:          ctx.Registry,
		VarTriggerType:       triggerType(e.Spec.Trigger),
	}
}

// triggerType is Rancher's name of what started an execution.
func triggerType(t devopsv1alpha1.TriggerType) string {
	switch t {
	case devopsv1alpha1.TriggerManual:
		return "user"
	case devopsv1alpha1.TriggerCron:
		return "cron"
	case devopsv1alpha1.TriggerImagePush:
		return "image_push"
	case "":
		return ""
	}
	return "webhook"
}

// repoName is the repository's name in its clone URL: the last path
// element without .git (https://host/team/app.git and git@host:team/app
// give app).
func repoName(url string) string {
	url = strings.TrimSuffix(strings.TrimRight(url, "/"), ".git")
	if i := strings.LastIndexAny(url, "/:"); i >= 0 {
		return url[i+1:]
	}
	return path.Base(url)
}

// Environment is what a step runs with.
type Environment struct {
	// Env are the step's variables: the CICD_* ones, then the stage's env,
	// then the step's (a later one wins, as in Rancher, where a step's env
	// came after the execution's variables), with ${VAR} references to
	// CICD_* variables substituted.
	Env map[string]string
	// EnvFrom are the secret values to add: the stage's and the step's;
	// always empty on a pull request event.
	EnvFrom []devopsv1alpha1.EnvFromSecret
}

// StepEnvironment is the environment of step stepIndex of stage stageIndex
// of the execution e (indexes into e.Spec.Config.Stages; out of range ones
// give the execution's variables alone). The secrets of envFrom are never
// given on a pull_request event: a pull request runs code its author chose.
func StepEnvironment(e *devopsv1alpha1.PipelineExecution, ctx Context, stageIndex, stepIndex int) Environment {
	vars := Variables(e, ctx)
	stages := e.Spec.Config.Stages
	// CICD_REGISTRY and CICD_IMAGE come from the last publishImage step of
	// an earlier stage (steps of one stage run side by side).
	for i := 0; i < stageIndex && i < len(stages); i++ {
		for _, s := range stages[i].Steps {
			if s.PublishImage == nil {
				continue
			}
			if s.PublishImage.Registry != "" {
				vars[VarRegistry] = s.PublishImage.Registry
			}
			image, _, _ := strings.Cut(Substitute(s.PublishImage.Tag, vars), ":")
			vars[VarImage] = image
		}
	}
	env := Environment{Env: maps.Clone(vars)}
	if stageIndex < 0 || stageIndex >= len(stages) {
		return env
	}
	stage := stages[stageIndex]
	var step *devopsv1alpha1.Step
	if stepIndex >= 0 && stepIndex < len(stage.Steps) {
		step = &stage.Steps[stepIndex]
	}
	for k, v := range stage.Env {
		env.Env[k] = Substitute(v, vars)
	}
	if step != nil {
		for k, v := range step.Env {
			env.Env[k] = Substitute(v, vars)
		}
	}
	if e.Spec.Event == devopsv1alpha1.EventPullRequest {
		return env
	}
	env.EnvFrom = append(env.EnvFrom, stage.EnvFrom...)
	if step != nil {
		env.EnvFrom = append(env.EnvFrom, step.EnvFrom...)
	}
	return env
}

var reference = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// Substitute replaces each ${NAME} in s whose NAME is in vars by its value;
// other references (a shell's own variables) are left as they are.
func Substitute(s string, vars map[string]string) string {
	if !strings.Contains(s, "${") {
		return s
	}
	return reference.ReplaceAllStringFunc(s, func(ref string) string {
		if v, ok := vars[ref[2:len(ref)-1]]; ok {
			return v
		}
		return ref
	})
}
