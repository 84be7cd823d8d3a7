//go:build !unit

// Package registrycopy measures copying an image between two registries
// through the server against go-containerregistry's own CLI, crane, in
// the same run: a 2-platform index of about 100 MB between two real
// docker-registry processes on this machine, in alternating pairs. It also
// samples the server's heap during its copies: a copy must stream blobs,
// not hold them.
//
//	go test ./bench/registrycopy -run '^$' -bench Copy -benchtime 1x [-pairs 3] [-mb 100]
//
// Targets (bench/RESULTS.md): at most 1.1x crane's time; under 64 MB of
// heap above idle.
package registrycopy

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/registry/registrytest"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

var (
	pairs     = flag.Int("pairs", 3, "alternating crane/server pairs")
	megabytes = flag.Int64("mb", 100, "image size in MB, split over two platforms")
)

func BenchmarkCopy(b *testing.B) {
	dir := b.TempDir()
	crane := filepath.Join(dir, "crane")
	if out, err := exec.Command("go", "build", "-o", crane, "github.com/google/go-containerregistry/cmd/crane").CombinedOutput(); err != nil {
		b.Fatalf("build crane: %v: %s", err, out)
	}
	src, err := registrytest.Start(dir, registrytest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(src.Stop)
	dst, err := registrytest.Start(dir, registrytest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(dst.Stop)
	platforms := []v1.Platform{{OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "arm64", Variant: "v8"}}
	if _, err := src.Push("bench/app", "v1", "", "", platforms, *megabytes<<20/2); err != nil {
		b.Fatal(err)
	}

	h := servertest.New(b, servertest.Options{})
	for name, r := range map[string]*registrytest.Registry{"src": src, "dst": dst} {
		h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/registries", h.Admin, map[string]any{
			"name": name, "type": "distribution", "endpoint": r.URL, "insecure": true,
		})
	}

	var craneTimes, serverTimes []time.Duration
	var peaks []uint64
	for i := range *pairs {
		runCrane := func() {
			start := time.Now()
			out, err := exec.Command(crane, "copy", "--insecure", src.Host+"/bench/app:v1", fmt.Sprintf("%s/crane-%d/app:v1", dst.Host, i)).CombinedOutput()
			if err != nil {
				b.Fatalf("crane copy: %v: %s", err, out)
			}
			craneTimes = append(craneTimes, time.Since(start))
		}
		runServer := func() {
			d, peak := serverCopy(b, h, fmt.Sprintf("server-%d/app", i))
			serverTimes = append(serverTimes, d)
			peaks = append(peaks, peak)
		}
		if i%2 == 0 {
			runCrane()
			runServer()
		} else {
			runServer()
			runCrane()
		}
		b.Logf("pair %d: crane %v, server %v (%.2fx), server heap +%d MB at most", i+1,
			craneTimes[i].Round(time.Millisecond), serverTimes[i].Round(time.Millisecond),
			serverTimes[i].Seconds()/craneTimes[i].Seconds(), peaks[i]>>20)
	}
	ratio := mean(serverTimes).Seconds() / mean(craneTimes).Seconds()
	b.ReportMetric(ratio, "x-crane")
	b.ReportMetric(float64(slices.Max(peaks))/(1<<20), "MB-heap-above-idle")
	b.Logf("%d MB, %d pairs: crane mean %v, server mean %v, ratio %.3f; server heap above idle at most %d MB",
		*megabytes, *pairs, mean(craneTimes).Round(time.Millisecond), mean(serverTimes).Round(time.Millisecond), ratio, slices.Max(peaks)>>20)
}

// serverCopy copies src's image to dst's repo through the API, returning
// how long it took from the request to the job's success and the most heap
// in use above the idle heap while it ran.
func serverCopy(b *testing.B, h *servertest.Harness, repo string) (time.Duration, uint64) {
	runtime.GC()
	idle := heapInUse()
	ctx, stop := context.WithCancel(b.Context())
	var peak uint64
	var wg sync.WaitGroup
	wg.Go(func() {
		for ctx.Err() == nil {
			if m := heapInUse(); m > idle && m-idle > peak {
				peak = m - idle
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	start := time.Now()
	job := h.Expect(http.StatusAccepted, http.MethodPost, "/api/v1/copies", h.Admin, map[string]any{
		"from": map[string]any{"registry": "src", "repository": "bench/app", "reference": "v1"},
		"to":   map[string]any{"registry": "dst", "repository": repo, "tag": "v1"},
	})
	for {
		got := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/copies/"+job["id"].(string), h.Admin, nil)
		if state := got["state"].(string); state != "Running" {
			if state != "Succeeded" {
				b.Fatalf("copy: %v", got)
			}
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	elapsed := time.Since(start)
	stop()
	wg.Wait()
	return elapsed, peak
}

func heapInUse() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse + m.StackInuse
}

func mean(ds []time.Duration) time.Duration {
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return sum / time.Duration(len(ds))
}
