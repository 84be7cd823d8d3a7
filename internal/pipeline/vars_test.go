package pipeline

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
)

func execution(t *testing.T, event string) *devopsv1alpha1.PipelineExecution {
	t.Helper()
	c, err := readFile(t, "wheelhouse/go-service.yml")
	if err != nil {
		t.Fatal(err)
	}
	return &devopsv1alpha1.PipelineExecution{
		ObjectMeta: metav1.ObjectMeta{Name: "hello-42", Namespace: "p-team"},
		Spec: devopsv1alpha1.PipelineExecutionSpec{
			Pipeline: "hello", RunNumber: 42, Trigger: devopsv1alpha1.TriggerPush,
			RepositoryURL: "https://git.example.com/team/hello.git", Commit: "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3",
			Branch: "main", Ref: "refs/heads/main", Event: event, TargetCluster: "prod-eu", Config: *c,
		},
	}
}

func TestVariables(t *testing.T) {
	e := execution(t, devopsv1alpha1.EventPush)
	want := map[string]string{
		"CICD_GIT_URL":            "https://git.example.com/team/hello.git",
		"CICD_GIT_REPO_NAME":      "hello",
		"CICD_GIT_COMMIT":         "a94a8fe",
		"CICD_GIT_BRANCH":         "main",
		"CICD_GIT_TAG":            "",
		"CICD_GIT_REF":            "refs/heads/main",
		"CICD_EVENT":              "push",
		"CICD_EXECUTION_ID":       "hello-42",
		"CICD_EXECUTION_SEQUENCE": "42",
		"CICD_PIPELINE_ID":        "hello",
		"CICD_PROJECT_ID":         "p-team",
		"CICD_CLUSTER_ID":         "prod-eu",
		"CICD_REGISTRY":           "",
		"CICD_TRIGGER_TYPE":       "webhook",
	}
	if diff := cmp.Diff(want, Variables(e, Context{})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	e.Name = ""
	e.Spec.Trigger = devopsv1alpha1.TriggerManual
	if got := Variables(e, Context{}); got["CICD_EXECUTION_ID"] != "hello-42" || got["CICD_TRIGGER_TYPE"] != "user" {
		t.Errorf("without a name, manual: %v", got)
	}
	got := Variables(e, Context{ProjectID: "team", ClusterID: "local", Registry: "127.0.0.1:5000"})
	if got["CICD_PROJECT_ID"] != "team" || got["CICD_CLUSTER_ID"] != "local" || got["CICD_REGISTRY"] != "127.0.0.1:5000" {
		t.Errorf("context not used: %v", got)
	}
	for url, name := range map[string]string{
		"git@github.com:team/app.git": "app", "https://h/team/app/": "app", "ssh://git@h:22/app": "app", "app": "app",
	} {
		if got := repoName(url); got != name {
			t.Errorf("repoName(%q) = %q, want %q", url, got, name)
		}
	}
}

func TestStepEnvironment(t *testing.T) {
	e := execution(t, devopsv1alpha1.EventPush)
	e.Spec.Config.Stages[0].Steps[0].Env = map[string]string{"TAG": "build-${CICD_EXECUTION_SEQUENCE}", "HOME_REF": "${HOME}", "CICD_EVENT": "spoofed"}
	// As in Rancher, a step's env comes after the execution's variables and
	// so wins.

	env := StepEnvironment(e, Context{}, 0, 0)
	if got := env.Env; got["GOFLAGS"] != "-mod=readonly" || got["TAG"] != "build-42" || got["HOME_REF"] != "${HOME}" || got["CICD_EVENT"] != "spoofed" {
		t.Errorf("stage 0 step 0: %v", got)
	}
	if env.EnvFrom != nil {
		t.Errorf("stage 0 step 0 has envFrom %v", env.EnvFrom)
	}
	// The publish stage's secret, on a push.
	env = StepEnvironment(e, Context{}, 1, 0)
	if diff := cmp.Diff([]devopsv1alpha1.EnvFromSecret{{SourceName: "registry-login", SourceKey: "password", TargetKey: "REGISTRY_PASSWORD"}}, env.EnvFrom); diff != "" {
		t.Errorf("envFrom (-want +got):\n%s", diff)
	}
	if env.Env["CICD_REGISTRY"] != "" {
		t.Errorf("the publish stage sees its own registry: %q", env.Env["CICD_REGISTRY"])
	}
	// A later stage sees the image the publish stage built.
	env = StepEnvironment(e, Context{Registry: "default.example.com"}, 2, 1)
	if env.Env["CICD_REGISTRY"] != "registry.example.com" || env.Env["CICD_IMAGE"] != "team/hello" {
		t.Errorf("deploy stage: registry %q image %q", env.Env["CICD_REGISTRY"], env.Env["CICD_IMAGE"])
	}
	// Never secrets on a pull request.
	pr := execution(t, devopsv1alpha1.EventPullRequest)
	pr.Spec.Config.Stages[1].EnvFrom = []devopsv1alpha1.EnvFromSecret{{SourceName: "s", SourceKey: "k"}}
	if env := StepEnvironment(pr, Context{}, 1, 0); len(env.EnvFrom) != 0 {
		t.Errorf("pull request gets secrets: %v", env.EnvFrom)
	}
	// Out of range: the variables alone.
	if env := StepEnvironment(e, Context{}, 9, 0); env.Env["CICD_EXECUTION_ID"] != "hello-42" || env.EnvFrom != nil {
		t.Errorf("out of range: %+v", env)
	}
}

func TestSubstitute(t *testing.T) {
	vars := map[string]string{"A": "1", "B_2": "two"}
	for in, want := range map[string]string{
		"":              "",
		"plain":         "plain",
		"${A}-${B_2}":   "1-two",
		"${C} $A ${A":   "${C} $A ${A",
		"$${A}":         "$1",
		"x${A}${A}y":    "x11y",
		"${not-a-name}": "${not-a-name}",
	} {
		if got := Substitute(in, vars); got != want {
			t.Errorf("Substitute(%q) = %q, want %q", in, got, want)
		}
	}
}
