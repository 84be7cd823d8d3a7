package sandbox

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"sigs.k8s.io/yaml"
)

// bindAddress is the only address sandbox components listen on.
const bindAddress = "127.0.0.1"

// Ports are drawn at random from [portMin, portMax): below the kernel's
// ephemeral range (32768+), so they never collide with outgoing
// connections, and away from the well-known Kubernetes ports.
const (
	portMin = 20000
	portMax = 32000
)

// ports are the host ports of one sandbox cluster's components.
type ports struct {
	KubeAPIServer         uint32
	Etcd                  uint32
	EtcdPeer              uint32
	KwokController        uint32
	KubeControllerManager uint32
	KubeScheduler         uint32
	// MetricsServer is used only by clusters that run metrics-server.
	MetricsServer uint32
}

// kwokctlConfiguration is the part of kwokctl's KwokctlConfiguration
// (config.kwok.x-k8s.io/v1alpha1) the sandbox sets; kwokctl fills in the
// rest with its defaults, which include the pod and node Stages that make
// pods on simulated nodes reach Running.
type kwokctlConfiguration struct {
	APIVersion        string            `json:"apiVersion"`
	Kind              string            `json:"kind"`
	Options           kwokctlOptions    `json:"options"`
	ComponentsPatches []componentsPatch `json:"componentsPatches"`
}

type componentsPatch struct {
	Name      string      `json:"name"`
	ExtraArgs []extraArgs `json:"extraArgs"`
}

type extraArgs struct {
	Key   string `json:"key"`
	Value string `json:"value"`
	// Override replaces the component's own --key=... instead of adding one.
	Override bool `json:"override,omitempty"`
}

type kwokctlOptions struct {
	Runtime                   string `json:"runtime"`
	KubeVersion               string `json:"kubeVersion"`
	BindAddress               string `json:"bindAddress"`
	KubeApiserverPort         uint32 `json:"kubeApiserverPort"`
	EtcdPort                  uint32 `json:"etcdPort"`
	EtcdPeerPort              uint32 `json:"etcdPeerPort"`
	KwokControllerPort        uint32 `json:"kwokControllerPort"`
	KubeControllerManagerPort uint32 `json:"kubeControllerManagerPort"`
	KubeSchedulerPort         uint32 `json:"kubeSchedulerPort"`
	CacheDir                  string `json:"cacheDir"`
	DisableQPSLimits          bool   `json:"disableQPSLimits"`

	EnableMetricsServer    bool     `json:"enableMetricsServer,omitempty"`
	MetricsServerBinary    string   `json:"metricsServerBinary,omitempty"`
	MetricsServerPort      uint32   `json:"metricsServerPort,omitempty"`
	MetricsServerManifests []string `json:"metricsServerManifests,omitempty"`
}

// clusterLogs is kwok's ClusterLogs (kwok.x-k8s.io/v1alpha1): which file
// `kubectl logs` shows for the containers of the selected pods.
type clusterLogs struct {
	APIVersion string          `json:"apiVersion"`
	Kind       string          `json:"kind"`
	Metadata   clusterLogsMeta `json:"metadata"`
	Spec       clusterLogsSpec `json:"spec"`
}

type clusterLogsMeta struct {
	Name string `json:"name"`
}

type clusterLogsSpec struct {
	Logs []clusterLogsEntry `json:"logs"`
}

type clusterLogsEntry struct {
	LogsFile string `json:"logsFile"`
	Follow   bool   `json:"follow"`
}

// clusterExec is kwok's ClusterExec (kwok.x-k8s.io/v1alpha1): how `kubectl
// exec` runs commands in the containers of the selected pods. kwok runs
// them as processes on the host, so only test clusters get one.
type clusterExec struct {
	APIVersion string          `json:"apiVersion"`
	Kind       string          `json:"kind"`
	Metadata   clusterLogsMeta `json:"metadata"`
	Spec       clusterExecSpec `json:"spec"`
}

type clusterExecSpec struct {
	Execs []execTarget `json:"execs"`
}

