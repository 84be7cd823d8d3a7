package local

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline"
)

// previousServerEnv makes the test binary a "previous server": it runs a
// step that never ends on the engine root the variable names, and is
// then killed by the test.
const previousServerEnv = "LOCAL_ENGINE_TEST_PREVIOUS_SERVER"

func TestMain(m *testing.M) {
	if root := os.Getenv(previousServerEnv); root != "" {
		os.Exit(previousServer(root, os.Getenv("LOCAL_ENGINE_TEST_REPO"), os.Getenv("LOCAL_ENGINE_TEST_IMAGE")))
	}
	os.Exit(m.Run())
}

// previousServer prepares an execution and runs `sleep 1000 & sleep 1000`
// in it until it is killed: as a process, or in image with Podman
// isolation (its registry taken as insecure).
func previousServer(root, repoURL, image string) int {
	opts := Options{Root: root, Host: "node-1"}
	job := &pipeline.Job{Namespace: "team", Name: "run-1", Pipeline: "app", RepositoryURL: repoURL, Commit: "main", Isolation: devopsv1alpha1.IsolationProcess}
	step := scriptStep("sleep 1000 & sleep 1000", nil)
	if image != "" {
		host, _, _ := strings.Cut(image, "/")
		opts.InsecureRegistries = []string{host}
		job.Isolation = devopsv1alpha1.IsolationPodman
		step.Step.RunScript.Image = image
	}
	e, err := New(opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := e.Prepare(context.Background(), job, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	_, err = e.RunStep(context.Background(), job, step, os.Stderr)
	fmt.Fprintln(os.Stderr, "the step ended:", err)
	return 1
}

// A server killed with SIGKILL leaves its steps' processes running (only
// the shell gets the parent-death signal); the next New on its root kills
// them.
func TestNewKillsWhatAKilledServerLeft(t *testing.T) {
	root := t.TempDir()
	r := newRepo(t, t.TempDir(), "app.git", map[string]string{"README": "x\n"})
	rec, recordFile := killedServer(t, root, r.url, "", func(rec record) bool { return len(groupMembers(rec.PGID, rec.Start)) >= 2 })
	waitGone(rec.PGID, rec.Start, time.Second) // the shell's death signal
	if len(groupMembers(rec.PGID, rec.Start)) == 0 {
		t.Fatalf("nothing of the step survived its server: the test proves nothing")
	}

	if _, err := New(Options{Root: root}); err != nil {
		t.Fatal(err)
	}
	if left := groupMembers(rec.PGID, rec.Start); len(left) > 0 {
		_ = syscall.Kill(-rec.PGID, syscall.SIGKILL)
		t.Fatalf("New left the previous server's step running: %v", left)
	}
	if _, err := os.Stat(recordFile); !os.IsNotExist(err) {
		t.Errorf("the record %s is still there: %v", recordFile, err)
	}
}

// killedServer runs a previous server (the test binary) on root, waits
// until ready says its step's record shows it running, and kills the
// server with SIGKILL. It returns the step's record and its file.
func killedServer(t *testing.T, root, repoURL, image string, ready func(record) bool) (record, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), previousServerEnv+"="+root, "LOCAL_ENGINE_TEST_REPO="+repoURL, "LOCAL_ENGINE_TEST_IMAGE="+image)
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var rec record
	recordFile := filepath.Join(root, "workspaces", "team", "run-1", "run", "step-0-0.json")
	deadline := time.After(60 * time.Second)
	for {
		b, err := os.ReadFile(recordFile)
		if err == nil && json.Unmarshal(b, &rec) == nil && ready(rec) {
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("the previous server ended by itself (%v): %s", err, stderr.String())
		case <-deadline:
			_ = cmd.Process.Kill()
			<-exited
			t.Fatalf("the previous server ran no step: %s", stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	<-exited
	return rec, recordFile
}
