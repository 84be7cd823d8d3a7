//go:build !unit

package storage_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

const base = "/api/v1/clusters/c1"

// TestStorage runs every storage endpoint against a sandbox cluster.
func TestStorage(t *testing.T) {
	h, conn := servertest.WithSandbox(t, servertest.Options{}, "c1", 2, "data")
	nobody := h.CreateUser("nobody", "user")
	ctx := t.Context()
	// Without a default class the claims below keep the class they name.

	t.Run("storageclasses", func(t *testing.T) {
		sc := h.Expect(http.StatusCreated, http.MethodPost, base+"/storageclasses", h.Admin, map[string]any{
			"name": "fast", "provisioner": "example.com/fake", "allowVolumeExpansion": true, "reclaimPolicy": "Retain",
			"parameters": map[string]string{"tier": "ssd"}})
		if sc["allowVolumeExpansion"] != true || sc["reclaimPolicy"] != "Retain" || sc["volumeBindingMode"] != "Immediate" {
			t.Errorf("created class: %v", sc)
		}
		h.Expect(http.StatusCreated, http.MethodPost, base+"/storageclasses", h.Admin, map[string]any{"name": "slow", "provisioner": "example.com/fake"})
		h.Expect(http.StatusConflict, http.MethodPost, base+"/storageclasses", h.Admin, map[string]any{"name": "slow", "provisioner": "example.com/fake"})
		good := map[string]any{"name": "x", "provisioner": "example.com/fake"}
		h.ExpectInvalid(t, []servertest.InvalidCase{
			servertest.Invalid("bad name", http.MethodPost, base+"/storageclasses", servertest.With(good, "name", "Bad_Name"), "body.name"),
			servertest.Invalid("bad provisioner", http.MethodPost, base+"/storageclasses", servertest.With(good, "provisioner", "not a provisioner"), "body.provisioner"),
			servertest.Invalid("unknown reclaim policy", http.MethodPost, base+"/storageclasses", servertest.With(good, "reclaimPolicy", "Keep"), "body.reclaimPolicy"),
			servertest.Invalid("unknown binding mode", http.MethodPost, base+"/storageclasses", servertest.With(good, "volumeBindingMode", "Later"), "body.volumeBindingMode"),
		})
		servertest.Eventually(t, func() error {
			l := h.Expect(http.StatusOK, http.MethodGet, base+"/storageclasses?name=lo", h.Admin, nil)
			if got := servertest.ItemNames(l); !slices.Equal(got, []string{"slow"}) {
				return fmt.Errorf("classes matching lo: %v", got)
			}
			return nil
		}).Should(gomega.Succeed())
		got := h.Expect(http.StatusOK, http.MethodGet, base+"/storageclasses/fast", h.Admin, nil)
		if got["provisioner"] != "example.com/fake" || got["parameters"].(map[string]any)["tier"] != "ssd" {
			t.Errorf("get fast: %v", got)
		}
		h.Expect(http.StatusNotFound, http.MethodGet, base+"/storageclasses/none", h.Admin, nil)
		h.Expect(http.StatusNotFound, http.MethodGet, "/api/v1/clusters/nowhere/storageclasses", h.Admin, nil)
		h.Expect(http.StatusForbidden, http.MethodGet, base+"/storageclasses", nobody, nil)
		h.Expect(http.StatusForbidden, http.MethodPost, base+"/storageclasses", nobody, map[string]any{"name": "n", "provisioner": "example.com/fake"})
	})

	t.Run("persistentvolumes", func(t *testing.T) {
		pv := func(name, class string) map[string]any {
			return map[string]any{"name": name, "capacity": "1Gi", "accessModes": []string{"ReadWriteOnce"}, "storageClassName": class,
				"hostPath": map[string]string{"path": "/tmp/" + name}}
		}
		got := h.Expect(http.StatusCreated, http.MethodPost, base+"/persistentvolumes", h.Admin, pv("pv-fast", "fast"))
		if got["capacity"] != "1Gi" || got["source"] != "hostPath:/tmp/pv-fast" || got["reclaimPolicy"] != "Retain" {
			t.Errorf("created volume: %v", got)
		}
		h.Expect(http.StatusCreated, http.MethodPost, base+"/persistentvolumes", h.Admin, pv("pv-slow", "slow"))
		h.Expect(http.StatusCreated, http.MethodPost, base+"/persistentvolumes", h.Admin, map[string]any{"name": "pv-local", "capacity": "2Gi",
			"accessModes": []string{"ReadWriteOnce"}, "local": map[string]string{"path": "/mnt/disk", "node": "somenode"}})
		h.Expect(http.StatusConflict, http.MethodPost, base+"/persistentvolumes", h.Admin, pv("pv-slow", "slow"))

		good := pv("pv-bad", "")
		pvs := base + "/persistentvolumes"
		h.ExpectInvalid(t, []servertest.InvalidCase{
			servertest.Invalid("bad capacity", http.MethodPost, pvs, servertest.With(good, "capacity", "lots"), "body.capacity"),
			servertest.Invalid("zero capacity", http.MethodPost, pvs, servertest.With(good, "capacity", "0"), "body.capacity"),
			servertest.Invalid("unknown access mode", http.MethodPost, pvs, servertest.With(good, "accessModes", []string{"WriteSometimes"}), "body.accessModes[0]"),
			servertest.Invalid("no source", http.MethodPost, pvs, servertest.With(good, "hostPath", nil), "body.hostPath"),
			servertest.Invalid("two sources", http.MethodPost, pvs, servertest.With(good, "local", map[string]string{"path": "/mnt", "node": "n"}), "body.hostPath"),
			servertest.Invalid("relative path", http.MethodPost, pvs, servertest.With(good, "hostPath", map[string]string{"path": "relative"}), "body.hostPath.path"),
			servertest.Invalid("bad class", http.MethodPost, pvs, servertest.With(good, "storageClassName", "Fast!"), "body.storageClassName"),
		})

		servertest.Eventually(t, func() error {
			l := h.Expect(http.StatusOK, http.MethodGet, base+"/persistentvolumes", h.Admin, nil)
			if got := servertest.ItemNames(l); !slices.Equal(got, []string{"pv-fast", "pv-local", "pv-slow"}) {
				return fmt.Errorf("volumes: %v", got)
			}
			return nil
		}).Should(gomega.Succeed())
		got = h.Expect(http.StatusOK, http.MethodGet, base+"/persistentvolumes/pv-local", h.Admin, nil)
		if got["source"] != "local:/mnt/disk" {
			t.Errorf("local volume: %v", got)
		}
		h.Expect(http.StatusNotFound, http.MethodGet, base+"/persistentvolumes/none", h.Admin, nil)
		h.Expect(http.StatusForbidden, http.MethodGet, base+"/persistentvolumes", nobody, nil)
		h.Expect(http.StatusNoContent, http.MethodDelete, base+"/persistentvolumes/pv-local", h.Admin, nil)
		h.Expect(http.StatusNotFound, http.MethodDelete, base+"/persistentvolumes/none", h.Admin, nil)
	})

	t.Run("csidrivers", func(t *testing.T) {
		attach := false
		if _, err := conn.Kube.StorageV1().CSIDrivers().Create(ctx, &storagev1.CSIDriver{ObjectMeta: metav1.ObjectMeta{Name: "fake.example.com"},
			Spec: storagev1.CSIDriverSpec{AttachRequired: &attach}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		l := h.Expect(http.StatusOK, http.MethodGet, base+"/csidrivers", h.Admin, nil)
		if got := servertest.ItemNames(l); !slices.Contains(got, "fake.example.com") {
			t.Fatalf("drivers: %v", got)
		}
		if d := l["items"].([]any)[slices.Index(servertest.ItemNames(l), "fake.example.com")].(map[string]any); d["attachRequired"] != false {
			t.Errorf("driver: %v", d)
		}
		h.Expect(http.StatusForbidden, http.MethodGet, base+"/csidrivers", nobody, nil)
	})

	claims := base + "/namespaces/data/persistentvolumeclaims"
	t.Run("persistentvolumeclaims", func(t *testing.T) {
		claim := func(name, class, volume string) map[string]any {
			return map[string]any{"name": name, "storageClassName": class, "size": "1Gi", "volumeName": volume}
		}
		got := h.Expect(http.StatusCreated, http.MethodPost, claims, h.Admin, claim("fast-claim", "fast", "pv-fast"))
		if got["request"] != "1Gi" || !slices.Equal(got["accessModes"].([]any), []any{"ReadWriteOnce"}) {
			t.Errorf("created claim: %v", got)
		}
		h.Expect(http.StatusCreated, http.MethodPost, claims, h.Admin, claim("slow-claim", "slow", "pv-slow"))
		h.Expect(http.StatusConflict, http.MethodPost, claims, h.Admin, claim("slow-claim", "slow", "pv-slow"))
		good := claim("bad", "fast", "")
		h.ExpectInvalid(t, []servertest.InvalidCase{
			servertest.Invalid("negative size", http.MethodPost, claims, servertest.With(good, "size", "-1Gi"), "body.size"),
			servertest.Invalid("bad class", http.MethodPost, claims, servertest.With(good, "storageClassName", "Fast!"), "body.storageClassName"),
			servertest.Invalid("bad name", http.MethodPost, claims, servertest.With(good, "name", "-bad"), "body.name"),
			servertest.Invalid("unknown access mode", http.MethodPost, claims, servertest.With(good, "accessModes", []string{"RWO"}), "body.accessModes[0]"),
		})

		for _, name := range []string{"fast-claim", "slow-claim"} {
			servertest.Eventually(t, func() error {
				c := h.Expect(http.StatusOK, http.MethodGet, claims+"/"+name, h.Admin, nil)
				if c["phase"] != "Bound" {
					return fmt.Errorf("claim %s: %v", name, c)
				}
				return nil
			}).Should(gomega.Succeed())
		}
		pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "user", Namespace: "data"}, Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "app", Image: "busybox", VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/data"}}}},
			Volumes: []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{
				PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "fast-claim"}}}},
		}}
		if _, err := conn.Kube.CoreV1().Pods("data").Create(ctx, pod, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		servertest.Eventually(t, func() error {
			c := h.Expect(http.StatusOK, http.MethodGet, claims+"/fast-claim", h.Admin, nil)
			pods := c["pods"].([]any)
			if len(pods) != 1 || pods[0].(map[string]any)["name"] != "user" {
				return fmt.Errorf("pods of fast-claim: %v", pods)
			}
			return nil
		}).Should(gomega.Succeed())
		if c := h.Expect(http.StatusOK, http.MethodGet, claims+"/slow-claim", h.Admin, nil); len(c["pods"].([]any)) != 0 {
			t.Errorf("pods of slow-claim: %v", c["pods"])
		}
		servertest.Eventually(t, func() error {
			l := h.Expect(http.StatusOK, http.MethodGet, claims+"?limit=1", h.Admin, nil)
			if got := servertest.ItemNames(l); !slices.Equal(got, []string{"fast-claim"}) || l["total"] != 2.0 || l["continue"] == nil {
				return fmt.Errorf("first page of claims: %v", l)
			}
			return nil
		}).Should(gomega.Succeed())

		expand := claims + "/fast-claim/expand"
		h.ExpectInvalid(t, []servertest.InvalidCase{
			servertest.Invalid("expand to the same size", http.MethodPost, expand, map[string]string{"size": "1Gi"}, "body.size"),
			servertest.Invalid("shrink", http.MethodPost, expand, map[string]string{"size": "512Mi"}, "body.size"),
			servertest.Invalid("not a size", http.MethodPost, expand, map[string]string{"size": "big"}, "body.size"),
		})
		got = h.Expect(http.StatusOK, http.MethodPost, claims+"/fast-claim/expand", h.Admin, map[string]string{"size": "2Gi"})
		if got["request"] != "2Gi" {
			t.Errorf("expanded claim: %v", got)
		}
		// The API server refuses to expand a claim whose class does not allow it.
		code, resp, _ := h.Do(http.MethodPost, claims+"/slow-claim/expand", h.Admin, map[string]string{"size": "2Gi"})
		if code != http.StatusForbidden {
			t.Errorf("expand slow-claim: %d %v", code, resp)
		}
		h.Expect(http.StatusNotFound, http.MethodPost, claims+"/none/expand", h.Admin, map[string]string{"size": "2Gi"})
		h.Expect(http.StatusNotFound, http.MethodGet, claims+"/none", h.Admin, nil)
		h.Expect(http.StatusForbidden, http.MethodGet, claims, nobody, nil)
		h.Expect(http.StatusForbidden, http.MethodPost, claims+"/fast-claim/expand", nobody, map[string]string{"size": "3Gi"})
	})

	t.Run("delete", func(t *testing.T) {
		h.Expect(http.StatusNoContent, http.MethodDelete, claims+"/slow-claim", h.Admin, nil)
		h.Expect(http.StatusNotFound, http.MethodDelete, claims+"/none", h.Admin, nil)
		h.Expect(http.StatusNoContent, http.MethodDelete, base+"/persistentvolumes/pv-slow", h.Admin, nil)
		h.Expect(http.StatusForbidden, http.MethodDelete, base+"/storageclasses/slow", nobody, nil)
		h.Expect(http.StatusNoContent, http.MethodDelete, base+"/storageclasses/slow", h.Admin, nil)
		h.Expect(http.StatusNotFound, http.MethodDelete, base+"/storageclasses/slow", h.Admin, nil)
		servertest.Eventually(t, func() error {
			if code, _, _ := h.Do(http.MethodGet, base+"/storageclasses/slow", h.Admin, nil); code != http.StatusNotFound {
				return fmt.Errorf("deleted class: %d", code)
			}
			return nil
		}).Should(gomega.Succeed())
	})
}