type execTarget struct {
	Local execTargetLocal `json:"local"`
}

type execTargetLocal struct {
	WorkDir string   `json:"workDir"`
	Envs    []envVar `json:"envs"`
}

type envVar struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// kwokctlInput is what the kwokctl configuration of a new cluster is made
// of.
type kwokctlInput struct {
	ports ports
	// cacheDir is kwokctl's download cache, inside the sandbox state.
	cacheDir string
	// logsFile is served as the log of every container.
	logsFile         string
	disableQPSLimits bool
	// metricsServer, when set, runs metrics-server and emulates usage.
	metricsServer *metricsServerSettings
	// execDir, when set (test clusters only), adds a ClusterExec.
	execDir string
	// serviceRange, when set, is the API server's --service-cluster-ip-range.
	serviceRange string
}

// renderKwokctlConfig renders the kwokctl configuration file of a new
// cluster: binary runtime, every component bound to 127.0.0.1 on the given
// ports, kwokctl's download cache inside the sandbox state directory, no
// leader election, and a ClusterLogs that serves logsFile as the log of
// every container (without it `kubectl logs` fails on simulated pods).
//
// With a metricsServer, the cluster also runs metrics-server from its
// Binary on ports.MetricsServer and emulates resource usage (see
// sandboxResourceUsage).
//
// With execDir set (test clusters only, see StartForTestWith) it adds a
// ClusterExec that runs the commands of `kubectl exec` in every container as
// processes on this host, in execDir with HOME set to it. Without one, exec
// on simulated pods fails: kwok has nothing to run them in but the host.
//
// A non-empty serviceRange becomes the API server's
// --service-cluster-ip-range.
func renderKwokctlConfig(in kwokctlInput) ([]byte, error) {
	p, ms, execDir, serviceRange := in.ports, in.metricsServer, in.execDir, in.serviceRange
	conf := kwokctlConfiguration{
		APIVersion: "config.kwok.x-k8s.io/v1alpha1",
		Kind:       "KwokctlConfiguration",
		Options: kwokctlOptions{
			Runtime:                   "binary",
			KubeVersion:               KubeVersion,
			BindAddress:               bindAddress,
			KubeApiserverPort:         p.KubeAPIServer,
			EtcdPort:                  p.Etcd,
			EtcdPeerPort:              p.EtcdPeer,
			KwokControllerPort:        p.KwokController,
			KubeControllerManagerPort: p.KubeControllerManager,
			KubeSchedulerPort:         p.KubeScheduler,
			CacheDir:                  in.cacheDir,
			DisableQPSLimits:          in.disableQPSLimits,
		},
		// One instance of each needs no leader election; with it, a restarted
		// controller manager or scheduler (new identity) waits for the Lease of
		// its predecessor to expire before doing anything.
		ComponentsPatches: []componentsPatch{
			{Name: "kube-controller-manager", ExtraArgs: []extraArgs{{Key: "leader-elect", Value: "false"}}},
			{Name: "kube-scheduler", ExtraArgs: []extraArgs{{Key: "leader-elect", Value: "false"}}},
		},
	}
	if serviceRange != "" {
		conf.ComponentsPatches = append(conf.ComponentsPatches, componentsPatch{
			Name: "kube-apiserver", ExtraArgs: []extraArgs{{Key: "service-cluster-ip-range", Value: serviceRange}},
		})
	}
	logs := clusterLogs{
		APIVersion: "kwok.x-k8s.io/v1alpha1",
		Kind:       "ClusterLogs",
		Metadata:   clusterLogsMeta{Name: "sandbox-container-logs"},
		Spec:       clusterLogsSpec{Logs: []clusterLogsEntry{{LogsFile: in.logsFile}}},
	}
	docs := []any{conf, logs}
	if ms != nil {
		// kwokctl adds kwok's default Metric (the kubelet's resource metrics
		// endpoint) by itself; the ClusterResourceUsage replaces its default
		// usage.
		conf.Options.EnableMetricsServer = true
		conf.Options.MetricsServerBinary = ms.Binary
		conf.Options.MetricsServerPort = p.MetricsServer
		conf.Options.MetricsServerManifests = []string{ms.ManifestDir}
		// Simulated nodes carry made-up InternalIPs (192.0.2.x, from
		// kwokctl's node template) that nothing listens on; their Hostname
		// address is "localhost", where the kwok controller serves every
		// node's kubelet endpoints (at the node status port, under the path
		// of the node's metrics.k8s.io/resource-metrics-path annotation).
		conf.ComponentsPatches = append(conf.ComponentsPatches, componentsPatch{Name: "metrics-server", ExtraArgs: []extraArgs{
			{Key: "kubelet-preferred-address-types", Value: "Hostname", Override: true},
		}})
		docs = []any{conf, logs, sandboxResourceUsage()}
	}
	if execDir != "" {
		docs = append(docs, clusterExec{
			APIVersion: "kwok.x-k8s.io/v1alpha1",
			Kind:       "ClusterExec",
			Metadata:   clusterLogsMeta{Name: "sandbox-test-exec"},
			Spec: clusterExecSpec{Execs: []execTarget{{Local: execTargetLocal{
				WorkDir: execDir,
				Envs:    []envVar{{Name: "HOME", Value: execDir}},
			}}}},
		})
	}
	var out []byte
	for i, doc := range docs {
		raw, err := yaml.Marshal(doc)
		if err != nil {
			return nil, fmt.Errorf("render kwokctl configuration: %w", err)
		}
		if i > 0 {
			out = append(out, "---\n"...)
		}
		out = append(out, raw...)
	}
	return out, nil
}

