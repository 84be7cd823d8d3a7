package logstore_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onsi/gomega"

	"github.com/wheelhouse-dev/wheelhouse/internal/logstore"
)

// Bounds of every wait in these tests: a follower sees a write at once in
// the same process and within a poll (a quarter second) from another one;
// the timeout only guards a loaded CI machine.
const (
	waitTimeout = 30 * time.Second
	waitPolling = 10 * time.Millisecond
)

// eventually is Gomega's Eventually for t with the bounds above: the one
// way these tests wait.
func eventually(t testing.TB, f any) gomega.AsyncAssertion {
	t.Helper()
	return gomega.NewWithT(t).Eventually(f).WithTimeout(waitTimeout).WithPolling(waitPolling)
}

// opener opens a store over one test's state; every call opens another
// store over the same state, as the server does after a restart.
type opener func() logstore.Store

// testContract runs what every Store must do; newState makes a fresh
// state for each subtest.
func testContract(t *testing.T, newState func(t *testing.T) opener) {
	t.Run("write and read", func(t *testing.T) { contractWriteRead(t, newState(t)()) })
	t.Run("follow live with several followers", func(t *testing.T) { contractFollowLive(t, newState(t)()) })
	t.Run("follow a log not yet created", func(t *testing.T) { contractFollowNotCreated(t, newState(t)()) })
	t.Run("follow ends on seal", func(t *testing.T) { contractFollowEndsOnSeal(t, newState(t)()) })
	t.Run("seal then follow", func(t *testing.T) { contractSealThenFollow(t, newState(t)()) })
	t.Run("offsets", func(t *testing.T) { contractOffsets(t, newState(t)()) })
	t.Run("delete", func(t *testing.T) { contractDelete(t, newState(t)()) })
	t.Run("invalid keys", func(t *testing.T) { contractInvalidKeys(t, newState(t)()) })
	t.Run("create again truncates", func(t *testing.T) { contractCreateAgain(t, newState(t)()) })
	t.Run("restart leaves an unsealed log readable", func(t *testing.T) { contractRestart(t, newState(t)) })
}

var key = logstore.Key{Namespace: "team-a", Execution: "build-7", Stage: 0, Step: 1}

func keyAt(stage, step int) logstore.Key {
	k := key
	k.Stage, k.Step = stage, step
	return k
}

func contractWriteRead(t *testing.T, s logstore.Store) {
	w := create(t, s, key)
	write(t, w, "hello\n")
	expectRead(t, s, key, 0, "hello\n") // visible before Close
	write(t, w, "world\n")
	expectRead(t, s, key, 6, "world\n")
	closeLog(t, w)
	expectRead(t, s, key, 0, "hello\nworld\n")

	if _, err := s.Open(t.Context(), keyAt(3, 3), 0); !errors.Is(err, logstore.ErrNotFound) {
		t.Errorf("Open of a log never written: %v, want ErrNotFound", err)
	}
	if _, err := s.Open(t.Context(), key, -1); err == nil {
		t.Error("Open at offset -1 succeeded")
	}
}

func contractFollowLive(t *testing.T, s logstore.Store) {
	w := create(t, s, key)
	write(t, w, "one\n")
	followers := []*following{follow(t, s, key, 0), follow(t, s, key, 0), follow(t, s, key, 0)}
	fromTwo := follow(t, s, key, 2)
	var want strings.Builder
	want.WriteString("one\n")
	for _, line := range []string{"two\n", "three\n", "four\n"} {
		write(t, w, line)
		want.WriteString(line)
		for _, f := range followers {
			eventually(t, f.text).Should(gomega.Equal(want.String()))
		}
	}
	closeLog(t, w)
	for _, f := range append(followers, fromTwo) {
		if err := f.end(t); err != nil {
			t.Errorf("follower ended with %v, want nil", err)
		}
	}
	for _, f := range followers {
		gomega.NewWithT(t).Expect(f.text()).To(gomega.Equal(want.String()))
	}
	gomega.NewWithT(t).Expect(fromTwo.text()).To(gomega.Equal(want.String()[2:]))
}

