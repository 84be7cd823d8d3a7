package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox"
	"github.com/wheelhouse-dev/wheelhouse/internal/settings"
)

const (
	defaultSandboxName  = "local"
	defaultSandboxNodes = 3
)

// newSandboxCommand is `wheelhouse sandbox`: local Kubernetes clusters with
// a real control plane and simulated nodes, kept in DATA-DIR/sandbox.
func newSandboxCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run local sandbox clusters (real control plane, simulated nodes)",
		Long: `Run local sandbox clusters: etcd, kube-apiserver, kube-controller-manager and
kube-scheduler as local processes, with nodes and pods simulated by kwok. Every
port is bound to 127.0.0.1 and all state lives in DATA-DIR/sandbox. The
toolchain comes from TOOLS-DIR, built by ` + "`make tools`" + `.`,
		Args: noArgs,
	}
	settings.AddFlags(cmd.PersistentFlags(), settings.Global)
	cmd.AddCommand(
		newSandboxUpCommand(),
		newSandboxDownCommand(),
		newSandboxStartCommand(),
		newSandboxStopCommand(),
		newSandboxStatusCommand(),
		newSandboxScaleCommand(),
		newSandboxKubeconfigCommand(),
		newSandboxKubectlCommand(),
	)
	return cmd
}

// sandboxManager builds the Manager for the command's configuration.
func sandboxManager(cmd *cobra.Command) (*sandbox.Manager, error) {
	return sandboxManagerWith(cmd, false, false)
}

// sandboxManagerWith is sandboxManager for `up`, which also decides
// whether a new cluster runs without rate limits and with metrics-server.
func sandboxManagerWith(cmd *cobra.Command, disableQPSLimits, metricsServer bool) (*sandbox.Manager, error) {
	cfg, err := loadConfig(cmd)
	if err != nil {
		return nil, err
	}
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel)) // validated by config
	opts := &slog.HandlerOptions{Level: level}
	var handler slog.Handler = slog.NewTextHandler(cmd.ErrOrStderr(), opts)
	if cfg.LogFormat == "json" {
		handler = slog.NewJSONHandler(cmd.ErrOrStderr(), opts)
	}
	return sandbox.NewManager(sandbox.Config{
		StateDir: cfg.SandboxDir(),
		ToolsDir: cfg.ToolsDir,
		Logger:   slog.New(handler),
		Stdout:   cmd.OutOrStdout(),
		Stderr:   cmd.ErrOrStderr(),

		DisableQPSLimits: disableQPSLimits,
		MetricsServer:    metricsServer,
	})
}

// sandboxError makes invalid arguments exit with status 2.
func sandboxError(err error) error {
	if sandbox.IsValidationError(err) {
		return usageError{err}
	}
	return err
}

func addNameFlag(cmd *cobra.Command, name *string) {
	cmd.Flags().StringVar(name, "name", defaultSandboxName, "name of the sandbox cluster (a DNS label)")
}

// withTimeout bounds ctx by d unless d is zero.
func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}

func newSandboxUpCommand() *cobra.Command {
	var (
		name     string
		nodes    int
		timeout  time.Duration
		noLimits bool
		metrics  bool
	)
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Create or start a sandbox cluster and give it N Ready nodes (repeatable)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := sandboxManagerWith(cmd, noLimits, metrics)
			if err != nil {
				return err
			}
			ctx, cancel := withTimeout(cmd.Context(), timeout)
			defer cancel()
			st, err := m.Up(ctx, name, nodes)
			if err != nil {
				return sandboxError(err)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "Sandbox cluster %q is running with %d/%d nodes Ready.\n", st.Name, st.ReadyNodes, st.Nodes)
			fmt.Fprintf(w, "  API server: %s\n", st.Server)
			fmt.Fprintf(w, "  kubeconfig: %s\n", st.KubeconfigPath)
			_, err = fmt.Fprintf(w, "  kubectl:    wheelhouse sandbox kubectl --name %s -- get nodes\n", st.Name)
			return err
		},
	}
	addNameFlag(cmd, &name)
	cmd.Flags().IntVar(&nodes, "nodes", defaultSandboxNodes, "number of simulated nodes")
	cmd.Flags().DurationVar(&timeout, "timeout", 5*time.Minute, "give up after this long (0: no limit)")
	cmd.Flags().BoolVar(&noLimits, "disable-qps-limits", false, "create the cluster without API rate limits (bulk loads, benchmarks); no effect on an existing cluster")
	cmd.Flags().BoolVar(&metrics, "metrics-server", false, "create the cluster with emulated resource usage and metrics-server, so metrics.k8s.io answers (needs `make tools`); no effect on an existing cluster")
	return cmd
}

