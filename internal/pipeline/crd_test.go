//go:build !unit

package pipeline

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/config/crd"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
)

// TestParsedConfigsFitTheSchema stores the config of every valid testdata
// file in a PipelineExecution of a sandbox cluster: what Parse accepts,
// the CRD's schema and CEL rules accept too, and it reads back the same.
func TestParsedConfigsFitTheSchema(t *testing.T) {
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
	g.Expect(crd.Install(ctx, c, crd.Options{Timeout: time.Minute, Groups: []string{crd.GroupDevOps}})).To(Succeed())
	const ns = "p-files"
	g.Expect(c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})).To(Succeed())

	files, err := filepath.Glob("testdata/*/*.y*ml")
	g.Expect(err).NotTo(HaveOccurred())
	stored := 0
	for i, name := range files {
		data, err := os.ReadFile(name)
		g.Expect(err).NotTo(HaveOccurred())
		format := FormatWheelhouse
		if strings.HasPrefix(name, "testdata/rancher/") {
			format = FormatRancher
		}
		config, err := Parse(data, format)
		if err != nil {
			continue // the files that cannot apply
		}
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			e := &devopsv1alpha1.PipelineExecution{
				ObjectMeta: metav1.ObjectMeta{Name: "run-" + strconv.Itoa(i+1), Namespace: ns},
				Spec: devopsv1alpha1.PipelineExecutionSpec{
					Pipeline: "p", RunNumber: int64(i + 1), Trigger: devopsv1alpha1.TriggerManual,
					Event: devopsv1alpha1.EventManual, Config: *config,
				},
			}
			g.Expect(c.Create(ctx, e)).To(Succeed())
			back := &devopsv1alpha1.PipelineExecution{}
			g.Expect(c.Get(ctx, client.ObjectKeyFromObject(e), back)).To(Succeed())
			g.Expect(back.Spec.Config.Stages).To(HaveLen(len(config.Stages)))
			g.Expect(back.Spec.Config.Timeout).To(Equal(config.Timeout))
		})
		stored++
	}
	g.Expect(stored).To(BeNumerically(">=", 5))
}