func contractFollowNotCreated(t *testing.T, s logstore.Store) {
	f := follow(t, s, key, 0)
	w := create(t, s, key)
	write(t, w, "started\n")
	eventually(t, f.text).Should(gomega.Equal("started\n"))
	write(t, w, "done\n")
	closeLog(t, w)
	if err := f.end(t); err != nil {
		t.Fatalf("follower ended with %v", err)
	}
	gomega.NewWithT(t).Expect(f.text()).To(gomega.Equal("started\ndone\n"))
}

func contractFollowEndsOnSeal(t *testing.T, s logstore.Store) {
	w := create(t, s, key)
	write(t, w, "partial") // the step's last line is left open
	f := follow(t, s, key, 0)
	never := follow(t, s, keyAt(1, 0), 0) // a step that will never run
	eventually(t, f.text).Should(gomega.Equal("partial"))
	if err := s.Seal(t.Context(), key.Namespace, key.Execution, "execution given up: server restarted"); err != nil {
		t.Fatalf("Seal: %v", err)
	}
	for _, fl := range []*following{f, never} {
		if err := fl.end(t); err != nil {
			t.Errorf("follower ended with %v, want nil", err)
		}
	}
	g := gomega.NewWithT(t)
	g.Expect(f.text()).To(gomega.Equal("partial\nexecution given up: server restarted\n"))
	g.Expect(never.text()).To(gomega.BeEmpty())
	if _, err := w.Write([]byte("late")); err == nil {
		t.Error("a write after Seal succeeded")
	}
	if err := w.Close(); err != nil {
		t.Errorf("Close after Seal: %v", err)
	}
	expectRead(t, s, key, 0, "partial\nexecution given up: server restarted\n")
}

func contractSealThenFollow(t *testing.T, s logstore.Store) {
	w := create(t, s, key)
	write(t, w, "line\n")
	if err := s.Seal(t.Context(), key.Namespace, key.Execution, "given up"); err != nil {
		t.Fatalf("Seal: %v", err)
	}
	// Sealing again appends nothing to a sealed log.
	if err := s.Seal(t.Context(), key.Namespace, key.Execution, "given up again"); err != nil {
		t.Fatalf("second Seal: %v", err)
	}
	f := follow(t, s, key, 0)
	never := follow(t, s, keyAt(2, 0), 0)
	for _, fl := range []*following{f, never} {
		if err := fl.end(t); err != nil {
			t.Errorf("follower ended with %v, want nil", err)
		}
	}
	gomega.NewWithT(t).Expect(f.text()).To(gomega.Equal("line\ngiven up\n"))
	gomega.NewWithT(t).Expect(never.text()).To(gomega.BeEmpty())
	_ = w.Close()

	// Sealing an execution that has no logs still ends its followers.
	other := logstore.Key{Namespace: "team-a", Execution: "build-8"}
	waiting := follow(t, s, other, 0)
	if err := s.Seal(t.Context(), other.Namespace, other.Execution, "given up"); err != nil {
		t.Fatalf("Seal of an execution without logs: %v", err)
	}
	if err := waiting.end(t); err != nil {
		t.Errorf("follower ended with %v, want nil", err)
	}
}

