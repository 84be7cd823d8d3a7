package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/wheelhouse-dev/wheelhouse/internal/settings"
)

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "wheelhouse",
		Short:         "Wheelhouse: one place to run many Kubernetes clusters",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.Args = cobra.NoArgs
	root.AddCommand(
		newServeCommand(),
		newMigrateCommand(),
		newSandboxCommand(),
		newOperatorCommand(),
		newVersionCommand(),
		newConfigCommand(),
	)
	return root
}

// loadConfig resolves the configuration from cmd's flags and the process
// environment. Every command that reads settings calls it first.
func loadConfig(cmd *cobra.Command) (*settings.Config, error) {
	return settings.Load(cmd.Flags(), os.Getenv)
}

// noArgs is cobra.NoArgs whose error exits with status 2.
func noArgs(cmd *cobra.Command, args []string) error {
	if err := cobra.NoArgs(cmd, args); err != nil {
		return usageError{err}
	}
	return nil
}
