//go:build !unit

package crd

import (
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
)

// validDevOpsObjects returns one valid object of each devops kind, in
// namespace ns.
func validDevOpsObjects(ns string) []client.Object {
	meta := func(name string) metav1.ObjectMeta { return metav1.ObjectMeta{Name: name, Namespace: ns} }
	return []client.Object{
		&devopsv1alpha1.SourceCodeProviderConfig{ObjectMeta: meta("gitea"), Spec: devopsv1alpha1.SourceCodeProviderConfigSpec{
			Type: devopsv1alpha1.ProviderGitea, Host: "http://127.0.0.1:3000",
			TLS:   &devopsv1alpha1.ProviderTLS{CACertificates: "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n"},
			OAuth: &devopsv1alpha1.OAuthApplication{ClientID: "0b7c", ClientSecret: devopsv1alpha1.CredentialReference{ID: 7}},
		}},
		&devopsv1alpha1.SourceCodeCredential{ObjectMeta: meta("alice-gitea"), Spec: devopsv1alpha1.SourceCodeCredentialSpec{
			Provider: "gitea", UserName: "alice", Login: "alice", Token: devopsv1alpha1.CredentialReference{ID: 8},
		}},
		&devopsv1alpha1.SourceCodeRepository{ObjectMeta: meta("hello"), Spec: devopsv1alpha1.SourceCodeRepositorySpec{
			URL: "http://127.0.0.1:3000/alice/hello.git", Provider: "gitea", Credential: "alice-gitea",
			Permissions: devopsv1alpha1.RepositoryPermissions{Pull: true, Push: true, Admin: true},
		}},
		&devopsv1alpha1.PipelineSetting{ObjectMeta: meta(devopsv1alpha1.DefaultPipelineSettingName), Spec: devopsv1alpha1.PipelineSettingSpec{
			ExecutorQuota: 5,
			Executor: devopsv1alpha1.ExecutorResources{
				CPURequest: ptr.To(resource.MustParse("100m")), CPULimit: ptr.To(resource.MustParse("2")),
				MemoryRequest: ptr.To(resource.MustParse("128Mi")), MemoryLimit: ptr.To(resource.MustParse("1Gi")),
			},
			CacheRoot:      "/var/lib/wheelhouse/cache",
			DefaultTimeout: &metav1.Duration{Duration: 30 * time.Minute},
			LogRetention:   devopsv1alpha1.LogRetention{MaxExecutions: ptr.To[int32](50)},
		}},
		&devopsv1alpha1.Pipeline{ObjectMeta: meta("hello"), Spec: devopsv1alpha1.PipelineSpec{
			Repository: "hello",
			Branches:   &devopsv1alpha1.Condition{Include: []string{"main", "release-*"}, Exclude: []string{"release-old"}},
			Triggers: devopsv1alpha1.PipelineTriggers{
				PullRequest: true, Tag: true,
				Cron:      &devopsv1alpha1.CronTrigger{Schedule: "0 3 * * *", Branch: "main"},
				ImagePush: &devopsv1alpha1.ImagePushTrigger{Registry: "harbor", Repository: "team/base", Tag: "v*"},
			},
			TargetCluster: "local",
		}},
		&devopsv1alpha1.PipelineExecution{ObjectMeta: meta("hello-1"), Spec: devopsv1alpha1.PipelineExecutionSpec{
			Pipeline: "hello", RunNumber: 1, Trigger: devopsv1alpha1.TriggerPush, TriggeredBy: "delivery 3f2a",
			RepositoryURL: "http://127.0.0.1:3000/alice/hello.git", Commit: "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3",
			Branch: "main", Ref: "refs/heads/main", Event: devopsv1alpha1.EventPush, Author: "alice", Message: "Add a test",
			Config: validConfig(),
		}},
	}
}

func validConfig() devopsv1alpha1.PipelineConfig {
	return devopsv1alpha1.PipelineConfig{
		Stages: []devopsv1alpha1.Stage{
			{Name: "test", When: &devopsv1alpha1.When{Event: &devopsv1alpha1.Condition{Include: []string{"push", "pull_request"}}},
				Steps: []devopsv1alpha1.Step{{
					Name: "go-test", RunScript: &devopsv1alpha1.RunScriptStep{Image: "golang:1.26", ShellScript: "go test ./..."},
					Env: map[string]string{"CGO_ENABLED": "0"}, EnvFrom: []devopsv1alpha1.EnvFromSecret{{SourceName: "tokens", SourceKey: "codecov"}},
					Resources: &devopsv1alpha1.StepResources{CPURequest: ptr.To(resource.MustParse("500m")), CPULimit: ptr.To(resource.MustParse("1"))},
					Timeout:   &metav1.Duration{Duration: 10 * time.Minute},
					Cache:     &devopsv1alpha1.Cache{Key: "go-mod", Paths: []string{"/root/go/pkg/mod"}},
				}}},
			{Name: "publish", Steps: []devopsv1alpha1.Step{{
				Name: "image", PublishImage: &devopsv1alpha1.PublishImageStep{Tag: "alice/hello:${CICD_EXECUTION_SEQUENCE}", Registry: "127.0.0.1:5000", PushRemote: true},
			}}},
			{Name: "deploy", Steps: []devopsv1alpha1.Step{
				{Name: "manifests", ApplyYaml: &devopsv1alpha1.ApplyYamlStep{Path: "./deployment.yaml", Namespace: "hello"}},
				{Name: "mysql", ApplyApp: &devopsv1alpha1.ApplyAppStep{CatalogTemplate: "mysql", Version: "0.3.8", Name: "db", TargetNamespace: "hello"}},
			}},
		},
		Branch:       &devopsv1alpha1.Condition{Include: []string{"main"}},
		Timeout:      &metav1.Duration{Duration: time.Hour},
		Notification: &devopsv1alpha1.Notification{Webhooks: []devopsv1alpha1.NotificationWebhook{{URL: "https://hooks.example.com/ci"}}, Conditions: []devopsv1alpha1.NotificationCondition{devopsv1alpha1.NotifyFailed}},
	}
}

