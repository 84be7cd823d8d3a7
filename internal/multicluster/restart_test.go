package multicluster

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
)

// failingWatches is an API server whose lists answer (empty) and whose
// watches all fail at once, as a cluster reached through a broken proxy
// (or through Wheelhouse's own pass-through) does. It counts the watches
// and the most requests it ever had in flight.
type failingWatches struct {
	listKinds map[string]string // "apps/v1/deployments" -> DeploymentList

	mu               sync.Mutex
	watches          int
	inFlight, maxFly int
}

func newFailingWatches() *failingWatches {
	f := &failingWatches{listKinds: map[string]string{}}
	for gvk := range scheme.Scheme.AllKnownTypes() {
		if strings.HasSuffix(gvk.Kind, "List") {
			continue
		}
		plural, _ := meta.UnsafeGuessKindToResource(gvk)
		f.listKinds[gvk.GroupVersion().String()+"/"+plural.Resource] = gvk.Kind + "List"
	}
	return f
}

func (f *failingWatches) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.inFlight++
	f.maxFly = max(f.maxFly, f.inFlight)
	f.mu.Unlock()
	defer func() { f.mu.Lock(); f.inFlight--; f.mu.Unlock() }()

	w.Header().Set("Content-Type", "application/json")
	if r.URL.Path == "/version" {
		_, _ = io.WriteString(w, `{"gitVersion":"v1.36.3"}`)
		return
	}
	if r.URL.Query().Get("watch") == "true" {
		f.mu.Lock()
		f.watches++
		f.mu.Unlock()
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"watch broken","reason":"InternalError","code":500}`)
		return
	}
	// /api/v1/pods or /apis/apps/v1/deployments: an empty list.
	path := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/api/"), "/apis/")
	kind, ok := f.listKinds[path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	gv := path[:strings.LastIndex(path, "/")]
	if strings.Contains(r.Header.Get("Accept"), "as=PartialObjectMetadataList") {
		gv, kind = "meta.k8s.io/v1", "PartialObjectMetadataList"
	}
	fmt.Fprintf(w, `{"apiVersion":%q,"kind":%q,"metadata":{"resourceVersion":"1"},"items":[]}`, gv, kind)
}

func (f *failingWatches) stats() (watches, maxInFlight int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.watches, f.maxFly
}

// TestFailingWatchesDoNotMultiply connects a cluster whose every watch
// fails and lets its informers retry for several rounds: the retries back
// off, the requests in flight never exceed one per informer (plus the
// probe and the usage poll), and the goroutines of the connection do not
// grow with the failures.
func TestFailingWatchesDoNotMultiply(t *testing.T) {
	g := NewWithT(t)
	api := newFailingWatches()
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	m := NewManager(Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), ProbeInterval: 100 * time.Millisecond})
	t.Cleanup(m.Close)
	c, err := m.Connect(t.Context(), "broken", &rest.Config{Host: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	g.Eventually(c.Synced, time.Minute, 20*time.Millisecond).Should(BeTrue(), "the lists answer, so the caches fill")

	watchesAt := func(n int) int {
		g.Eventually(func() int { w, _ := api.stats(); return w }, 2*time.Minute, 20*time.Millisecond).
			Should(BeNumerically(">=", n))
		return runtime.NumGoroutine()
	}
	// Every informer has failed twice, then eight times (client-go's
	// reflector backs off: this takes a dozen seconds).
	early := watchesAt(2 * len(Kinds))
	late := watchesAt(8 * len(Kinds))
	if late > early+len(Kinds) {
		t.Errorf("goroutines grew from %d to %d while the watches kept failing", early, late)
	}
	if _, maxInFlight := api.stats(); maxInFlight > len(Kinds)+2 {
		t.Errorf("%d requests in flight at once, more than one per informer plus the probe and the usage poll", maxInFlight)
	}
	m.Disconnect("broken")
	g.Eventually(runtime.NumGoroutine, time.Minute, 50*time.Millisecond).Should(BeNumerically("<", early),
		"the connection's goroutines end with it")
}
