package sandbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// KubeVersion is the Kubernetes version the sandbox toolchain is built
// from (hack/tools/go.mod pins k8s.io/kubernetes at this version).
const KubeVersion = "v1.36.3"

// ErrToolchainMissing is wrapped by every error caused by a missing or
// incomplete sandbox toolchain; `make tools` builds it.
var ErrToolchainMissing = errors.New("sandbox toolchain not found")

// The binaries `make tools` builds into TOOLS-DIR/bin.
const (
	binKwokctl               = "kwokctl"
	binKwok                  = "kwok"
	binEtcd                  = "etcd"
	binKubeAPIServer         = "kube-apiserver"
	binKubeControllerManager = "kube-controller-manager"
	binKubeScheduler         = "kube-scheduler"
	binKubectl               = "kubectl"
)

// toolchainBinaries lists every binary a sandbox cluster needs.
var toolchainBinaries = []string{
	binKwokctl, binKwok, binEtcd, binKubeAPIServer,
	binKubeControllerManager, binKubeScheduler, binKubectl,
}

// toolchain locates the binaries of the sandbox toolchain under a tools
// directory (the directory `make tools` prints, whose bin/ holds them).
type toolchain struct {
	dir string
}

// path returns the absolute path of one toolchain binary.
func (t toolchain) path(bin string) string {
	return filepath.Join(t.dir, "bin", bin)
}

// check reports a missing toolchain with the command that builds it.
func (t toolchain) check() error {
	var missing []string
	for _, bin := range toolchainBinaries {
		info, err := os.Stat(t.path(bin))
		if err != nil || info.IsDir() || info.Mode()&0o111 == 0 {
			missing = append(missing, bin)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if len(missing) == len(toolchainBinaries) {
		return fmt.Errorf("%w in %s: run `make tools`", ErrToolchainMissing, t.dir)
	}
	return fmt.Errorf("%w in %s (missing %s): run `make tools`",
		ErrToolchainMissing, t.dir, strings.Join(missing, ", "))
}

// env is the environment kwokctl runs with: the binary runtime, the local
// binaries instead of downloads, and all state under workdir instead of
// ~/.kwok. Variables of the parent environment that would change kwokctl's
// behaviour (any KWOK_*, KUBECONFIG) are dropped first.
func (t toolchain) env(parent []string, workdir string) []string {
	env := make([]string, 0, len(parent)+10)
	for _, kv := range parent {
		if strings.HasPrefix(kv, "KWOK_") || strings.HasPrefix(kv, "KUBECONFIG=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"KWOK_RUNTIME=binary",
		"KWOK_KUBE_VERSION="+KubeVersion,
		"KWOK_WORKDIR="+workdir,
		"KWOK_KUBE_APISERVER_BINARY="+t.path(binKubeAPIServer),
		"KWOK_KUBE_CONTROLLER_MANAGER_BINARY="+t.path(binKubeControllerManager),
		"KWOK_KUBE_SCHEDULER_BINARY="+t.path(binKubeScheduler),
		"KWOK_ETCD_BINARY="+t.path(binEtcd),
		"KWOK_CONTROLLER_BINARY="+t.path(binKwok),
		"KWOK_KUBECTL_BINARY="+t.path(binKubectl),
	)
}
