package main

import (
	"io"
	"testing"

	. "github.com/onsi/gomega"
)

func TestOperatorFlagDefaults(t *testing.T) {
	g := NewWithT(t)
	f := newOperatorCommand().Flags()
	for name, want := range map[string]string{
		"kubeconfig":                "",
		"leader-elect":              "false",
		"metrics-bind-address":      "127.0.0.1:8082",
		"health-probe-bind-address": "127.0.0.1:8083",
		"install-crds":              "false",
		"concurrency":               "16",
		"disable-write-caches":      "false",
		"cluster-name":              "",
		"log-level":                 "",
	} {
		fl := f.Lookup(name)
		g.Expect(fl).NotTo(BeNil(), name)
		g.Expect(fl.DefValue).To(Equal(want), name)
	}
}

func TestOperatorUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing kubeconfig file", []string{"--kubeconfig", "/nonexistent/kubeconfig"}, "--kubeconfig"},
		{"no workers", []string{"--concurrency", "0"}, "--concurrency must be at least 1"},
		{"extra argument", []string{"extra"}, "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			cmd := newOperatorCommand()
			cmd.SetArgs(tt.args)
			cmd.SetOut(io.Discard)
			cmd.SetErr(io.Discard)
			err := cmd.ExecuteContext(t.Context())
			g.Expect(err).To(MatchError(ContainSubstring(tt.want)))
			g.Expect(exitCode(err)).To(Equal(2))
		})
	}
}