// containerLog is the content of the log every simulated container shows,
// in the CRI log format kwok reads.
func containerLog(now time.Time) []byte {
	return fmt.Appendf(nil, "%s stdout F Simulated container in a Wheelhouse sandbox cluster: kwok runs no process, so this log does not change.\n",
		now.UTC().Format(time.RFC3339Nano))
}

// pickPorts chooses distinct free ports for a new cluster. free reports
// whether a port can be bound; tests pass a fake.
func pickPorts(rng *rand.Rand, free func(uint32) bool) (ports, error) {
	seen := map[uint32]bool{}
	next := func() (uint32, error) {
		for range 1000 {
			p := uint32(portMin + rng.IntN(portMax-portMin))
			if seen[p] || !free(p) {
				continue
			}
			seen[p] = true
			return p, nil
		}
		return 0, fmt.Errorf("no free port in [%d, %d) after 1000 tries", portMin, portMax)
	}
	var p ports
	for _, dst := range []*uint32{&p.KubeAPIServer, &p.Etcd, &p.EtcdPeer, &p.KwokController, &p.KubeControllerManager, &p.KubeScheduler, &p.MetricsServer} {
		v, err := next()
		if err != nil {
			return ports{}, err
		}
		*dst = v
	}
	return p, nil
}

// portFree reports whether nothing listens on port, on 127.0.0.1 or on the
// wildcard address (a wildcard listener would make our bind fail too).
func portFree(port uint32) bool {
	for _, host := range []string{bindAddress, ""} {
		var lc net.ListenConfig
		l, err := lc.Listen(context.Background(), "tcp", net.JoinHostPort(host, strconv.FormatUint(uint64(port), 10)))
		if err != nil {
			return false
		}
		_ = l.Close()
	}
	return true
}

// fileLock is an exclusive advisory lock on a file (flock(2)); it
// serializes sandbox operations across processes.
type fileLock struct{ f *os.File }

// lockFile blocks until it holds the lock on path or ctx is done.
func lockFile(ctx context.Context, path string) (*fileLock, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("create lock directory: %w", err)
	}
	// Read-only and world-readable: flock needs no write access, so other
	// users can share a lock file in the system temp directory.
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock %s: %w", path, err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return &fileLock{f: f}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			_ = f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if err := sleepCtx(ctx, lockPollInterval); err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("wait for lock %s: %w", path, err)
		}
	}
}

// unlock releases the lock.
func (l *fileLock) unlock() {
	_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	_ = l.f.Close()
}
