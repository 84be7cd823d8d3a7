//go:build !unit

// Package chartrepo measures a chart repository refresh that finds
// nothing new, through the server (POST .../refresh, authenticated, over
// HTTPS) and through the service alone: a classic repository with an
// index of about 5,000 versions (the request must be one conditional GET
// answered 304) and an OCI repository of 3 charts in a real
// docker-registry (ping, catalog and one tag list per chart), each request
// counted where it arrives.
//
//	go test ./bench/chartrepo -run '^$' -bench Refresh -benchtime 1x [-refreshes 200]
//
// Target (bench/RESULTS.md): one request and under 50 ms for the classic
// repository.
package chartrepo

import (
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wheelhouse-dev/wheelhouse/internal/chartrepo/chartrepotest"
	"github.com/wheelhouse-dev/wheelhouse/internal/registry/registrytest"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

var refreshes = flag.Int("refreshes", 200, "refreshes timed per repository and path")

func BenchmarkRefreshUnchanged(b *testing.B) {
	srv := chartrepotest.NewServer()
	b.Cleanup(srv.Close)
	if err := srv.Add("metrics-server", "0.1.0", false); err != nil {
		b.Fatal(err)
	}
	if err := srv.AddSynthetic(500, 10); err != nil {
		b.Fatal(err)
	}

	reg, err := registrytest.Start(b.TempDir(), registrytest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(reg.Stop)
	for _, c := range []string{"metrics-server", "ingress-nginx", "jenkins"} {
		if err := chartrepotest.PushOCI(reg, "charts", "", "", c, "1.0.0"); err != nil {
			b.Fatal(err)
		}
	}
	// Requests to the registry are counted by a proxy in front of it.
	var ociRequests atomic.Int64
	target, _ := url.Parse(reg.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	counting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ociRequests.Add(1)
		proxy.ServeHTTP(w, r)
	}))
	b.Cleanup(counting.Close)

	h := servertest.New(b, servertest.Options{})
	h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/chart-repositories", h.Admin, map[string]any{
		"name": "classic", "type": "http", "url": srv.URL, "insecure": true,
	})
	h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/chart-repositories", h.Admin, map[string]any{
		"name": "oci", "type": "oci", "url": "oci://" + counting.Listener.Addr().String() + "/charts", "insecure": true,
	})
	charts := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/chart-repositories/classic/charts?limit=1000", h.Admin, nil)
	b.Logf("classic index: %d bytes, %d charts", srv.IndexSize(), len(charts["items"].([]any)))

	for _, tc := range []struct {
		repo     string
		requests func() int64
	}{
		{"classic", func() int64 { return int64(srv.Requests()) }},
		{"oci", ociRequests.Load},
	} {
		api := func() {
			if out := h.Expect(http.StatusOK, http.MethodPost, "/api/v1/chart-repositories/"+tc.repo+"/refresh", h.Admin, nil); out["changed"] != false {
				b.Fatalf("refresh of %s changed: %v", tc.repo, out)
			}
		}
		direct := func() {
			if changed, err := h.ChartRepos.Refresh(b.Context(), store.Scope{}, tc.repo); err != nil || changed {
				b.Fatalf("refresh of %s: %v %v", tc.repo, changed, err)
			}
		}
		for _, p := range []struct {
			name string
			run  func()
		}{{"through the server", api}, {"service alone", direct}} {
			p.run() // warm: connections open
			before := tc.requests()
			times := make([]time.Duration, 0, *refreshes)
			for range *refreshes {
				start := time.Now()
				p.run()
				times = append(times, time.Since(start))
			}
			perRefresh := float64(tc.requests()-before) / float64(*refreshes)
			slices.Sort(times)
			fmt.Printf("%s, %s: %.1f requests per refresh; p50 %v, p90 %v, max %v (%d refreshes)\n", tc.repo, p.name, perRefresh,
				times[len(times)/2].Round(10*time.Microsecond), times[len(times)*9/10].Round(10*time.Microsecond),
				times[len(times)-1].Round(10*time.Microsecond), len(times))
			b.ReportMetric(perRefresh, tc.repo+"-"+map[string]string{"through the server": "api", "service alone": "svc"}[p.name]+"-requests/refresh")
		}
	}
}
