package addons

import (
	"errors"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	"helm.sh/helm/v4/pkg/chart/common"
	chartutil "helm.sh/helm/v4/pkg/chart/common/util"
	"helm.sh/helm/v4/pkg/chart/v2/lint"
	"helm.sh/helm/v4/pkg/chart/v2/lint/support"
	"helm.sh/helm/v4/pkg/engine"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

func TestListAndLoad(t *testing.T) {
	g := NewWithT(t)
	list, err := List()
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(list).To(ContainElement(HaveField("Name", "jenkins")))

	c, err := Load("jenkins")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(c.Schema).NotTo(BeEmpty(), "values.schema.json is embedded")
	g.Expect(c.Templates).To(ContainElement(HaveField("Name", "templates/_helpers.tpl")))

	for _, name := range []string{"nope", "", "../jenkins", "jenkins/templates"} {
		_, err := Load(name)
		g.Expect(errors.Is(err, ErrNotFound)).To(BeTrue(), "Load(%q): %v", name, err)
	}
}

// render renders the Jenkins chart with overrides, as `helm template` does.
func render(t *testing.T, overrides map[string]any) map[string]string {
	t.Helper()
	c, err := Load("jenkins")
	if err != nil {
		t.Fatal(err)
	}
	vals, err := chartutil.ToRenderValues(c, overrides, common.ReleaseOptions{Name: "ci", Namespace: "tools", IsInstall: true}, nil)
	if err != nil {
		t.Fatalf("values: %v", err)
	}
	out, err := engine.Render(c, vals)
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	return out
}

func decode[T any](t *testing.T, files map[string]string, name string) *T {
	t.Helper()
	text, ok := files["jenkins/templates/"+name]
	if !ok || strings.TrimSpace(text) == "" {
		t.Fatalf("%s not rendered", name)
	}
	var v T
	if err := yaml.Unmarshal([]byte(text), &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return &v
}

func TestJenkinsDefaults(t *testing.T) {
	g := NewWithT(t)
	files := render(t, nil)
	sts := decode[appsv1.StatefulSet](t, files, "statefulset.yaml")
	g.Expect(sts.Name).To(Equal("ci-jenkins"))
	pod := sts.Spec.Template.Spec
	c := pod.Containers[0]
	g.Expect(c.Ports).To(HaveLen(2))
	for _, p := range []*corev1.Probe{c.StartupProbe, c.LivenessProbe, c.ReadinessProbe} {
		g.Expect(p).NotTo(BeNil())
		g.Expect(p.HTTPGet.Path).To(Equal("/login"))
	}
	g.Expect(*c.SecurityContext.Privileged).To(BeFalse())
	g.Expect(*pod.SecurityContext.RunAsNonRoot).To(BeTrue())
	g.Expect(c.Resources.Requests.Memory().String()).To(Equal("1Gi"))
	g.Expect(pod.InitContainers).To(HaveLen(1), "plugins are installed by an init container")
	g.Expect(pod.Volumes).To(ContainElement(HaveField("Name", "home")))
	g.Expect(files["jenkins/templates/pvc.yaml"]).To(ContainSubstring("storage: 8Gi"))

	cm := decode[corev1.ConfigMap](t, files, "configmap.yaml")
	g.Expect(cm.Data["plugins.txt"]).To(ContainSubstring("configuration-as-code"))
	g.Expect(cm.Data["jenkins.yaml"]).To(ContainSubstring("Jenkins configured by Wheelhouse"))
	g.Expect(cm.Data["jenkins.yaml"]).To(ContainSubstring("${JENKINS_ADMIN_PASSWORD}"))

	svc := decode[corev1.Service](t, files, "service.yaml")
	g.Expect(svc.Spec.Type).To(Equal(corev1.ServiceTypeClusterIP))
	for _, off := range []string{"ingress.yaml", "hpa.yaml"} {
		g.Expect(strings.TrimSpace(files["jenkins/templates/"+off])).To(BeEmpty(), off)
	}
	secret := decode[corev1.Secret](t, files, "secret.yaml")
	g.Expect(secret.Data["jenkins-admin-password"]).To(HaveLen(24), "a generated password")
}

func TestJenkinsOptions(t *testing.T) {
	g := NewWithT(t)
	files := render(t, map[string]any{
		"privileged":       true,
		"imagePullSecrets": []any{"registry-cred"},
		"service":          map[string]any{"type": "NodePort", "nodePort": 30080},
		"ingress":          map[string]any{"enabled": true, "host": "ci.example.com", "tlsSecret": "ci-tls"},
		"autoscaling":      map[string]any{"enabled": true, "maxReplicas": 2},
		"persistence":      map[string]any{"enabled": false},
		"plugins":          []any{},
		"casc":             map[string]any{"config": map[string]any{"jenkins": map[string]any{"systemMessage": "hello"}}},
	})
	sts := decode[appsv1.StatefulSet](t, files, "statefulset.yaml")
	pod := sts.Spec.Template.Spec
	g.Expect(*pod.Containers[0].SecurityContext.Privileged).To(BeTrue())
	g.Expect(pod.SecurityContext).To(BeNil())
	g.Expect(pod.ImagePullSecrets).To(ConsistOf(corev1.LocalObjectReference{Name: "registry-cred"}))
	g.Expect(pod.InitContainers).To(BeEmpty())
	g.Expect(sts.Spec.Replicas).To(BeNil(), "the HPA owns the replicas")
	g.Expect(strings.TrimSpace(files["jenkins/templates/pvc.yaml"])).To(BeEmpty())
	g.Expect(files["jenkins/templates/ingress.yaml"]).To(ContainSubstring("ci.example.com"))
	g.Expect(files["jenkins/templates/hpa.yaml"]).To(ContainSubstring("maxReplicas: 2"))
	svc := decode[corev1.Service](t, files, "service.yaml")
	g.Expect(svc.Spec.Type).To(Equal(corev1.ServiceTypeNodePort))
	g.Expect(svc.Spec.Ports[0].NodePort).To(BeEquivalentTo(30080))
	cm := decode[corev1.ConfigMap](t, files, "configmap.yaml")
	g.Expect(cm.Data["jenkins.yaml"]).To(ContainSubstring("hello"))
	g.Expect(cm.Data["jenkins.yaml"]).To(ContainSubstring("securityRealm"), "the defaults stay under the user's configuration")
}

func TestJenkinsSchemaRefuses(t *testing.T) {
	c, err := Load("jenkins")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		values map[string]any
		field  string
	}{
		{"service type", map[string]any{"service": map[string]any{"type": "LoadBalancer"}}, "/service/type"},
		{"port range", map[string]any{"ports": map[string]any{"http": 70000}}, "/ports/http"},
		{"unknown key", map[string]any{"replicas": 3}, "replicas"},
		{"size", map[string]any{"persistence": map[string]any{"size": "lots"}}, "/persistence/size"},
		{"privileged type", map[string]any{"privileged": "yes"}, "/privileged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := chartutil.ToRenderValues(c, tt.values, common.ReleaseOptions{Name: "ci", Namespace: "tools"}, nil)
			if err == nil || !strings.Contains(err.Error(), tt.field) {
				t.Fatalf("want an error naming %s, got %v", tt.field, err)
			}
		})
	}
}

