package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/wheelhouse-dev/wheelhouse/internal/settings"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

func newMigrateCommand() *cobra.Command {
	var status bool
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply pending database migrations (serve also does this at start)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
				return fmt.Errorf("create data directory: %w", err)
			}
			st, err := store.Open(ctx, cfg.DatabaseDSN(), store.Options{Logger: newLogger(cfg, os.Stderr)})
			if err != nil {
				return err
			}
			defer st.Close()
			w := cmd.OutOrStdout()
			if !status {
				applied, err := st.Migrate(ctx)
				if err != nil {
					return fmt.Errorf("migrate %s: %w", st.Where(), err)
				}
				fmt.Fprintf(w, "Applied %d migration(s) to %s\n", len(applied), st.Where())
				for _, m := range applied {
					fmt.Fprintf(w, "  %s\n", m)
				}
			}
			list, err := st.MigrationStatus(ctx)
			if err != nil {
				return fmt.Errorf("read migration status: %w", err)
			}
			for _, m := range list {
				state := "pending"
				if m.Applied {
					state = "applied " + m.AppliedAt.Format("2006-01-02 15:04:05")
				}
				fmt.Fprintf(w, "%4d  %-40s %s\n", m.Version, m.Name, state)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&status, "status", false, "only show which migrations are applied")
	settings.AddFlags(cmd.Flags(), settings.Global)
	return cmd
}
