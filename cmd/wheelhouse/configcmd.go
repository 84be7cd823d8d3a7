package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/wheelhouse-dev/wheelhouse/internal/settings"
)

// newConfigCommand prints the configuration reference table that the README
// carries, from the same table the flags are built from.
func newConfigCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "config-reference",
		Short: "Print the configuration reference as a Markdown table",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := cmd.OutOrStdout()
			fmt.Fprintln(w, "| flag | environment | file key | default | meaning |")
			fmt.Fprintln(w, "| --- | --- | --- | --- | --- |")
			fmt.Fprintf(w, "| `--%s` | `WHEELHOUSE_CONFIG` | | | YAML configuration file |\n", settings.ConfigFlag)
			for _, s := range settings.Settings {
				flag := "`--" + s.Name + "`"
				if s.Secret {
					flag = "(none: secret)"
				}
				def := s.Default()
				if def != "" {
					def = "`" + def + "`"
				}
				// These defaults depend on the user's home; the README
				// explains them instead of showing one machine's path.
				if s.Name == "data-dir" || s.Name == "tools-dir" {
					def = "see below"
				}
				_, err := fmt.Fprintf(w, "| %s | `%s` | `%s` | %s | %s |\n", flag, s.EnvVar(), s.FileKey(), def, s.Usage)
				if err != nil {
					return err
				}
			}
			return nil
		},
	}
}