// TestLint runs Helm's linter (`helm lint --strict`) on every built-in
// chart's directory.
func TestLint(t *testing.T) {
	list, err := List()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range list {
		t.Run(e.Name, func(t *testing.T) {
			l := lint.RunAll(e.Name, nil, "default")
			for _, m := range l.Messages {
				if m.Severity >= support.WarningSev {
					t.Errorf("%v", m)
				} else {
					t.Logf("%v", m)
				}
			}
		})
	}
}

// TestEveryChartShips a schema and a README: the console renders the
// schema as a form and shows the README.
func TestEveryChartShips(t *testing.T) {
	list, err := List()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) < 2 {
		t.Fatalf("built-in charts: %+v", list)
	}
	for _, e := range list {
		c, err := Load(e.Name)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Schema) == 0 {
			t.Errorf("%s: no values.schema.json", e.Name)
		}
		readme := false
		for _, f := range c.Files {
			readme = readme || f.Name == "README.md"
		}
		if !readme {
			t.Errorf("%s: no README.md", e.Name)
		}
	}
}

func TestMetricsServer(t *testing.T) {
	g := NewWithT(t)
	c, err := Load("metrics-server")
	g.Expect(err).NotTo(HaveOccurred())
	opts := common.ReleaseOptions{Name: "ms", Namespace: "kube-system", IsInstall: true}

	vals, err := chartutil.ToRenderValues(c, map[string]any{"kubeletInsecureTLS": true}, opts, nil)
	g.Expect(err).NotTo(HaveOccurred())
	files, err := engine.Render(c, vals)
	g.Expect(err).NotTo(HaveOccurred())
	var d appsv1.Deployment
	g.Expect(yaml.Unmarshal([]byte(files["metrics-server/templates/deployment.yaml"]), &d)).To(Succeed())
	g.Expect(d.Spec.Template.Spec.Containers[0].Args).To(ContainElements(
		"--kubelet-insecure-tls", "--metric-resolution=15s", "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname"))
	g.Expect(files["metrics-server/templates/service.yaml"]).To(ContainSubstring("namespace: kube-system"))

	_, err = chartutil.ToRenderValues(c, map[string]any{"metricResolution": "often"}, opts, nil)
	g.Expect(err).To(MatchError(ContainSubstring("/metricResolution")))
}