func contractOffsets(t *testing.T, s logstore.Store) {
	// A log larger than what a reader holds at once (32 KiB).
	var want bytes.Buffer
	for i := 0; want.Len() < 200<<10; i++ {
		want.WriteString(strings.Repeat("x", i%97) + "\n")
	}
	w := create(t, s, key)
	write(t, w, want.String())
	closeLog(t, w)

	expectRead(t, s, key, 1000, want.String()[1000:])
	expectRead(t, s, key, int64(want.Len()), "")
	expectRead(t, s, key, int64(want.Len())+10, "")
	f := follow(t, s, key, 1000)
	if err := f.end(t); err != nil {
		t.Fatalf("follower ended with %v", err)
	}
	g := gomega.NewWithT(t)
	g.Expect(f.text() == want.String()[1000:]).To(gomega.BeTrue(), "followed %d bytes from offset 1000, want %d", len(f.text()), want.Len()-1000)
	g.Expect(f.largestChunk()).To(gomega.BeNumerically("<=", 32<<10), "one send held more than 32 KiB")
	past := follow(t, s, key, int64(want.Len())+10)
	g.Expect(past.end(t)).To(gomega.Succeed())
	g.Expect(past.text()).To(gomega.BeEmpty())
	if err := s.Follow(t.Context(), key, -1, func([]byte) error { return nil }); err == nil {
		t.Error("Follow at offset -1 succeeded")
	}
}

func contractDelete(t *testing.T, s logstore.Store) {
	sealed := create(t, s, keyAt(0, 0))
	write(t, sealed, "done\n")
	closeLog(t, sealed)
	open := create(t, s, key)
	write(t, open, "running\n")
	f := follow(t, s, key, 0)
	eventually(t, f.text).Should(gomega.Equal("running\n"))

	if err := s.Delete(t.Context(), key.Namespace, key.Execution); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	for _, k := range []logstore.Key{keyAt(0, 0), key} {
		if _, err := s.Open(t.Context(), k, 0); !errors.Is(err, logstore.ErrNotFound) {
			t.Errorf("Open %v after Delete: %v, want ErrNotFound", k, err)
		}
	}
	if err := f.end(t); !errors.Is(err, logstore.ErrNotFound) {
		t.Errorf("follower ended with %v, want ErrNotFound", err)
	}
	if _, err := open.Write([]byte("more")); err == nil {
		t.Error("a write after Delete succeeded")
	}
	_ = open.Close()
	if _, err := s.Open(t.Context(), key, 0); !errors.Is(err, logstore.ErrNotFound) {
		t.Errorf("Open after Delete and Close: %v, want ErrNotFound (Close must not bring the log back)", err)
	}
	if err := s.Delete(t.Context(), "team-a", "never-ran"); err != nil {
		t.Errorf("Delete of an execution without logs: %v", err)
	}
}

func contractInvalidKeys(t *testing.T, s logstore.Store) {
	bad := map[string]logstore.Key{
		"empty namespace":       {Execution: "e"},
		"traversal namespace":   {Namespace: "..", Execution: "e"},
		"slash in namespace":    {Namespace: "a/b", Execution: "e"},
		"upper-case namespace":  {Namespace: "Team", Execution: "e"},
		"dotted namespace":      {Namespace: "a.b", Execution: "e"},
		"empty execution":       {Namespace: "ns"},
		"traversal execution":   {Namespace: "ns", Execution: ".."},
		"slash in execution":    {Namespace: "ns", Execution: "../../etc"},
		"long execution":        {Namespace: "ns", Execution: strings.Repeat("a", 254)},
		"negative stage":        {Namespace: "ns", Execution: "e", Stage: -2},
		"preparation's step 1":  {Namespace: "ns", Execution: "e", Stage: logstore.PrepareStage, Step: 1},
		"negative step":         {Namespace: "ns", Execution: "e", Step: -1},
		"NUL in execution":      {Namespace: "ns", Execution: "e\x00"},
		"space in namespace":    {Namespace: "a b", Execution: "e"},
		"leading dash":          {Namespace: "-a", Execution: "e"},
		"execution is a dot":    {Namespace: "ns", Execution: "."},
		"execution starts dots": {Namespace: "ns", Execution: ".hidden"},
	}
	for name, k := range bad {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			noop := func([]byte) error { return nil }
			errs := map[string]error{}
			_, errs["Create"] = s.Create(ctx, k)
			_, errs["Open"] = s.Open(ctx, k, 0)
			errs["Follow"] = s.Follow(ctx, k, 0, noop)
			if k.Stage >= 0 && k.Step >= 0 { // Seal and Delete take no indexes
				errs["Seal"] = s.Seal(ctx, k.Namespace, k.Execution, "x")
				errs["Delete"] = s.Delete(ctx, k.Namespace, k.Execution)
			}
			for op, err := range errs {
				if !errors.Is(err, logstore.ErrInvalidKey) {
					t.Errorf("%s: %v, want ErrInvalidKey", op, err)
				}
			}
		})
	}
}

