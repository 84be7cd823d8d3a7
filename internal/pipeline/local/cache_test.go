package local

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline"
)

// cachedStep is a step caching paths under key.
func cachedStep(script, key string, env map[string]string, paths ...string) *pipeline.StepJob {
	s := scriptStep(script, env)
	s.Step.Cache = &devopsv1alpha1.Cache{Key: key, Paths: paths}
	return s
}

func TestCacheMissThenHit(t *testing.T) {
	e := newEngine(t)
	r := newRepo(t, t.TempDir(), "app.git", map[string]string{"README": "x\n"})
	env := map[string]string{"CICD_GIT_BRANCH": "main"}
	build := `if [ -f .cache/deps/lib ]; then echo found=$(cat .cache/deps/lib); else echo built; fi
mkdir -p .cache/deps out && echo v1 > .cache/deps/lib && echo o > out/o`

	run := func(name, script string) (pipeline.StepResult, string) {
		t.Helper()
		job := prepared(t, e, r, name)
		var log bytes.Buffer
		res, err := e.RunStep(t.Context(), job, cachedStep(script, "deps-${CICD_GIT_BRANCH}", env, ".cache/deps", "out"), &log)
		if err != nil {
			t.Fatal(err)
		}
		return res, log.String()
	}

	res, log := run("run-1", build)
	if res.Cache == nil || *res.Cache != (devopsv1alpha1.CacheStatus{Key: "deps-main", Result: devopsv1alpha1.CacheMiss}) || !strings.Contains(log, "built") {
		t.Fatalf("first run: cache %+v, log %s", res.Cache, log)
	}
	res, log = run("run-2", build)
	if res.Cache == nil || res.Cache.Result != devopsv1alpha1.CacheHit || !strings.Contains(log, "found=v1") {
		t.Fatalf("second run: cache %+v, log %s", res.Cache, log)
	}
	// A failed step saves nothing of what it changed (and gives back
	// nothing of what it claimed).
	res, _ = run("run-3", "echo v2 > .cache/deps/lib; exit 1")
	if res.ExitCode != 1 || res.Cache.Result != devopsv1alpha1.CacheHit {
		t.Fatalf("failing run: %+v", res)
	}
	res, log = run("run-4", build)
	if res.Cache.Result != devopsv1alpha1.CacheMiss || strings.Contains(log, "v2") {
		t.Errorf("after a failed step: cache %+v, log %s", res.Cache, log)
	}
	// Later writes in place by the workspace that saved a generation do
	// not reach it.
	job := prepared(t, e, r, "run-4b")
	if res, err := e.RunStep(t.Context(), job, cachedStep(build, "deps-${CICD_GIT_BRANCH}", env, ".cache/deps", "out"), &bytes.Buffer{}); err != nil || res.ExitCode != 0 {
		t.Fatalf("saving run: %+v, %v", res, err)
	}
	if res, err := e.RunStep(t.Context(), job, scriptStep("echo v3 > .cache/deps/lib", nil), &bytes.Buffer{}); err != nil || res.ExitCode != 0 {
		t.Fatalf("writing run: %+v, %v", res, err)
	}
	_, log = run("run-4c", build)
	if !strings.Contains(log, "found=v1") {
		t.Errorf("the saved generation changed after its save: %s", log)
	}
	// Another key is another cache.
	job = prepared(t, e, r, "run-5")
	res, err := e.RunStep(t.Context(), job, cachedStep("true", "deps-${CICD_GIT_BRANCH}", map[string]string{"CICD_GIT_BRANCH": "dev"}, ".cache/deps"), &bytes.Buffer{})
	if err != nil || res.Cache.Result != devopsv1alpha1.CacheMiss || res.Cache.Key != "deps-dev" {
		t.Errorf("other key: %+v, %v", res.Cache, err)
	}
}

