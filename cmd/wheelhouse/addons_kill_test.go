//go:build !unit

package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

// TestServerKilledMidInstall kills the server (SIGKILL) while it installs
// an add-on whose wait cannot end, which leaves the release
// pending-install, the state in which Helm refuses every operation. The
// restarted server finds it when the cluster connects and marks it
// failed, saying why; an upgrade, the retry, then goes through.
func TestServerKilledMidInstall(t *testing.T) {
	g := NewWithT(t)
	kubeconfig := sandboxtest.Start(t, 1)
	kc, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	g.Expect(err).NotTo(HaveOccurred())
	kube, err := kubernetes.NewForConfig(kc)
	g.Expect(err).NotTo(HaveOccurred())
	_, err = kube.CoreV1().Namespaces().Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "ci"}}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())

	data := t.TempDir()
	const password = "kill-install-pass"
	s := startServer(t, data, "WHEELHOUSE_ADMIN_PASSWORD="+password)
	token := s.login(t, password)
	raw, _ := servertest.FlatKubeconfig(t, kubeconfig)
	code, body := s.post(t, "/api/v1/clusters", token, map[string]string{"name": "c1", "kubeconfig": string(raw)})
	g.Expect(code).To(Equal(http.StatusCreated), "%v", body)

	release := "/api/v1/clusters/c1/namespaces/ci/releases/jenkins"
	// A storage class no volume has: the claim stays Pending and the wait
	// lasts an hour.
	install := map[string]any{"name": "jenkins", "chart": map[string]any{"name": "jenkins"}, "timeoutSeconds": 3600,
		"values": map[string]any{"persistence": map[string]any{"storageClass": "none"}}}
	g.Eventually(func() (int, error) {
		code, body := s.post(t, "/api/v1/clusters/c1/namespaces/ci/releases", token, install)
		if code != http.StatusAccepted {
			return code, fmt.Errorf("%v", body)
		}
		return code, nil
	}).WithTimeout(time.Minute).WithPolling(500*time.Millisecond).Should(Equal(http.StatusAccepted), "the cluster connects")
	g.Eventually(func() (string, error) {
		var rel struct{ Status string }
		return rel.Status, s.getJSON(release, token, &rel)
	}).WithTimeout(time.Minute).WithPolling(200 * time.Millisecond).Should(Equal("pending-install"))

	g.Expect(s.cmd.Process.Kill()).To(Succeed())
	_ = s.cmd.Wait()

	s = startServer(t, data, "WHEELHOUSE_ADMIN_PASSWORD="+password)
	token = s.login(t, password)
	var rel struct{ Status, Description string }
	g.Eventually(func() (string, error) {
		return rel.Status, s.getJSON(release, token, &rel)
	}).WithTimeout(time.Minute).WithPolling(200 * time.Millisecond).Should(Equal("failed"))
	g.Expect(rel.Description).To(ContainSubstring("interrupted"))

	// The retry: the same values, without the wait that cannot end.
	req := map[string]any{"values": install["values"], "wait": false}
	code, body = s.do(t, http.MethodPut, release, token, req)
	g.Expect(code).To(Equal(http.StatusAccepted), "%v", body)
	g.Eventually(func() (string, error) {
		var op struct{ State, Message string }
		err := s.getJSON(release+"/operation", token, &op)
		return op.State + " " + op.Message, err
	}).WithTimeout(time.Minute).WithPolling(200 * time.Millisecond).Should(Equal("Succeeded "))
	g.Expect(s.getJSON(release, token, &rel)).To(Succeed())
	g.Expect(rel.Status).To(Equal("deployed"))
}

// getJSON GETs path and decodes a 200 answer into out.
func (s *process) getJSON(path, token string, out any) error {
	req, err := http.NewRequest(http.MethodGet, s.url+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %d", path, resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}