func contractCreateAgain(t *testing.T, s logstore.Store) {
	w := create(t, s, key)
	write(t, w, "first run\n")
	closeLog(t, w)
	w = create(t, s, key)
	expectRead(t, s, key, 0, "")
	write(t, w, "second\n")
	closeLog(t, w)
	expectRead(t, s, key, 0, "second\n")
}

func contractRestart(t *testing.T, open opener) {
	before := open()
	w := create(t, before, key)
	write(t, w, "written before the restart\nhalf a li")
	// The server dies: the writer is never closed.

	after := open()
	expectRead(t, after, key, 0, "written before the restart\nhalf a li")
	f := follow(t, after, key, 0)
	eventually(t, f.text).Should(gomega.Equal("written before the restart\nhalf a li"))
	if err := after.Seal(t.Context(), key.Namespace, key.Execution, "execution given up after a restart"); err != nil {
		t.Fatalf("Seal: %v", err)
	}
	if err := f.end(t); err != nil {
		t.Fatalf("follower ended with %v", err)
	}
	want := "written before the restart\nhalf a li\nexecution given up after a restart\n"
	gomega.NewWithT(t).Expect(f.text()).To(gomega.Equal(want))
	expectRead(t, after, key, 0, want)
}

// create starts the log of k; the test fails on error.
func create(t *testing.T, s logstore.Store, k logstore.Key) io.WriteCloser {
	t.Helper()
	w, err := s.Create(t.Context(), k)
	if err != nil {
		t.Fatalf("Create %v: %v", k, err)
	}
	return w
}

func write(t *testing.T, w io.Writer, text string) {
	t.Helper()
	if _, err := io.WriteString(w, text); err != nil {
		t.Fatalf("write: %v", err)
	}
}

func closeLog(t *testing.T, w io.Closer) {
	t.Helper()
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// expectRead checks what Open reads of k from offset.
func expectRead(t *testing.T, s logstore.Store, k logstore.Key, offset int64, want string) {
	t.Helper()
	rc, err := s.Open(t.Context(), k, offset)
	if err != nil {
		t.Fatalf("Open %v at %d: %v", k, offset, err)
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %v at %d: %v", k, offset, err)
	}
	if string(got) != want {
		t.Fatalf("Open %v at %d read %d bytes %.80q, want %d bytes %.80q", k, offset, len(got), got, len(want), want)
	}
}

// following is one Follow running in the background for a test.
type following struct {
	mu      sync.Mutex
	got     bytes.Buffer
	largest int
	done    chan error
}

// follow starts Follow of k from offset; it is stopped, and waited for,
// when the test ends.
func follow(t *testing.T, s logstore.Store, k logstore.Key, offset int64) *following {
	t.Helper()
	f := &following{done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(t.Context())
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		f.done <- s.Follow(ctx, k, offset, f.send)
	}()
	t.Cleanup(func() {
		cancel()
		<-finished
	})
	return f
}

func (f *following) send(p []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got.Write(p)
	f.largest = max(f.largest, len(p))
	return nil
}

func (f *following) text() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.got.String()
}

func (f *following) largestChunk() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.largest
}

// end waits for Follow to return and returns its error.
func (f *following) end(t *testing.T) error {
	t.Helper()
	var err error
	eventually(t, f.done).Should(gomega.Receive(&err), "Follow did not return")
	return err
}