func newSandboxDownCommand() *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "down",
		Short: "Stop a sandbox cluster and delete all its state (succeeds if absent)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := sandboxManager(cmd)
			if err != nil {
				return err
			}
			return sandboxError(m.Down(cmd.Context(), name))
		},
	}
	addNameFlag(cmd, &name)
	return cmd
}

func newSandboxStartCommand() *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "start",
		Short: "Start the processes of a stopped sandbox cluster, keeping its state",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := sandboxManager(cmd)
			if err != nil {
				return err
			}
			return sandboxError(m.Start(cmd.Context(), name))
		},
	}
	addNameFlag(cmd, &name)
	return cmd
}

func newSandboxStopCommand() *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "stop",
		Short: "Stop the processes of a sandbox cluster, keeping its state for start or up",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := sandboxManager(cmd)
			if err != nil {
				return err
			}
			return sandboxError(m.Stop(cmd.Context(), name))
		},
	}
	addNameFlag(cmd, &name)
	return cmd
}

func newSandboxStatusCommand() *cobra.Command {
	var name, output string
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show one sandbox cluster (--name) or all of them",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "table" && output != "json" {
				return usageError{fmt.Errorf("invalid output %q: must be table or json", output)}
			}
			m, err := sandboxManager(cmd)
			if err != nil {
				return err
			}
			var list []sandbox.Status
			if cmd.Flags().Changed("name") {
				st, err := m.Status(cmd.Context(), name)
				if err != nil {
					return sandboxError(err)
				}
				if output == "json" {
					return writeJSON(cmd.OutOrStdout(), st)
				}
				list = []sandbox.Status{st}
			} else {
				if list, err = m.List(cmd.Context()); err != nil {
					return err
				}
				if output == "json" {
					if list == nil {
						list = []sandbox.Status{}
					}
					return writeJSON(cmd.OutOrStdout(), list)
				}
			}
			return writeStatusTable(cmd.OutOrStdout(), list)
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "name of the sandbox cluster (default: all)")
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table or json")
	return cmd
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func writeStatusTable(w io.Writer, list []sandbox.Status) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSTATUS\tNODES\tSERVER\tKUBECONFIG")
	for _, st := range list {
		state := "Stopped"
		switch {
		case !st.Exists:
			state = "Absent"
		case st.Running:
			state = "Running"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d/%d\t%s\t%s\n", st.Name, state, st.ReadyNodes, st.Nodes, st.Server, st.KubeconfigPath)
	}
	return tw.Flush()
}

func newSandboxScaleCommand() *cobra.Command {
	var (
		name  string
		nodes int
	)
	cmd := &cobra.Command{
		Use:   "scale",
		Short: "Set the number of simulated nodes of a running sandbox cluster",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := sandboxManager(cmd)
			if err != nil {
				return err
			}
			return sandboxError(m.Scale(cmd.Context(), name, nodes))
		},
	}
	addNameFlag(cmd, &name)
	cmd.Flags().IntVar(&nodes, "nodes", 0, "number of simulated nodes")
	_ = cmd.MarkFlagRequired("nodes")
	return cmd
}

func newSandboxKubeconfigCommand() *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "kubeconfig",
		Short: "Print a self-contained admin kubeconfig of a sandbox cluster",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := sandboxManager(cmd)
			if err != nil {
				return err
			}
			kc, err := m.Kubeconfig(cmd.Context(), name)
			if err != nil {
				return sandboxError(err)
			}
			_, err = cmd.OutOrStdout().Write(kc)
			return err
		},
	}
	addNameFlag(cmd, &name)
	return cmd
}

func newSandboxKubectlCommand() *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "kubectl [--name NAME] -- ARGS...",
		Short: "Run the toolchain's kubectl against a sandbox cluster, with its exit status",
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := sandboxManager(cmd)
			if err != nil {
				return err
			}
			err = m.Kubectl(cmd.Context(), name, args, sandbox.IOStreams{
				In: cmd.InOrStdin(), Out: cmd.OutOrStdout(), ErrOut: cmd.ErrOrStderr(),
			})
			var exitErr *exec.ExitError
			if errors.As(err, &exitErr) {
				// kubectl has printed its own error; pass its status on.
				code := exitErr.ExitCode()
				if code <= 0 {
					code = 1
				}
				os.Exit(code)
			}
			return sandboxError(err)
		},
	}
	addNameFlag(cmd, &name)
	// Everything from the first argument on belongs to kubectl, flags too:
	// `wheelhouse sandbox kubectl --name x get pods -o wide` works without --.
	cmd.Flags().SetInterspersed(false)
	return cmd
}
