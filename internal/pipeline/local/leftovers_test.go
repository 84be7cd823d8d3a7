package local

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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
		os.Exit(previousServer(root, os.Getenv("LOCAL_ENGINE_TEST_REPO")))
	}
	os.Exit(m.Run())
}

// previousServer prepares an execution and runs `sleep 1000 & sleep 1000`
// in it until it is killed.
func previousServer(root, repoURL string) int {
	e, err := New(Options{Root: root, Host: "node-1"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	job := &pipeline.Job{Namespace: "team", Name: "run-1", Pipeline: "app", RepositoryURL: repoURL, Commit: "main", Isolation: devopsv1alpha1.IsolationProcess}
	if err := e.Prepare(context.Background(), job, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	_, err = e.RunStep(context.Background(), job, scriptStep("sleep 1000 & sleep 1000", nil), os.Stderr)
	fmt.Fprintln(os.Stderr, "the step ended:", err)
	return 1
}

// A server killed with SIGKILL leaves its steps' processes running (only
// the shell gets the parent-death signal); the next New on its root kills
// them.
func TestNewKillsWhatAKilledServerLeft(t *testing.T) {
	root := t.TempDir()
	r := newRepo(t, t.TempDir(), "app.git", map[string]string{"README": "x\n"})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), previousServerEnv+"="+root, "LOCAL_ENGINE_TEST_REPO="+r.url)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var rec record
	recordFile := filepath.Join(root, "workspaces", "team", "run-1", "run", "step-0-0.json")
	deadline := time.Now().Add(30 * time.Second)
	for {
		b, err := os.ReadFile(recordFile)
		if err == nil && json.Unmarshal(b, &rec) == nil && len(groupMembers(rec.PGID, rec.Start)) >= 2 {
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("the previous server ran no step: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
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
