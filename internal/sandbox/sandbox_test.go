package sandbox

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"
)

func TestValidateName(t *testing.T) {
	tests := []struct {
		name    string
		wantErr string
	}{
		{name: "local"},
		{name: "a"},
		{name: "dev-1"},
		{name: strings.Repeat("a", 63)},
		{name: "", wantErr: "invalid name: must not be empty"},
		{name: strings.Repeat("a", 64), wantErr: "must be at most 63 characters"},
		{name: "Local", wantErr: `invalid name "Local": must be a DNS label`},
		{name: "bad_name", wantErr: `invalid name "bad_name"`},
		{name: "-x", wantErr: "must be a DNS label"},
		{name: "x-", wantErr: "must be a DNS label"},
		{name: "a.b", wantErr: "must be a DNS label"},
		{name: "../etc", wantErr: "must be a DNS label"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateName(tt.name)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ValidateName(%q) = %v, want nil", tt.name, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ValidateName(%q) = %v, want error containing %q", tt.name, err, tt.wantErr)
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Field != "name" {
				t.Fatalf("ValidateName(%q) = %#v, want *ValidationError for field name", tt.name, err)
			}
		})
	}
}

func TestValidateNodes(t *testing.T) {
	for _, n := range []int{0, 1, 3, MaxNodes} {
		if err := ValidateNodes(n); err != nil {
			t.Errorf("ValidateNodes(%d) = %v", n, err)
		}
	}
	for _, n := range []int{-1, MaxNodes + 1} {
		err := ValidateNodes(n)
		if !IsValidationError(err) || !strings.Contains(err.Error(), "invalid nodes") {
			t.Errorf("ValidateNodes(%d) = %v, want invalid nodes", n, err)
		}
	}
}