// TestInstallDevOps installs the six pipeline CRDs in a sandbox cluster
// and checks that a valid object of each kind is accepted and that each
// CEL rule refuses an object that breaks it, with its message.
func TestInstallDevOps(t *testing.T) {
	g := NewWithT(t)
	kubeconfig := sandboxtest.Start(t, 0)
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	g.Expect(err).NotTo(HaveOccurred())
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, devopsv1alpha1.AddToScheme, apiextensionsv1.AddToScheme} {
		g.Expect(add(scheme)).To(Succeed())
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	g.Expect(err).NotTo(HaveOccurred())
	ctx := t.Context()

	g.Expect(Install(ctx, c, Options{Timeout: time.Minute, Groups: []string{GroupDevOps}})).To(Succeed())
	// The default install (a member cluster's) leaves the pipeline CRDs out.
	crds := &apiextensionsv1.CustomResourceDefinitionList{}
	g.Expect(c.List(ctx, crds)).To(Succeed())
	var names []string
	for _, crd := range crds.Items {
		names = append(names, crd.Name)
	}
	g.Expect(names).To(ContainElement("pipelineexecutions.devops.wheelhouse.dev"))
	g.Expect(names).NotTo(ContainElement("workloads.apps.wheelhouse.dev"))

	const ns = "p-demo"
	g.Expect(c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})).To(Succeed())

	valid := map[string]*unstructured.Unstructured{}
	for _, obj := range validDevOpsObjects(ns) {
		u := toUnstructured(t, scheme, obj)
		valid[u.GetKind()] = u
		t.Run("valid "+u.GetKind(), func(t *testing.T) {
			g := NewWithT(t)
			g.Expect(c.Create(ctx, obj)).To(Succeed())
		})
	}
	// Defaults the schema fills.
	setting := &devopsv1alpha1.PipelineSetting{}
	g.Expect(c.Get(ctx, client.ObjectKey{Namespace: ns, Name: "default"}, setting)).To(Succeed())
	g.Expect(setting.Spec.Isolation).To(Equal(devopsv1alpha1.IsolationProcess))
	pipeline := &devopsv1alpha1.Pipeline{}
	g.Expect(c.Get(ctx, client.ObjectKey{Namespace: ns, Name: "hello"}, pipeline)).To(Succeed())
	g.Expect(pipeline.Spec.Triggers.Push).To(HaveValue(BeTrue()))
	g.Expect(pipeline.Spec.Triggers.Manual).To(HaveValue(BeTrue()))
	execution := &devopsv1alpha1.PipelineExecution{}
	g.Expect(c.Get(ctx, client.ObjectKey{Namespace: ns, Name: "hello-1"}, execution)).To(Succeed())
	g.Expect(execution.Spec.Config.Stages[1].Steps[0].PublishImage.DockerfilePath).To(Equal("./Dockerfile"))
	g.Expect(execution.Spec.Config.Stages[1].Steps[0].PublishImage.BuildContext).To(Equal("."))

	// The status subresource takes the engine's state.
	now := metav1.Now()
	execution.Status = devopsv1alpha1.PipelineExecutionStatus{
		State: devopsv1alpha1.StateBuilding, Started: &now,
		Stages: []devopsv1alpha1.StageStatus{{Name: "test", State: devopsv1alpha1.StepBuilding, Steps: []devopsv1alpha1.StepStatus{{
			Name: "go-test", State: devopsv1alpha1.StepBuilding, Started: &now,
			Cache: &devopsv1alpha1.CacheStatus{Key: "go-mod", Result: devopsv1alpha1.CacheHit},
		}}}},
		Lease: &devopsv1alpha1.EngineLease{Holder: "wheelhouse-0", RenewTime: metav1.NowMicro(), DurationSeconds: 15},
	}
	g.Expect(c.Status().Update(ctx, execution)).To(Succeed())

	set := func(fields ...any) func(u *unstructured.Unstructured) {
		return func(u *unstructured.Unstructured) {
			value, path := fields[len(fields)-1], fields[:len(fields)-1]
			var keys []string
			for _, f := range path {
				keys = append(keys, f.(string))
			}
			if value == nil {
				unstructured.RemoveNestedField(u.Object, keys...)
				return
			}
			g.Expect(unstructured.SetNestedField(u.Object, value, keys...)).To(Succeed())
		}
	}
	step := func(mutate func(step map[string]any)) func(u *unstructured.Unstructured) {
		return func(u *unstructured.Unstructured) {
			stages, _, _ := unstructured.NestedSlice(u.Object, "spec", "config", "stages")
			steps := stages[2].(map[string]any)["steps"].([]any)
			mutate(steps[0].(map[string]any))
			g.Expect(unstructured.SetNestedSlice(u.Object, stages, "spec", "config", "stages")).To(Succeed())
		}
	}
	bad := []struct {
		name, kind string
		mutate     func(u *unstructured.Unstructured)
		message    string
	}{
		{"type git with oauth", "SourceCodeProviderConfig", set("spec", "type", "git"), "type git has no OAuth application: remove oauth"},
		{"gitea without host", "SourceCodeProviderConfig", set("spec", "host", nil), "host is required for type gitea"},
		{"CA and insecure", "SourceCodeProviderConfig", set("spec", "tls", "insecureSkipVerify", true), "caCertificates and insecureSkipVerify exclude each other"},
		{"repository url", "SourceCodeRepository", set("spec", "url", "file:///etc"), "url must start with https://, http://, ssh:// or git@"},
		{"quota 0", "PipelineSetting", set("spec", "executorQuota", int64(0)), "executorQuota must be at least 1"},
		{"cpu limit below request", "PipelineSetting", set("spec", "executor", "cpuLimit", "50m"), "cpuLimit must not be less than cpuRequest"},
		{"memory limit below request", "PipelineSetting", set("spec", "executor", "memoryLimit", "64Mi"), "memoryLimit must not be less than memoryRequest"},
		{"cron without schedule", "Pipeline", set("spec", "triggers", "cron", "schedule", nil), "a cron trigger needs a schedule"},
		{"cron with empty schedule", "Pipeline", set("spec", "triggers", "cron", "schedule", ""), "a cron trigger needs a schedule"},
		{"image push without repository", "Pipeline", set("spec", "triggers", "imagePush", "repository", nil), "an imagePush trigger needs a registry and a repository"},
		{"step with two kinds", "PipelineExecution", step(func(s map[string]any) {
			s["runScript"] = map[string]any{"image": "busybox"}
		}), "a step has exactly one of runScript, publishImage, applyYaml and applyApp"},
		{"step with no kind", "PipelineExecution", step(func(s map[string]any) { delete(s, "applyYaml") }),
			"a step has exactly one of runScript, publishImage, applyYaml and applyApp"},
		{"applyYaml with path and content", "PipelineExecution", step(func(s map[string]any) {
			s["applyYaml"].(map[string]any)["content"] = "apiVersion: v1\nkind: ConfigMap\n"
		}), "applyYaml has exactly one of path and content"},
	}
	for i, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			u := valid[tc.kind].DeepCopy()
			u.SetName(u.GetName() + "-bad-" + strings.Repeat("x", i%3) + string(rune('a'+i)))
			tc.mutate(u)
			err := c.Create(ctx, u)
			g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "got %v", err)
			g.Expect(err.Error()).To(ContainSubstring(tc.message))
		})
	}

	// Immutable fields of an execution.
	for field, message := range map[string]string{"runNumber": "runNumber is immutable", "pipeline": "pipeline is immutable"} {
		t.Run(field+" immutable", func(t *testing.T) {
			g := NewWithT(t)
			u := &unstructured.Unstructured{}
			u.SetGroupVersionKind(devopsv1alpha1.GroupVersion.WithKind("PipelineExecution"))
			g.Expect(c.Get(ctx, client.ObjectKey{Namespace: ns, Name: "hello-1"}, u)).To(Succeed())
			if field == "runNumber" {
				g.Expect(unstructured.SetNestedField(u.Object, int64(2), "spec", "runNumber")).To(Succeed())
			} else {
				g.Expect(unstructured.SetNestedField(u.Object, "other", "spec", "pipeline")).To(Succeed())
			}
			err := c.Update(ctx, u)
			g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "got %v", err)
			g.Expect(err.Error()).To(ContainSubstring(message))
		})
	}
	// Abort is the one spec change an execution takes.
	execution.Spec.Abort = true
	g.Expect(c.Update(ctx, execution)).To(Succeed())
}

func toUnstructured(t *testing.T, scheme *runtime.Scheme, obj client.Object) *unstructured.Unstructured {
	t.Helper()
	gvks, _, err := scheme.ObjectKinds(obj)
	if err != nil {
		t.Fatal(err)
	}
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{Object: m}
	u.SetGroupVersionKind(gvks[0])
	unstructured.RemoveNestedField(u.Object, "metadata", "creationTimestamp")
	unstructured.RemoveNestedField(u.Object, "status")
	return u
}
