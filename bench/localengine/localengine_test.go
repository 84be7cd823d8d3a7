//go:build !unit

// Package localengine measures the local engine (internal/pipeline/local)
// on this machine with real git:
//
//   - BenchmarkPrepareFirstStep: trigger to first step running, on a warm
//     mirror: Prepare (fetch into the mirror, shared clone, checkout of a
//     repository of -files files) and a runScript step `true`, reported as
//     p50 and p95 over b.N executions. Target: p50 under 100 ms.
//
//   - BenchmarkGoBuildCache: a `go build` step whose GOCACHE is a cached
//     path, cold (a new key: Miss) against warm (the key a successful run
//     saved: Hit), the step's whole time (restore, build, save). Target:
//     warm at least 5x faster.
//
//     go test ./bench/localengine -run '^$' -bench . -benchtime 20x [-files 500] [-goimport net/http]
package localengine

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline"
	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline/local"
)

var (
	files    = flag.Int("files", 500, "files in the repository checked out")
	goImport = flag.String("goimport", "net/http", "package the built program imports (its build cache is what is cached)")
)

func BenchmarkPrepareFirstStep(b *testing.B) {
	repoURL, commit := makeRepo(b, func(dir string) {
		for i := range *files {
			p := filepath.Join(dir, fmt.Sprintf("pkg%02d", i%20), fmt.Sprintf("file%04d.txt", i))
			write(b, p, strings.Repeat("line of text\n", 80))
		}
	})
	e := newEngine(b)
	step := &pipeline.StepJob{Step: devopsv1alpha1.Step{Name: "first", RunScript: &devopsv1alpha1.RunScriptStep{Image: "busybox", ShellScript: "true"}}}
	warm := job(repoURL, commit, "warm")
	if err := e.Prepare(b.Context(), warm, &bytes.Buffer{}); err != nil {
		b.Fatal(err)
	}
	_ = e.Cleanup(b.Context(), warm)

	var took []time.Duration
	b.ResetTimer()
	for i := range b.N {
		j := job(repoURL, commit, fmt.Sprintf("run-%d", i))
		start := time.Now()
		if err := e.Prepare(b.Context(), j, &bytes.Buffer{}); err != nil {
			b.Fatal(err)
		}
		res, err := e.RunStep(b.Context(), j, step, &bytes.Buffer{})
		if err != nil || res.ExitCode != 0 {
			b.Fatalf("step: %+v, %v", res, err)
		}
		took = append(took, time.Since(start))
		b.StopTimer()
		_ = e.Cleanup(b.Context(), j)
		b.StartTimer()
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
}

func BenchmarkGoBuildCache(b *testing.B) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		b.Fatalf("go is needed: %v", err)
	}
	repoURL, commit := makeRepo(b, func(dir string) {
		write(b, filepath.Join(dir, "go.mod"), "module bench\n\ngo 1.22\n")
		write(b, filepath.Join(dir, "main.go"), fmt.Sprintf("package main\n\nimport _ %q\n\nfunc main() {}\n", *goImport))
	})
	e := newEngine(b)
	env := map[string]string{
		"PATH":        filepath.Dir(goBin) + ":" + local.DefaultPath,
		"GOCACHE":     "", // set per step below: inside the checkout
		"GOTOOLCHAIN": "local",
		"GOENV":       "off",
		"GOFLAGS":     "-trimpath",
	}
	run := func(name, key string) (time.Duration, devopsv1alpha1.CacheResult) {
		j := job(repoURL, commit, name)
		if err := e.Prepare(b.Context(), j, &bytes.Buffer{}); err != nil {
			b.Fatal(err)
		}
		defer func() { _ = e.Cleanup(b.Context(), j) }()
		step := &pipeline.StepJob{
			Step: devopsv1alpha1.Step{
				Name:      "build",
				RunScript: &devopsv1alpha1.RunScriptStep{Image: "golang", ShellScript: "export GOCACHE=$PWD/.gocache\ngo build -o /dev/null ."},
				Cache:     &devopsv1alpha1.Cache{Key: key, Paths: []string{".gocache"}},
			},
			Env: env,
		}
		var log bytes.Buffer
		start := time.Now()
		res, err := e.RunStep(b.Context(), j, step, &log)
		took := time.Since(start)
		if err != nil || res.ExitCode != 0 {
			b.Fatalf("build: %+v, %v\n%s", res, err, log.String())
		}
		return took, res.Cache.Result
	}
	var cold, warm time.Duration
	b.ResetTimer()
	for i := range b.N {
		key := fmt.Sprintf("go-%d", i)
		c, r1 := run(fmt.Sprintf("cold-%d", i), key)
		w, r2 := run(fmt.Sprintf("warm-%d", i), key)
		if r1 != devopsv1alpha1.CacheMiss || r2 != devopsv1alpha1.CacheHit {
			b.Fatalf("cache results %s then %s, want Miss then Hit", r1, r2)
		}
		cold += c
		warm += w
	}
	b.ReportMetric(cold.Seconds()/float64(b.N), "cold-s")
	b.ReportMetric(warm.Seconds()/float64(b.N), "warm-s")
	b.ReportMetric(cold.Seconds()/warm.Seconds(), "speedup-x")
}

func newEngine(b *testing.B) *local.Engine {
	e, err := local.New(local.Options{Root: b.TempDir(), Host: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	return e
}

func job(repoURL, commit, name string) *pipeline.Job {
	return &pipeline.Job{
		Namespace: "bench", Name: name, Pipeline: "app",
		RepositoryURL: repoURL, Ref: "refs/heads/main", Commit: commit,
		Isolation: devopsv1alpha1.IsolationProcess,
	}
}

// makeRepo makes a bare repository (git init --bare -b main) holding one
// commit of what fill writes, and returns its file:// URL and the commit's
// id (a webhook's execution names its commit).
func makeRepo(b *testing.B, fill func(dir string)) (string, string) {
	root := b.TempDir()
	bare := filepath.Join(root, "app.git")
	work := filepath.Join(root, "work")
	fill(work)
	for _, args := range [][]string{
		{"init", "--quiet", "--bare", "-b", "main", bare},
		{"-C", work, "init", "--quiet", "-b", "main"},
		{"-C", work, "add", "-A"},
		{"-C", work, "-c", "user.name=b", "-c", "user.email=b@example.com", "commit", "--quiet", "-m", "bench"},
		{"-C", work, "push", "--quiet", "file://" + bare, "HEAD:refs/heads/main"},
	} {
		cmd := exec.Command("git", args...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+root)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	out, err := exec.Command("git", "-C", work, "rev-parse", "HEAD").Output()
	if err != nil {
		b.Fatal(err)
	}
	return "file://" + bare, strings.TrimSpace(string(out))
}

func write(b *testing.B, path, content string) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		b.Fatal(err)
	}
}
