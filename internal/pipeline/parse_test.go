package pipeline

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
)

func readFile(t *testing.T, name string) (*devopsv1alpha1.PipelineConfig, error) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	format := FormatWheelhouse
	if strings.HasPrefix(name, "rancher/") {
		format = FormatRancher
	}
	return Parse(data, format)
}

func minutes(m int) *metav1.Duration {
	return &metav1.Duration{Duration: time.Duration(m) * time.Minute}
}

func q(s string) *resource.Quantity { return ptr.To(resource.MustParse(s)) }

// cmpQuantities compares quantities by value.
var cmpQuantities = cmp.Comparer(func(a, b resource.Quantity) bool { return a.Cmp(b) == 0 })

func TestParseFiles(t *testing.T) {
	tests := []struct {
		file string
		want *devopsv1alpha1.PipelineConfig
	}{
		{"rancher/pipeline-example-go.yml", &devopsv1alpha1.PipelineConfig{Stages: []devopsv1alpha1.Stage{
			{Name: "Build", Steps: []devopsv1alpha1.Step{{Name: "step-1", RunScript: &devopsv1alpha1.RunScriptStep{
				Image: "golang:1.11",
				ShellScript: "mkdir -p /go/src/github.com/rancher\nln -s `pwd` /go/src/github.com/rancher/pipeline-example-go\n" +
					"cd /go/src/github.com/rancher/pipeline-example-go\ngo build -o bin/hello-server\ngo test -cover",
			}}}},
			{Name: "Publish", Steps: []devopsv1alpha1.Step{{Name: "step-1", PublishImage: &devopsv1alpha1.PublishImageStep{
				DockerfilePath: "./Dockerfile", BuildContext: ".", Tag: "example-helloserver:${CICD_EXECUTION_SEQUENCE}",
			}}}},
			{Name: "Deploy", Steps: []devopsv1alpha1.Step{{Name: "step-1", ApplyYaml: &devopsv1alpha1.ApplyYamlStep{Path: "./deployment.yaml"}}}},
		}}},
		{"rancher/docs-triggers.yml", &devopsv1alpha1.PipelineConfig{
			Stages: []devopsv1alpha1.Stage{{
				Name: "Build something",
				When: &devopsv1alpha1.When{
					Branch: &devopsv1alpha1.Condition{Include: []string{"master"}},
					Event:  &devopsv1alpha1.Condition{Include: []string{"push", "pull_request"}},
				},
				Steps: []devopsv1alpha1.Step{{
					Name:      "step-1",
					RunScript: &devopsv1alpha1.RunScriptStep{Image: "busybox", ShellScript: "date -R"},
					When: &devopsv1alpha1.When{
						Branch: &devopsv1alpha1.Condition{Include: []string{"master", "dev"}},
						Event:  &devopsv1alpha1.Condition{Include: []string{"push"}},
					},
				}},
			}},
			Branch: &devopsv1alpha1.Condition{Include: []string{"master", "feature/*"}, Exclude: []string{"dev"}},
		}},
		{"rancher/docs-full.yml", &devopsv1alpha1.PipelineConfig{
			Stages: []devopsv1alpha1.Stage{
				{
					Name: "Build something",
					When: &devopsv1alpha1.When{
						Branch: &devopsv1alpha1.Condition{Include: []string{"master"}},
						Event:  &devopsv1alpha1.Condition{Include: []string{"push", "pull_request"}},
					},
					Steps: []devopsv1alpha1.Step{
						{
							Name:      "step-1",
							RunScript: &devopsv1alpha1.RunScriptStep{Image: "busybox", ShellScript: "echo ${FIRST_KEY} && echo ${ALIAS_ENV}"},
							Env:       map[string]string{"FIRST_KEY": "VALUE", "SECOND_KEY": "VALUE2"},
							EnvFrom:   []devopsv1alpha1.EnvFromSecret{{SourceName: "my-secret", SourceKey: "secret-key", TargetKey: "ALIAS_ENV"}},
						},
						{
							Name:      "step-2",
							RunScript: &devopsv1alpha1.RunScriptStep{Image: "busybox", ShellScript: "date -R"},
							When: &devopsv1alpha1.When{
								Branch: &devopsv1alpha1.Condition{Include: []string{"master", "dev"}},
								Event:  &devopsv1alpha1.Condition{Include: []string{"push"}},
							},
						},
					},
				},
				{Name: "Publish my image", Steps: []devopsv1alpha1.Step{{
					Name: "step-1",
					PublishImage: &devopsv1alpha1.PublishImageStep{
						DockerfilePath: "./Dockerfile", BuildContext: ".", Tag: "repo/app:v1", PushRemote: true, Registry: "example.com",
					},
					Env:       map[string]string{"PLUGIN_INSECURE": "true"},
					Resources: &devopsv1alpha1.StepResources{CPURequest: q("100m"), CPULimit: q("1"), MemoryRequest: q("100Mi"), MemoryLimit: q("1Gi")},
				}}},
				{Name: "Deploy some workloads", Steps: []devopsv1alpha1.Step{{Name: "step-1", ApplyYaml: &devopsv1alpha1.ApplyYamlStep{Path: "./deployment.yaml"}}}},
				{Name: "Deploy App", Steps: []devopsv1alpha1.Step{{Name: "step-1", ApplyApp: &devopsv1alpha1.ApplyAppStep{
					CatalogTemplate: "cattle-global-data:library-mysql", Version: "0.3.8",
					Answers: map[string]string{"persistence.enabled": "false"}, Name: "testmysql", TargetNamespace: "test",
				}}}},
			},
			Branch:  &devopsv1alpha1.Condition{Include: []string{"master", "feature/*"}, Exclude: []string{"dev"}},
			Timeout: minutes(30),
			Notification: &devopsv1alpha1.Notification{
				Webhooks:   []devopsv1alpha1.NotificationWebhook{{URL: "https://hooks.example.com/services/T000/B000"}},
				Conditions: []devopsv1alpha1.NotificationCondition{"Failed", "Success", "Changed"},
				Message:    "my-message",
			},
		}},
		// Rancher's clone stage is dropped (Wheelhouse clones first), and
		// yes is true, as in Rancher's YAML 1.1 parser.
		{"rancher/clone-stage.yaml", &devopsv1alpha1.PipelineConfig{
			Stages: []devopsv1alpha1.Stage{{Name: "test", Steps: []devopsv1alpha1.Step{{
				Name: "step-1", RunScript: &devopsv1alpha1.RunScriptStep{Image: "node:10", ShellScript: "npm ci\nnpm test\n"}, Privileged: true,
			}}}},
			Timeout: minutes(60),
		}},
		{"wheelhouse/go-service.yml", &devopsv1alpha1.PipelineConfig{
			Stages: []devopsv1alpha1.Stage{
				{
					Name:      "test",
					When:      &devopsv1alpha1.When{Event: &devopsv1alpha1.Condition{Include: []string{"push", "pull_request"}}},
					Env:       map[string]string{"GOFLAGS": "-mod=readonly"},
					Resources: &devopsv1alpha1.StepResources{MemoryRequest: q("256Mi")},
					Cache:     &devopsv1alpha1.Cache{Key: "go-mod-${CICD_GIT_BRANCH}", Paths: []string{"/root/go/pkg/mod", ".cache/go-build"}},
					Steps: []devopsv1alpha1.Step{
						{
							Name:      "unit",
							RunScript: &devopsv1alpha1.RunScriptStep{Image: "golang:1.26", ShellScript: "go test ./..."},
							Resources: &devopsv1alpha1.StepResources{CPURequest: q("500m"), CPULimit: q("2"), MemoryLimit: q("2Gi")},
							Timeout:   minutes(15),
						},
						{
							Name:      "vet",
							RunScript: &devopsv1alpha1.RunScriptStep{Image: "golang:1.26", ShellScript: "go vet ./..."},
							Env:       map[string]string{"CGO_ENABLED": "0"},
						},
					},
				},
				{
					Name: "publish",
					When: &devopsv1alpha1.When{
						Branch: &devopsv1alpha1.Condition{Include: []string{"main", "release-*"}},
						Event:  &devopsv1alpha1.Condition{Include: []string{"push", "tag"}},
					},
					Steps: []devopsv1alpha1.Step{{
						Name: "image",
						PublishImage: &devopsv1alpha1.PublishImageStep{
							DockerfilePath: "./Dockerfile", BuildContext: ".", Tag: "team/hello:${CICD_EXECUTION_SEQUENCE}",
							Registry: "registry.example.com", PushRemote: true,
						},
						EnvFrom: []devopsv1alpha1.EnvFromSecret{{SourceName: "registry-login", SourceKey: "password", TargetKey: "REGISTRY_PASSWORD"}},
					}},
				},
				{
					Name: "deploy",
					When: &devopsv1alpha1.When{
						Branch: &devopsv1alpha1.Condition{Include: []string{"main"}},
						Event:  &devopsv1alpha1.Condition{Include: []string{"push"}},
					},
					Timeout: minutes(5),
					Steps: []devopsv1alpha1.Step{
						{Name: "manifests", ApplyYaml: &devopsv1alpha1.ApplyYamlStep{Path: "deploy/", Namespace: "hello", Cluster: "prod-eu"}},
						{Name: "config", ApplyYaml: &devopsv1alpha1.ApplyYamlStep{
							Content:   "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hello-build\ndata:\n  run: \"${CICD_EXECUTION_SEQUENCE}\"\n",
							Namespace: "hello",
						}},
					},
				},
			},
			Timeout: minutes(90),
			Notification: &devopsv1alpha1.Notification{
				Webhooks:   []devopsv1alpha1.NotificationWebhook{{URL: "https://hooks.example.com/ci"}, {URL: "https://chat.example.com/hook/42"}},
				Conditions: []devopsv1alpha1.NotificationCondition{"Failed", "Changed"},
				Message:    "hello build ${CICD_EXECUTION_SEQUENCE}",
			},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			got, err := readFile(t, tc.file)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if diff := cmp.Diff(tc.want, got, cmpQuantities); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseFileErrors reads Rancher files that cannot apply as they are.
func TestParseFileErrors(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"rancher/docs-notification.yml", []string{
			"line 13, column 15, notification.recipients[0].notifier: Rancher notifiers do not exist in Wheelhouse: give a webhook URL as the recipient, without a notifier",
			"line 15, column 15, notification.recipients[1].notifier: Rancher notifiers do not exist in Wheelhouse: give a webhook URL as the recipient, without a notifier",
		}},
		{"rancher/docs-publish-catalog.yml", []string{
			"line 6, column 7, stages[0].steps[0].publishCatalogConfig: cannot apply: Wheelhouse has no Rancher catalog to publish a chart template to; push the chart from a runScript step (helm push) instead",
		}},
		{"rancher/docs-resources-typo.yml", []string{
			"line 11: not valid YAML: could not find expected ':'",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			_, err := readFile(t, tc.file)
			if diff := cmp.Diff(tc.want, errorLines(t, err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func errorLines(t *testing.T, err error) []string {
	t.Helper()
	var list Errors
	if !errors.As(err, &list) {
		t.Fatalf("error %v (%T) is not an Errors", err, err)
	}
	if len(list) == 0 {
		t.Fatal("an empty Errors")
	}
	return strings.Split(err.Error(), "\n")
}