func TestRenderKwokctlConfig(t *testing.T) {
	p := ports{KubeAPIServer: 20001, Etcd: 20002, EtcdPeer: 20003, KwokController: 20004, KubeControllerManager: 20005, KubeScheduler: 20006}
	raw, err := renderKwokctlConfig(kwokctlInput{ports: p, cacheDir: "/state/cache", logsFile: "/state/configs/local.log", disableQPSLimits: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	for _, doc := range strings.Split(string(raw), "---\n") {
		var m map[string]any
		if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
			t.Fatalf("rendered configuration is not YAML: %v\n%s", err, raw)
		}
		got = append(got, m)
	}
	want := []map[string]any{{
		"apiVersion": "config.kwok.x-k8s.io/v1alpha1",
		"kind":       "KwokctlConfiguration",
		"options": map[string]any{
			"runtime":                   "binary",
			"kubeVersion":               KubeVersion,
			"bindAddress":               "127.0.0.1",
			"kubeApiserverPort":         float64(20001),
			"etcdPort":                  float64(20002),
			"etcdPeerPort":              float64(20003),
			"kwokControllerPort":        float64(20004),
			"kubeControllerManagerPort": float64(20005),
			"kubeSchedulerPort":         float64(20006),
			"cacheDir":                  "/state/cache",
			"disableQPSLimits":          true,
		},
		"componentsPatches": []any{
			map[string]any{"name": "kube-controller-manager", "extraArgs": []any{map[string]any{"key": "leader-elect", "value": "false"}}},
			map[string]any{"name": "kube-scheduler", "extraArgs": []any{map[string]any{"key": "leader-elect", "value": "false"}}},
		},
	}, {
		"apiVersion": "kwok.x-k8s.io/v1alpha1",
		"kind":       "ClusterLogs",
		"metadata":   map[string]any{"name": "sandbox-container-logs"},
		"spec": map[string]any{"logs": []any{
			map[string]any{"logsFile": "/state/configs/local.log", "follow": false},
		}},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rendered configuration (-want +got):\n%s", diff)
	}
}

func TestRenderKwokctlConfigMetricsServer(t *testing.T) {
	p := ports{KubeAPIServer: 20001, Etcd: 20002, EtcdPeer: 20003, KwokController: 20004, KubeControllerManager: 20005, KubeScheduler: 20006, MetricsServer: 20007}
	raw, err := renderKwokctlConfig(kwokctlInput{ports: p, cacheDir: "/state/cache", logsFile: "/state/configs/local.log", metricsServer: &metricsServerSettings{Binary: "/tools/bin/metrics-server", ManifestDir: "/state/configs/local-metrics-server"}})
	if err != nil {
		t.Fatal(err)
	}
	docs := strings.Split(string(raw), "---\n")
	if len(docs) != 3 {
		t.Fatalf("%d documents, want 3 (configuration, ClusterLogs, ClusterResourceUsage):\n%s", len(docs), raw)
	}
	var conf struct {
		Options           map[string]any `json:"options"`
		ComponentsPatches []any          `json:"componentsPatches"`
	}
	if err := yaml.Unmarshal([]byte(docs[0]), &conf); err != nil {
		t.Fatal(err)
	}
	wantPatch := map[string]any{"name": "metrics-server", "extraArgs": []any{
		map[string]any{"key": "kubelet-preferred-address-types", "value": "Hostname", "override": true}}}
	if n := len(conf.ComponentsPatches); n != 3 || !cmp.Equal(wantPatch, conf.ComponentsPatches[2]) {
		t.Errorf("componentsPatches %v, want the two leader-election ones and %v", conf.ComponentsPatches, wantPatch)
	}
	for k, want := range map[string]any{
		"enableMetricsServer":    true,
		"metricsServerBinary":    "/tools/bin/metrics-server",
		"metricsServerPort":      float64(20007),
		"metricsServerManifests": []any{"/state/configs/local-metrics-server"},
		"bindAddress":            "127.0.0.1",
	} {
		if diff := cmp.Diff(want, conf.Options[k]); diff != "" {
			t.Errorf("options.%s (-want +got):\n%s", k, diff)
		}
	}
	var usage map[string]any
	if err := yaml.Unmarshal([]byte(docs[2]), &usage); err != nil {
		t.Fatal(err)
	}
	cpu := `"kwok.x-k8s.io/usage-cpu" in pod.metadata.annotations ? Quantity(pod.metadata.annotations["kwok.x-k8s.io/usage-cpu"]) : Quantity("100m")`
	mem := `"kwok.x-k8s.io/usage-memory" in pod.metadata.annotations ? Quantity(pod.metadata.annotations["kwok.x-k8s.io/usage-memory"]) : Quantity("64Mi")`
	want := map[string]any{
		"apiVersion": "kwok.x-k8s.io/v1alpha1",
		"kind":       "ClusterResourceUsage",
		"metadata":   map[string]any{"name": "sandbox-usage"},
		"spec": map[string]any{"usages": []any{map[string]any{"usage": map[string]any{
			"cpu":    map[string]any{"expression": cpu},
			"memory": map[string]any{"expression": mem},
		}}}},
	}
	if diff := cmp.Diff(want, usage); diff != "" {
		t.Errorf("ClusterResourceUsage (-want +got):\n%s", diff)
	}
}

func TestMetricsServerInToolchain(t *testing.T) {
	dir := t.TempDir()
	if HasMetricsServer(dir) {
		t.Fatal("HasMetricsServer of an empty directory")
	}
	err := toolchain{dir: dir}.checkMetricsServer()
	if !errors.Is(err, ErrToolchainMissing) || !strings.Contains(err.Error(), "(missing metrics-server): run `make tools`") {
		t.Errorf("checkMetricsServer = %v", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bin", "metrics-server"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if !HasMetricsServer(dir) {
		t.Error("HasMetricsServer false with bin/metrics-server present")
	}
}

func TestContainerLog(t *testing.T) {
	got := string(containerLog(time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)))
	if !strings.HasPrefix(got, "2026-01-02T03:04:05.000000006Z stdout F Simulated container") || !strings.HasSuffix(got, "\n") {
		t.Fatalf("containerLog = %q, want one CRI-format line", got)
	}
}

func TestPickPorts(t *testing.T) {
	busy := map[uint32]bool{}
	free := func(p uint32) bool { return !busy[p] }
	rng := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		p, err := pickPorts(rng, free)
		if err != nil {
			t.Fatal(err)
		}
		all := []uint32{p.KubeAPIServer, p.Etcd, p.EtcdPeer, p.KwokController, p.KubeControllerManager, p.KubeScheduler, p.MetricsServer}
		for _, v := range all {
			if v < portMin || v >= portMax {
				t.Fatalf("port %d outside [%d, %d)", v, portMin, portMax)
			}
			if busy[v] {
				t.Fatalf("port %d picked although busy", v)
			}
		}
		sorted := slices.Clone(all)
		slices.Sort(sorted)
		if len(slices.Compact(sorted)) != len(all) {
			t.Fatalf("duplicate ports in %v", all)
		}
		for _, v := range all {
			busy[v] = true
		}
	}

	_, err := pickPorts(rng, func(uint32) bool { return false })
	if err == nil {
		t.Fatal("pickPorts with no free port succeeded")
	}
}

func TestToolchainEnv(t *testing.T) {
	tc := toolchain{dir: "/tools"}
	parent := []string{"PATH=/bin", "KWOK_RUNTIME=docker", "KWOK_WORKDIR=/home/u/.kwok", "KUBECONFIG=/home/u/.kube/config", "HOME=/home/u"}
	got := tc.env(parent, "/data/sandbox")
	want := []string{
		"PATH=/bin",
		"HOME=/home/u",
		"KWOK_RUNTIME=binary",
		"KWOK_KUBE_VERSION=" + KubeVersion,
		"KWOK_WORKDIR=/data/sandbox",
		"KWOK_KUBE_APISERVER_BINARY=/tools/bin/kube-apiserver",
		"KWOK_KUBE_CONTROLLER_MANAGER_BINARY=/tools/bin/kube-controller-manager",
		"KWOK_KUBE_SCHEDULER_BINARY=/tools/bin/kube-scheduler",
		"KWOK_ETCD_BINARY=/tools/bin/etcd",
		"KWOK_CONTROLLER_BINARY=/tools/bin/kwok",
		"KWOK_KUBECTL_BINARY=/tools/bin/kubectl",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("env (-want +got):\n%s", diff)
	}
}

func TestToolchainCheck(t *testing.T) {
	dir := t.TempDir()
	err := toolchain{dir: dir}.check()
	if !errors.Is(err, ErrToolchainMissing) {
		t.Fatalf("check of empty dir = %v, want ErrToolchainMissing", err)
	}
	want := "sandbox toolchain not found in " + dir + ": run `make tools`"
	if err.Error() != want {
		t.Fatalf("error = %q, want %q", err, want)
	}

	if err := os.MkdirAll(filepath.Join(dir, "bin"), 0o750); err != nil {
		t.Fatal(err)
	}
	for _, b := range toolchainBinaries {
		if b == binEtcd {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, "bin", b), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	err = toolchain{dir: dir}.check()
	if !errors.Is(err, ErrToolchainMissing) || !strings.Contains(err.Error(), "(missing etcd)") {
		t.Fatalf("check with etcd missing = %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bin", binEtcd), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := (toolchain{dir: dir}).check(); err != nil {
		t.Fatalf("check of complete toolchain = %v", err)
	}
}

func TestCountNodes(t *testing.T) {
	raw := []byte(`{"items":[
		{"status":{"conditions":[{"type":"MemoryPressure","status":"False"},{"type":"Ready","status":"True"}]}},
		{"status":{"conditions":[{"type":"Ready","status":"False"}]}},
		{"status":{}}]}`)
	total, ready, err := countNodes(raw)
	if err != nil || total != 3 || ready != 1 {
		t.Fatalf("countNodes = %d, %d, %v; want 3, 1, nil", total, ready, err)
	}
	if _, _, err := countNodes([]byte("not json")); err == nil {
		t.Fatal("countNodes of garbage succeeded")
	}
}

func TestNewManagerDefaults(t *testing.T) {
	if _, err := NewManager(Config{}); !IsValidationError(err) {
		t.Fatalf("NewManager without StateDir = %v, want validation error", err)
	}
	t.Setenv("WHEELHOUSE_TOOLS_DIR", "/opt/tools")
	m, err := NewManager(Config{StateDir: "rel"})
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(m.StateDir()) || m.ToolsDir() != "/opt/tools" {
		t.Fatalf("StateDir %q, ToolsDir %q", m.StateDir(), m.ToolsDir())
	}
	if m.KubectlPath() != "/opt/tools/bin/kubectl" {
		t.Fatalf("KubectlPath = %q", m.KubectlPath())
	}
}

func TestOperationsWithoutToolchain(t *testing.T) {
	m, err := NewManager(Config{StateDir: t.TempDir(), ToolsDir: filepath.Join(t.TempDir(), "none")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Up(t.Context(), "local", 1); !errors.Is(err, ErrToolchainMissing) {
		t.Fatalf("Up = %v, want ErrToolchainMissing", err)
	}
	if _, err := m.Up(t.Context(), "Bad", 1); !IsValidationError(err) {
		t.Fatalf("Up with bad name = %v, want validation error", err)
	}
	if _, err := m.Up(t.Context(), "local", -1); !IsValidationError(err) {
		t.Fatalf("Up with -1 nodes = %v, want validation error", err)
	}
	// Deleting or inspecting a cluster that does not exist needs no toolchain.
	if err := m.Down(t.Context(), "local"); err != nil {
		t.Fatalf("Down of missing cluster = %v", err)
	}
	st, err := m.Status(t.Context(), "local")
	if err != nil || st.Exists {
		t.Fatalf("Status of missing cluster = %+v, %v", st, err)
	}
	if list, err := m.List(t.Context()); err != nil || len(list) != 0 {
		t.Fatalf("List = %v, %v", list, err)
	}
}

func TestComponentAlive(t *testing.T) {
	m, err := NewManager(Config{StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	// This test process is alive but is not the cluster's etcd.
	if m.componentAlive("local", "etcd", os.Getpid()) {
		t.Error("the test process was taken for the etcd of cluster local")
	}
	if processAlive(-1) || !processAlive(os.Getpid()) {
		t.Error("processAlive is wrong about -1 or the test process")
	}
	if c, _ := m.deadComponent("local"); c != "" {
		t.Errorf("deadComponent without pid files = %q", c)
	}
	pids := filepath.Join(m.clusterDir("local"), "pids")
	if err := os.MkdirAll(pids, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(pids, "kube-apiserver.pid"), []byte(fmt.Sprint(os.Getpid())), 0o600); err != nil {
		t.Fatal(err)
	}
	if c, _ := m.deadComponent("local"); c != "kube-apiserver" {
		t.Errorf("deadComponent with a foreign pid = %q, want kube-apiserver", c)
	}
	m.removeStalePIDs("local")
	if _, err := os.Stat(filepath.Join(pids, "kube-apiserver.pid")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale pid file kept: %v", err)
	}

	// A component that is a script (the metrics-server wrapper of
	// TestMetricsServerExitDuringCreate) runs as "bash SCRIPT" until it
	// execs what it wraps: alive all along. (The "exit 0" keeps bash from
	// exec-ing sleep in its place.)
	bin := filepath.Join(m.clusterDir("local"), "bin", "metrics-server")
	if err := os.MkdirAll(filepath.Dir(bin), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, []byte("#!/bin/bash\nsleep 30\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	script := exec.Command(bin)
	if err := script.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = script.Process.Kill(); _ = script.Wait() })
	if !m.componentAlive("local", "metrics-server", script.Process.Pid) {
		t.Error("a component run by its script interpreter was taken for dead")
	}
}

func TestRenderKwokctlConfigExec(t *testing.T) {
	p := ports{KubeAPIServer: 20001, Etcd: 20002, EtcdPeer: 20003, KwokController: 20004, KubeControllerManager: 20005, KubeScheduler: 20006}
	without, err := renderKwokctlConfig(kwokctlInput{ports: p, cacheDir: "/state/cache", logsFile: "/state/configs/local.log"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(without), "ClusterExec") {
		t.Fatalf("configuration without an exec directory has a ClusterExec:\n%s", without)
	}
	raw, err := renderKwokctlConfig(kwokctlInput{ports: p, cacheDir: "/state/cache", logsFile: "/state/configs/local.log", execDir: "/tmp/test/exec"})
	if err != nil {
		t.Fatal(err)
	}
	docs := strings.Split(string(raw), "---\n")
	if len(docs) != 3 {
		t.Fatalf("%d documents, want 3 (configuration, ClusterLogs, ClusterExec):\n%s", len(docs), raw)
	}
	var got map[string]any
	if err := yaml.Unmarshal([]byte(docs[2]), &got); err != nil {
		t.Fatalf("rendered ClusterExec is not YAML: %v\n%s", err, docs[2])
	}
	want := map[string]any{
		"apiVersion": "kwok.x-k8s.io/v1alpha1",
		"kind":       "ClusterExec",
		"metadata":   map[string]any{"name": "sandbox-test-exec"},
		"spec": map[string]any{"execs": []any{map[string]any{"local": map[string]any{
			"workDir": "/tmp/test/exec",
			"envs":    []any{map[string]any{"name": "HOME", "value": "/tmp/test/exec"}},
		}}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rendered ClusterExec (-want +got):\n%s", diff)
	}
}

func TestRenderKwokctlConfigServiceRange(t *testing.T) {
	p := ports{KubeAPIServer: 20001, Etcd: 20002, EtcdPeer: 20003, KwokController: 20004, KubeControllerManager: 20005, KubeScheduler: 20006}
	raw, err := renderKwokctlConfig(kwokctlInput{ports: p, cacheDir: "/state/cache", logsFile: "/state/configs/local.log", serviceRange: "10.96.0.0/16"})
	if err != nil {
		t.Fatal(err)
	}
	var conf kwokctlConfiguration
	if err := yaml.Unmarshal([]byte(strings.Split(string(raw), "---\n")[0]), &conf); err != nil {
		t.Fatal(err)
	}
	want := componentsPatch{Name: "kube-apiserver", ExtraArgs: []extraArgs{{Key: "service-cluster-ip-range", Value: "10.96.0.0/16"}}}
	if n := len(conf.ComponentsPatches); n == 0 || !cmp.Equal(conf.ComponentsPatches[n-1], want) {
		t.Errorf("components patches = %+v, want the last to be %+v", conf.ComponentsPatches, want)
	}
}
