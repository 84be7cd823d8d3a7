package main

import (
	"context"
	"errors"
	"testing"
	"time"

	. "github.com/onsi/gomega"
)

// TestRunAllStopsEveryRunnerOnTheFirstFailure: a runner that fails (the
// HTTP server's listener, the cluster service at start) stops the others
// and its error, named, is what serve returns; nothing hangs.
func TestRunAllStopsEveryRunnerOnTheFirstFailure(t *testing.T) {
	stopped := make(chan string, 2)
	untilDone := func(name string) runner {
		return runner{name, func(ctx context.Context) error {
			<-ctx.Done()
			stopped <- name
			return nil
		}}
	}
	errc := make(chan error, 1)
	go func() {
		errc <- runAll(t.Context(), untilDone("cluster service"), untilDone("token sweeper"),
			runner{"http server", func(context.Context) error { return errors.New("accept: too many open files") }})
	}()
	var err error
	NewWithT(t).Eventually(errc).WithTimeout(10*time.Second).Should(Receive(&err), "runAll hangs after a runner failed")
	if err == nil || err.Error() != "http server: accept: too many open files" {
		t.Fatalf("runAll = %v, want the http server's failure", err)
	}
	if len(stopped) != 2 {
		t.Fatalf("%d of 2 runners stopped", len(stopped))
	}
}

// TestRunAllEndsWithTheContext: a clean stop returns nil once every runner
// returned.
func TestRunAllEndsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := runAll(ctx, runner{"a", func(ctx context.Context) error { <-ctx.Done(); return nil }})
	if err != nil {
		t.Fatalf("runAll = %v", err)
	}
}
