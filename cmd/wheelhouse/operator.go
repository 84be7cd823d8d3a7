package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/healthz"

	"github.com/wheelhouse-dev/wheelhouse/config/crd"
	"github.com/wheelhouse-dev/wheelhouse/internal/controller/ctrlkit"
	"github.com/wheelhouse-dev/wheelhouse/internal/controller/workload"
	"github.com/wheelhouse-dev/wheelhouse/internal/settings"
)

// operatorLeaseName is the Lease the operator's replicas compete for.
const operatorLeaseName = "wheelhouse-workload-operator"

// operatorOptions are the flags of `wheelhouse operator`.
type operatorOptions struct {
	kubeconfig         string
	leaderElect        bool
	leaseNamespace     string
	metricsAddr        string
	probeAddr          string
	installCRDs        bool
	namespace          string
	clusterName        string
	concurrency        int
	disableWriteCaches bool
	qps                float32
	burst              int
	crdInstallTimeout  time.Duration
}

func newOperatorCommand() *cobra.Command {
	var o operatorOptions
	cmd := &cobra.Command{
		Use:   "operator",
		Short: "Run the Workload controller against one cluster",
		Long: `Runs the controller of the Workload custom resource (apps.wheelhouse.dev/v1alpha1)
against one cluster: it creates each Workload's Deployment, StatefulSet,
DaemonSet, Job or CronJob and its Service, keeps them as declared and
writes the Workload's status.

Without --kubeconfig it uses the in-cluster configuration (as in the Helm
chart charts/wheelhouse-operator), else $KUBECONFIG or ~/.kube/config.
Metrics (Prometheus) are served at http://METRICS-ADDRESS/metrics, health at
http://PROBE-ADDRESS/healthz and /readyz.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			if o.concurrency < 1 {
				return usageError{errors.New("--concurrency must be at least 1")}
			}
			return runOperator(cmd.Context(), o, newLogger(cfg, cmd.ErrOrStderr()))
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.kubeconfig, "kubeconfig", "", "kubeconfig of the cluster (default: in-cluster configuration, else $KUBECONFIG or ~/.kube/config)")
	f.BoolVar(&o.leaderElect, "leader-elect", false, "elect a leader among the operator's replicas with a Lease, so only one reconciles")
	f.StringVar(&o.leaseNamespace, "leader-election-namespace", "", "namespace of the leader election Lease (default: the pod's namespace in a cluster)")
	f.StringVar(&o.metricsAddr, "metrics-bind-address", "127.0.0.1:8082", `address of the /metrics endpoint ("0" turns it off)`)
	f.StringVar(&o.probeAddr, "health-probe-bind-address", "127.0.0.1:8083", `address of the /healthz and /readyz endpoints ("0" turns them off)`)
	f.BoolVar(&o.installCRDs, "install-crds", false, "create or update the Workload CRD before starting")
	f.StringVar(&o.namespace, "namespace", "", "reconcile Workloads in this namespace only (default: all namespaces)")
	f.StringVar(&o.clusterName, "cluster-name", "", `name of the cluster, as the "cluster" label of the operator's metrics and "cluster" in its logs (default: none)`)
	f.IntVar(&o.concurrency, "concurrency", workload.DefaultConcurrency, "Workloads reconciled at the same time (reconciles wait on the API server, not the CPU)")
	f.BoolVar(&o.disableWriteCaches, "disable-write-caches", false, "turn off the caches that skip writes which would change nothing (every pass then applies every child: more writes, the same outcome)")
	f.Float32Var(&o.qps, "kube-api-qps", -1, "client-side limit of requests per second to the API server; negative: none, the API server's priority and fairness limits the operator (controller-runtime's default)")
	f.IntVar(&o.burst, "kube-api-burst", 0, "burst of requests above --kube-api-qps")
	f.DurationVar(&o.crdInstallTimeout, "crd-install-timeout", time.Minute, "how long --install-crds waits for the CRD to be served")
	settings.AddFlags(f, settings.Global)
	return cmd
}

// runOperator runs the Workload controller until ctx ends.
func runOperator(ctx context.Context, o operatorOptions, logger *slog.Logger) error {
	log := ctrlkit.Logr(logger, o.clusterName)
	ctrl.SetLogger(log)
	klog.SetLogger(log)

	restCfg, err := operatorRESTConfig(o.kubeconfig)
	if err != nil {
		return err
	}
	restCfg.QPS, restCfg.Burst = o.qps, o.burst
	restCfg.UserAgent = "wheelhouse-operator"

	scheme, err := ctrlkit.NewScheme()
	if err != nil {
		return err
	}
	if o.installCRDs {
		c, err := client.New(restCfg, client.Options{Scheme: scheme})
		if err != nil {
			return fmt.Errorf("client for CRD install: %w", err)
		}
		if err := crd.Install(ctx, c, crd.Options{Timeout: o.crdInstallTimeout}); err != nil {
			return err
		}
		logger.Info("Installed the Workload CRD")
	}

	mgr, err := ctrlkit.NewManager(restCfg, ctrlkit.Options{
		Cluster:                 o.clusterName,
		Logger:                  logger,
		Scheme:                  scheme,
		LeaderElection:          o.leaderElect,
		LeaderElectionID:        operatorLeaseName,
		LeaderElectionNamespace: o.leaseNamespace,
		MetricsBindAddress:      o.metricsAddr,
		HealthProbeBindAddress:  o.probeAddr,
		Namespace:               o.namespace,
	})
	if err != nil {
		return err
	}
	if _, err := workload.Setup(mgr, workload.Options{
		Cluster:            o.clusterName,
		Concurrency:        o.concurrency,
		DisableWriteCaches: o.disableWriteCaches,
	}); err != nil {
		return err
	}
	if err := mgr.AddHealthzCheck("ping", healthz.Ping); err != nil {
		return fmt.Errorf("add health check: %w", err)
	}
	if err := mgr.AddReadyzCheck("informers", cacheSynced(mgr)); err != nil {
		return fmt.Errorf("add readiness check: %w", err)
	}

	logger.Info("Starting the Workload operator", "host", restCfg.Host, "leaderElect", o.leaderElect,
		"metrics", o.metricsAddr, "probes", o.probeAddr, "namespace", o.namespace,
		"cluster", o.clusterName, "writeCaches", !o.disableWriteCaches)
	if err := mgr.Start(ctx); err != nil {
		return fmt.Errorf("run controller manager: %w", err)
	}
	return nil
}

// cacheSynced is ready once the manager's informers have synced (on every
// replica, leader or not).
func cacheSynced(mgr ctrl.Manager) healthz.Checker {
	return func(req *http.Request) error {
		ctx, cancel := context.WithTimeout(req.Context(), 100*time.Millisecond)
		defer cancel()
		if !mgr.GetCache().WaitForCacheSync(ctx) {
			return errors.New("informer caches not synced")
		}
		return nil
	}
}

// operatorRESTConfig loads the kubeconfig at path, or the in-cluster
// configuration, or the default kubeconfig loading rules.
func operatorRESTConfig(path string) (*rest.Config, error) {
	if path != "" {
		if _, err := os.Stat(path); err != nil {
			return nil, usageError{fmt.Errorf("--kubeconfig: %w", err)}
		}
		cfg, err := clientcmd.BuildConfigFromFlags("", path)
		if err != nil {
			return nil, fmt.Errorf("load kubeconfig %s: %w", path, err)
		}
		return cfg, nil
	}
	cfg, err := rest.InClusterConfig()
	if err == nil {
		return cfg, nil
	}
	if !errors.Is(err, rest.ErrNotInCluster) {
		return nil, fmt.Errorf("in-cluster configuration: %w", err)
	}
	cfg, err = clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
		clientcmd.NewDefaultClientConfigLoadingRules(), &clientcmd.ConfigOverrides{}).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("no --kubeconfig, not in a cluster, and no default kubeconfig: %w", err)
	}
	return cfg, nil
}