// Concurrent executions of one pipeline save and restore one cache: each
// sees a whole generation, never a mix.
func TestCacheConcurrentSaves(t *testing.T) {
	e := newEngine(t)
	r := newRepo(t, t.TempDir(), "app.git", map[string]string{"README": "x\n"})
	jobs := make([]*pipeline.Job, 6)
	for i := range jobs {
		jobs[i] = prepared(t, e, r, "run-"+string(rune('a'+i)))
	}
	script := `if [ -d c ]; then a=$(cat c/a); b=$(cat c/b); [ "$a" = "$b" ] || { echo "mixed $a $b"; exit 9; }; fi
mkdir -p c; echo $CICD_EXECUTION_ID > c/a; echo $CICD_EXECUTION_ID > c/b`
	for round := 0; round < 3; round++ {
		var wg sync.WaitGroup
		for _, job := range jobs {
			wg.Go(func() {
				var log bytes.Buffer
				res, err := e.RunStep(t.Context(), job, cachedStep(script, "k", map[string]string{"CICD_EXECUTION_ID": job.Name}, "c"), &log)
				if err != nil || res.ExitCode != 0 {
					t.Errorf("%s: %+v, %v: %s", job.Name, res, err, log.String())
				}
			})
		}
		wg.Wait()
	}
	gens, _ := os.ReadDir(filepath.Join(e.opts.Root, "cache", "team", "app", sanitizeKey("k"), "gens"))
	if len(gens) == 0 || len(gens) > len(jobs) {
		t.Errorf("%d generations kept, want 1 to %d", len(gens), len(jobs))
	}
}

func TestCachePathsTheStepCannotHave(t *testing.T) {
	e := newEngine(t)
	r := newRepo(t, t.TempDir(), "app.git", map[string]string{"README": "x\n", "out": "symlink:/tmp"})
	job := prepared(t, e, r, "run-1")
	for _, tc := range []struct{ path, want string }{
		{path: "/root/.m2", want: "absolute"},
		{path: "../x", want: "inside the workspace"},
		{path: ".", want: "inside the workspace"},
		{path: "out/x", want: "symbolic link"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			res, err := e.RunStep(t.Context(), job, cachedStep("true", "k", nil, tc.path), &bytes.Buffer{})
			if err != nil {
				t.Fatal(err)
			}
			if res.ExitCode == 0 || !strings.Contains(res.Message, tc.want) {
				t.Errorf("result = %+v, want a failure saying %q", res, tc.want)
			}
		})
	}
}

func TestSanitizeKey(t *testing.T) {
	seen := map[string]string{}
	for _, k := range []string{"a/b", "a_b", "..", "go-${X}", strings.Repeat("x", 300)} {
		s := sanitizeKey(k)
		if strings.ContainsAny(s, "/$") || s == ".." || len(s) > 120 {
			t.Errorf("sanitizeKey(%q) = %q", k, s)
		}
		if other, ok := seen[s]; ok {
			t.Errorf("%q and %q share %q", k, other, s)
		}
		seen[s] = k
	}
}

// A step that makes a directory on a cached path's way a symbolic link
// (to the host's /etc) gets nothing of it saved.
func TestCacheSavesNothingThroughALink(t *testing.T) {
	e := newEngine(t)
	r := newRepo(t, t.TempDir(), "app.git", map[string]string{"README": "x\n"})
	job := prepared(t, e, r, "run-1")
	res, err := e.RunStep(t.Context(), job, cachedStep("ln -s /etc out", "k", nil, "out/ssl"), &bytes.Buffer{})
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("step: %+v, %v", res, err)
	}
	job = prepared(t, e, r, "run-2")
	res, err = e.RunStep(t.Context(), job, cachedStep("test ! -e out", "k", nil, "out/ssl"), &bytes.Buffer{})
	if err != nil || res.ExitCode != 0 {
		t.Errorf("the host's /etc/ssl came back from the cache: %+v, %v", res, err)
	}
}
